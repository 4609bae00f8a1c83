/**
 * A store root spelt with `./` (the example's `featureStore('./.sluice/features')`) or `..`:
 * local listings come back normalised ('./x' as 'x'), and partitions were once found by cutting
 * the root's spelling off each path — so none were found, and an unbounded training set came
 * back all nulls without a word.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { listPartitions } from '../../../sdk/src/features/catalog.js';
import { storeFiles } from '../../../sdk/src/features/store-files.js';
import { tempDir, writeStore, type FixtureGroup } from './store-fixture.js';

const D = (d: number): number => Date.UTC(2024, 2, d);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const group: FixtureGroup = {
  group: 'g1',
  columns: [{ name: 'v', type: 'DOUBLE' }],
  rows: [1, 2, 3].map((d) => ({ entity_id: 'a', feature_ts: D(d), values: [d * 10] })),
};

describe('a store root spelt relatively', () => {
  it('lists the partitions and serves an unbounded training set, as with the absolute root', async () => {
    const absolute = await tempDir();
    dirs.push(absolute);
    await writeStore(absolute, 'user', [group]);
    const spelt = `./${relative(process.cwd(), absolute)}`;
    expect(spelt).toMatch(/^\.\/(\.\.\/)+/);
    for (const root of [absolute, spelt]) {
      expect((await listPartitions(storeFiles(root), root, 'user', 'g1')).map((p) => p.dt)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
      const labels = [{ entity_id: 'a', ts: new Date(D(3) + 3_600_000), y: 1 }];
      for (const ttl of ['unbounded', '2000d'] as const) {
        const set = await trainingSet(root, { labels, entity: 'user', features: ['g1:v'], ttl }).fetch();
        expect({ root, ttl, v: set.toArray().map((r) => (r as Record<string, unknown>).g1__v) }).toEqual({ root, ttl, v: [30] });
      }
    }
  });
});
