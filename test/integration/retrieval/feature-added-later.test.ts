/**
 * A pipeline gains a feature and runs over new data only: the newer partitions have the new
 * column, the older ones do not, and the catalog lists it. A training set over both periods must
 * give the older rows NULL for the new feature (as Athena does: it reads Parquet columns by name)
 * and their values for the old ones — not fail with a DuckDB binder error — and say so in its
 * warnings, naming the partitions that lack it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline, file, window, count, sum, featureStore } from '../../../sdk/src/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';

const Event = z.object({ user_id: z.string(), ts: z.coerce.date(), amount: z.number() });
let dir: string;
const store = () => featureStore(join(dir, 'store'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-feature-added-'));
  writeFileSync(join(dir, 'may-01.jsonl'), JSON.stringify({ user_id: 'u', ts: '2024-05-01T10:00:00Z', amount: 1 }));
  writeFileSync(join(dir, 'may-10.jsonl'), [{ user_id: 'u', ts: '2024-05-10T10:00:00Z', amount: 2 }, { user_id: 'u', ts: '2024-05-10T11:00:00Z', amount: 3 }].map((e) => JSON.stringify(e)).join('\n'));
  const features = { c: count() };
  await pipeline('grows').from(file(join(dir, 'may-01.jsonl'))).validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features }))
    .toFeatureStore(store(), { entity: 'user', group: 'g' }).run();
  await pipeline('grows').from(file(join(dir, 'may-10.jsonl'))).validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { ...features, s: sum('amount') } }))
    .toFeatureStore(store(), { entity: 'user', group: 'g' }).run();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a feature added to the pipeline later', () => {
  // Labels the day after each run's events: the May 2 row (old plan) and the May 11 row (new plan).
  const labels = [{ entity_id: 'u', ts: '2024-05-02T01:00:00Z' }, { entity_id: 'u', ts: '2024-05-11T01:00:00Z' }];
  for (const strategy of ['asof', 'range'] as const) {
    it(`${strategy}: older rows give NULL for it, and their own values for the rest`, async () => {
      const table = await trainingSet(store(), { labels, entity: 'user', features: ['g:*'], ttl: '30d' }).fetch({ engine: localEngine({ strategy }) });
      expect(table.getChild('g__c_1d')!.toArray()).toEqual(new BigInt64Array([1n, 2n]));
      expect([...table.getChild('g__s_1d')!].map((v) => v)).toEqual([null, 5]);
    });

    it(`${strategy}: the result says which partitions lack it, and nothing of features every partition has`, async () => {
      const run = await trainingSet(store(), { labels, entity: 'user', features: ['g:*'], ttl: '30d' }).run({ engine: localEngine({ strategy }) });
      expect(run.warnings).toEqual([
        "g: s_1d is missing from 2 of the 3 partitions read (2024-05-02 … 2024-05-03): they were written before the group's definition had this feature, " +
          'and labels that take their feature rows from them get null for it. Run the pipeline over those dates to fill it in.',
      ]);
      const old = await trainingSet(store(), { labels, entity: 'user', features: ['g:c_1d'], ttl: '30d' }).run({ engine: localEngine({ strategy }) });
      expect(old.warnings).toEqual([]);
    });

    it(`${strategy}: labels that only reach older rows get NULL for it`, async () => {
      const { table, warnings } = await trainingSet(store(), { labels: [labels[0]!], entity: 'user', features: ['g:s_1d', 'g:c_1d'], ttl: '2d' }).run({ engine: localEngine({ strategy }) });
      expect(table.toArray().map((r) => [r.toJSON().g__s_1d, r.toJSON().g__c_1d])).toEqual([[null, 1n]]);
      expect(warnings[0]).toMatch(/^g: s_1d is missing from the one partition read \(2024-05-02\): /);
    });
  }
});
