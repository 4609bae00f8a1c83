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
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { pipeline, s3 as s3Source } from '../../../sdk/src/index.js';
import { createHandler, toPipelineDefinition, type HandlerResult } from '../../../sdk/src/runtime/handler.js';
import { objectIdOf } from '../../../sdk/src/runtime/zone-keys.js';
import { capturePowertoolsOutput } from '../../helpers/powertools-output.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { getText, listKeys } from './zone-inspection.js';

const TABLE = 'idempotency';
const PIPELINE = 'unreadable-alarm';
const definition = toPipelineDefinition(pipeline(PIPELINE).from(s3Source('s3://landing/events/*')).validate(z.object({ id: z.number() })));

// Neither yields a row: the first line is Latin-1, and the other is gzip data named .jsonl.
const BODIES: Record<string, Uint8Array> = {
  'events/latin1.jsonl': Uint8Array.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0xe9, 0x22, 0x3a, 0x30, 0x7d, 0x0a]),
  'events/gzip-named-jsonl.jsonl': gzipSync('{"id":1}\n{"id":2}\n'),
};

let s3: S3rverHandle;
let ddb: DynaliteHandle;
let result: HandlerResult;
const etags = new Map<string, string>();
const output: string[] = [];

beforeAll(async () => {
  [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', 'validated', 'quarantine'] }), startDynalite({ tables: [TABLE] })]);
  for (const [key, body] of Object.entries(BODIES)) {
    etags.set(key, await s3.putObject('landing', key, body));
  }
  capturePowertoolsOutput(output);
  const handler = createHandler(definition, {
    validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: TABLE,
    s3Client: s3.client, dynamoDbClient: ddb.client, env: { POWERTOOLS_METRICS_NAMESPACE: 'sluice' },
  });
  const keys = Object.keys(BODIES);
  const events = keys.map((key) => s3CreatedEvent({ bucket: 'landing', key, etag: etags.get(key)!, size: BODIES[key]!.length }));
  result = await handler(sqsBatch(events, keys.map((_, i) => `m${i}`)), { getRemainingTimeInMillis: () => 600_000 });
  vi.restoreAllMocks();
}, 120_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), ddb?.stop()]);
});

const jsonLines = () => output.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
const idOf = (key: string) => objectIdOf({ bucket: 'landing', key, version: etags.get(key)!, planHash: definition.hash });

test('each unreadable object is an answer, not a failure, and counts 1 in ObjectsUnreadable while no row is counted', () => {
  expect(result.batchItemFailures).toEqual([]);
  expect(Object.fromEntries(result.objects.map((o) => [o.key, [o.status, o.rows]]))).toEqual({
    'events/latin1.jsonl': ['unreadable', { in: 0, valid: 0, quarantined: 0 }],
    'events/gzip-named-jsonl.jsonl': ['unreadable', { in: 0, valid: 0, quarantined: 0 }],
  });
  const emf = jsonLines().filter((l) => l._aws?.CloudWatchMetrics);
  const total = (name: string) => emf.flatMap((l) => (l[name] === undefined ? [] : [l[name]].flat() as number[])).reduce((a, b) => a + b, 0);
  expect({ ObjectsUnreadable: total('ObjectsUnreadable'), RowsIn: total('RowsIn'), RowsQuarantined: total('RowsQuarantined'), GateFailures: total('GateFailures'), ObjectsFailed: total('ObjectsFailed') })
    .toEqual({ ObjectsUnreadable: 2, RowsIn: 0, RowsQuarantined: 0, GateFailures: 0, ObjectsFailed: 0 });
});

test('the log line the alarm names: INFO "object done" with status "unreadable", the object\'s URI, its objectId and the error', () => {
  const done = jsonLines().filter((l) => l.message === 'object done' && l.status === 'unreadable');
  expect(done.map((l) => [l.level, l.object, l.objectId]).sort()).toEqual(
    Object.keys(BODIES).map((key) => ['INFO', `s3://landing/${key}`, idOf(key)]).sort(),
  );
  // The reason is on the line itself: an operator reading the log needs no second lookup to start.
  const errorOf = (key: string) => String(done.find((l) => l.object === `s3://landing/${key}`)?.error);
  expect(errorOf('events/gzip-named-jsonl.jsonl')).toMatch(/name it with \.gz or give the source compression: 'gzip'/);
  expect(errorOf('events/latin1.jsonl')).toMatch(/re-encode it/);
});

test('the error document is at quarantine/<pipeline>/dt=<date>/objects/<objectId>.error.json, beside the copy, and says what to do', async () => {
  const quarantined = await listKeys(s3.client, 'quarantine');
  for (const key of Object.keys(BODIES)) {
    const documentKey = quarantined.find((k) => new RegExp(`^quarantine/${PIPELINE}/dt=\\d{4}-\\d{2}-\\d{2}/objects/${idOf(key)}\\.error\\.json$`).test(k));
    expect(documentKey, key).toBeDefined();
    const folder = documentKey!.replace(/\.error\.json$/, '/');
    expect(quarantined, key).toContain(`${folder}${key.split('/').pop()}`);
    const document = JSON.parse(await getText(s3.client, 'quarantine', documentKey!)) as { status: string; object: string; error: string };
    expect(document).toMatchObject({ status: 'unreadable', object: `s3://landing/${key}` });
    expect(document.error).toMatch(key.includes('gzip') ? /name it with \.gz or give the source compression: 'gzip'/ : /re-encode it/);
  }
});
