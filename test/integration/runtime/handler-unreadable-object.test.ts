/**
 * What the ObjectsUnreadable alarm (promote/pipeline-monitoring.ts) watches and tells the
 * operator to look at, from the handler's side: an object that cannot be decoded is an answer,
 * not a failure (SQS must not retry it into the dead-letter queue), it counts 1 in
 * `ObjectsUnreadable` — while RowsIn and RowsQuarantined stay 0 (an unreadable object counts no
 * rows), which is why the quarantine-ratio alarm cannot see it — the handler logs it at INFO as "object done"
 * with status "unreadable" and the error, and its error document sits at the key the alarm names. The handler
 * (source) runs against s3rver and dynalite.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { pipeline, s3 as s3Source } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { runHandlerBatch, type HandlerBatch } from '../../helpers/handler-batch.js';
import { sqsBatch } from '../../helpers/s3-events.js';
import { getText, listKeys } from './zone-inspection.js';

const PIPELINE = 'unreadable-alarm';
const definition = toPipelineDefinition(pipeline(PIPELINE).from(s3Source('s3://landing/events/*')).validate(z.object({ id: z.number() })));

// Neither yields a row: the first line is Latin-1, and the other is gzip data named .jsonl.
const BODIES: Record<string, Uint8Array> = {
  'events/latin1.jsonl': Uint8Array.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0xe9, 0x22, 0x3a, 0x30, 0x7d, 0x0a]),
  'events/gzip-named-jsonl.jsonl': gzipSync('{"id":1}\n{"id":2}\n'),
};

let batch: HandlerBatch;

beforeAll(async () => {
  batch = await runHandlerBatch(definition, BODIES, (event, keys) => sqsBatch(keys.map(event), keys.map((_, i) => `m${i}`)));
}, 120_000);

afterAll(async () => {
  await batch?.stop();
});

test('each unreadable object is an answer, not a failure, and counts 1 in ObjectsUnreadable while no row is counted', () => {
  expect(batch.result.batchItemFailures).toEqual([]);
  expect(Object.fromEntries(batch.result.objects.map((o) => [o.key, [o.status, o.rows]]))).toEqual({
    'events/latin1.jsonl': ['unreadable', { in: 0, valid: 0, quarantined: 0 }],
    'events/gzip-named-jsonl.jsonl': ['unreadable', { in: 0, valid: 0, quarantined: 0 }],
  });
  const emf = batch.jsonLines().filter((l) => l._aws?.CloudWatchMetrics);
  const total = (name: string) => emf.flatMap((l) => (l[name] === undefined ? [] : [l[name]].flat() as number[])).reduce((a, b) => a + b, 0);
  expect({ ObjectsUnreadable: total('ObjectsUnreadable'), RowsIn: total('RowsIn'), RowsQuarantined: total('RowsQuarantined'), GateFailures: total('GateFailures'), ObjectsFailed: total('ObjectsFailed') })
    .toEqual({ ObjectsUnreadable: 2, RowsIn: 0, RowsQuarantined: 0, GateFailures: 0, ObjectsFailed: 0 });
});

test('the log line the alarm names: INFO "object done" with status "unreadable", the object\'s URI, its objectId and the error', () => {
  const done = batch.jsonLines().filter((l) => l.message === 'object done' && l.status === 'unreadable');
  expect(done.map((l) => [l.level, l.object, l.objectId]).sort()).toEqual(
    Object.keys(BODIES).map((key) => ['INFO', `s3://landing/${key}`, batch.idOf(key)]).sort(),
  );
  // The reason is on the line itself: an operator reading the log needs no second lookup to start.
  const errorOf = (key: string) => String(done.find((l) => l.object === `s3://landing/${key}`)?.error);
  expect(errorOf('events/gzip-named-jsonl.jsonl')).toMatch(/name it with \.gz or give the source compression: 'gzip'/);
  expect(errorOf('events/latin1.jsonl')).toMatch(/re-encode it/);
});

test('the error document is at quarantine/<pipeline>/dt=<date>/objects/<objectId>.error.json, beside the copy, and says what to do', async () => {
  const quarantined = await listKeys(batch.s3.client, 'quarantine');
  for (const key of Object.keys(BODIES)) {
    const documentKey = quarantined.find((k) => new RegExp(`^quarantine/${PIPELINE}/dt=\\d{4}-\\d{2}-\\d{2}/objects/${batch.idOf(key)}\\.error\\.json$`).test(k));
    expect(documentKey, key).toBeDefined();
    const folder = documentKey!.replace(/\.error\.json$/, '/');
    expect(quarantined, key).toContain(`${folder}${key.split('/').pop()}`);
    const document = JSON.parse(await getText(batch.s3.client, 'quarantine', documentKey!)) as { status: string; object: string; error: string };
    expect(document).toMatchObject({ status: 'unreadable', object: `s3://landing/${key}` });
    expect(document.error).toMatch(key.includes('gzip') ? /name it with \.gz or give the source compression: 'gzip'/ : /re-encode it/);
  }
});
