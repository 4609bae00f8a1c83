/**
 * The event stage reads only the landing objects the source's glob selects, as a local run
 * does: one SQS batch mixes matching keys with a `_SUCCESS` marker, a `.csv` beside `*.jsonl`,
 * keys under other prefixes — keys with spaces, `+`, `%` and non-ASCII letters, which arrive
 * form-URL-encoded. The handler (source) runs against s3rver and dynalite. A skipped object
 * is not read, not quarantined and not recorded; it is logged (key and reason), counted in
 * the `ObjectsSkipped` metric, and its message does not fail. Removing such an object (as that
 * metric's alarm advises: move it away) is skipped quietly: not counted, logged at INFO.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { pipeline, s3 as s3Source } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { currentVersionsPrefix, keyIdOf } from '../../../sdk/src/runtime/current-versions.js';
import { dirtyDatesPrefix } from '../../../sdk/src/runtime/dirty-dates.js';
import { IDEMPOTENCY_TABLE, runHandlerBatch, type HandlerBatch } from '../../helpers/handler-batch.js';
import { s3RemovedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { getText, listKeys } from './zone-inspection.js';

const GLOB = 'events/**/*.jsonl';
const definition = toPipelineDefinition(
  pipeline('glob-skip').from(s3Source(`s3://landing/${GLOB}`)).validate(z.object({ id: z.number(), name: z.string().min(1) })),
);

const rows = (...ids: number[]) => ids.map((id) => JSON.stringify({ id, name: id === 0 ? '' : `n${id}` })).join('\n') + '\n';

// Raw keys, as S3 stores them; the events carry them form-URL-encoded (s3CreatedEvent encodes).
const MATCHING = ['events/2024/a b+c%d=é.jsonl', 'events/b.jsonl'];
const SKIPPED = [
  'events/2024/_SUCCESS', // a marker: hidden names match only where the glob spells them
  'events/2024/notes é+1%.csv', // another format beside the data
  'other prefix/x+y%z é.jsonl', // outside the glob's prefix
  'events-old/c.jsonl', // shares the literal text "events" but not the folder
  'events/sub dir/README', // no extension
];
const BODIES: Record<string, string> = {
  [MATCHING[0]!]: rows(1, 2, 0), // one row is quarantined: the object itself is processed
  [MATCHING[1]!]: rows(3),
  [SKIPPED[0]!]: '',
  [SKIPPED[1]!]: 'id,name\n1,x\n',
  [SKIPPED[2]!]: rows(4),
  [SKIPPED[3]!]: rows(5),
  [SKIPPED[4]!]: 'not data\n',
};

let batch: HandlerBatch;

beforeAll(async () => {
  batch = await runHandlerBatch(definition, BODIES, (event) => {
    // One message per object, and one S3 notification holding a matching and a skipped record.
    const mixed = { Records: [...event(MATCHING[1]!).Records, ...event(SKIPPED[4]!).Records] };
    const keys = [MATCHING[0]!, ...SKIPPED.slice(0, 4)];
    const moved = s3RemovedEvent({ bucket: 'landing', key: SKIPPED[1]!, sequencer: '99' });
    return sqsBatch([...keys.map(event), mixed, moved], [...keys.map((_, i) => `m${i}`), 'mixed', 'moved']);
  });
}, 120_000);

afterAll(async () => {
  await batch?.stop();
});

describe('a mixed SQS batch', () => {
  test('no message fails: a skipped object is an answer, not an error', () => {
    expect(batch.result.batchItemFailures).toEqual([]);
  });

  test('matching keys are processed; every other key is skipped, with the glob in the reason', () => {
    const status = Object.fromEntries(batch.result.objects.map((o) => [o.key, o.status]));
    expect(status).toEqual({ ...Object.fromEntries(MATCHING.map((k) => [k, 'processed'])), ...Object.fromEntries(SKIPPED.map((k) => [k, 'skipped'])) });
    for (const o of batch.result.objects.filter((x) => x.status === 'skipped')) {
      expect(o.reason, o.key).toContain(GLOB);
      expect(o.rows, o.key).toBeUndefined();
    }
    expect(batch.result.objects.find((o) => o.key === MATCHING[0])?.rows).toEqual({ in: 3, valid: 2, quarantined: 1 });
  });

  test('skipped objects leave nothing in either zone and no idempotency record', async () => {
    const idOf = batch.idOf;
    const written = [...(await listKeys(batch.s3.client, 'validated')), ...(await listKeys(batch.s3.client, 'quarantine'))];
    expect(written.length).toBeGreaterThan(0);
    for (const key of SKIPPED) expect(written.filter((k) => k.includes(idOf(key))), key).toEqual([]);
    // Everything written belongs to a processed object: its outputs, its key's current-version
    // marker, or the dirty-date markers of its change (which name the key they come from).
    const processedIds = MATCHING.map(idOf);
    const processedKeyFolders = MATCHING.map((key) => currentVersionsPrefix(definition.plan.name, keyIdOf('landing', key)));
    const dirty = written.filter((k) => k.startsWith(dirtyDatesPrefix(definition.plan.name)));
    expect(dirty.length).toBeGreaterThan(0);
    for (const key of dirty) {
      const { change } = JSON.parse(await getText(batch.s3.client, 'validated', key)) as { change: string };
      expect(MATCHING.some((m) => change.startsWith(`landing/${m}@`)), change).toBe(true);
    }
    expect(written.filter((k) => !processedIds.some((id) => k.includes(id)) && !processedKeyFolders.some((folder) => k.startsWith(folder)) && !dirty.includes(k))).toEqual([]);
    expect((await batch.ddb.scan(IDEMPOTENCY_TABLE)).length).toBe(MATCHING.length);
  });

  test('each skip is logged with its key and reason', () => {
    const skips = batch.jsonLines().filter((l) => l.message === 'object skipped: its key is not selected by the source');
    expect(skips.map((l) => l.key).sort()).toEqual([...SKIPPED].sort());
    for (const line of skips) {
      expect(line.level).toBe('WARN');
      expect(line.object).toBe(`s3://landing/${line.key}`);
      expect(line.reason).toContain(GLOB);
    }
  });

  test('removing a skipped object is skipped quietly: logged at INFO, not counted, not a WARN', () => {
    const removals = batch.result.objects.filter((o) => o.key === SKIPPED[1] && o.status === 'skipped');
    expect(removals).toHaveLength(2);
    const quiet = batch.jsonLines().filter((l) => l.message === 'removal of an object the source does not select: nothing to do');
    expect(quiet.map((l) => [l.level, l.key])).toEqual([['INFO', SKIPPED[1]]]);
  });

  test('each skip is counted in the ObjectsSkipped metric', () => {
    const emf = batch.jsonLines().filter((l) => l._aws?.CloudWatchMetrics);
    const values = emf.flatMap((l) => (l.ObjectsSkipped === undefined ? [] : [l.ObjectsSkipped].flat() as number[]));
    expect(values.reduce((a, b) => a + b, 0)).toBe(SKIPPED.length);
    expect(emf.some((l) => l._aws.CloudWatchMetrics[0].Namespace === 'sluice')).toBe(true);
  });
});
