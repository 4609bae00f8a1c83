/**
 * The notebook loop: declare a training set once, fetch, re-run the pipeline, fetch again. The
 * second fetch must read the store as it is now — a partition that appeared since, and one
 * that was rewritten under a new file name — not the file listing taken by the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { oracle, tempDir, writeStore, type FixtureGroup } from './store-fixture.js';

const D = (d: number): number => Date.UTC(2024, 0, d);
const TTL = 12 * 3_600_000;
const labels = [{ entity_id: 'u', ts: new Date(D(5) + 1) }, { entity_id: 'u', ts: new Date(D(6) + 1) }];
const keys = labels.map((l) => ({ entity: l.entity_id, ts: l.ts.getTime() }));
const group = (rows: FixtureGroup['rows']): FixtureGroup => ({ group: 'g', columns: [{ name: 'x', type: 'DOUBLE' }], rows });
let root: string;
beforeAll(async () => {
  root = await tempDir();
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('fetching the same training set after the store changed', () => {
  it('sees a new partition, and a rewritten one, as a new training set would', async () => {
    const v1 = group([{ entity_id: 'u', feature_ts: D(5), values: [1] }]);
    await writeStore(root, 'user', [v1]);
    const set = trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '12h' });
    const values = async (): Promise<unknown[]> => (await set.fetch({ engine: localEngine() })).toArray().map((r) => r.toJSON().g__x);
    expect(await values()).toEqual(oracle(keys, v1, TTL).map((r) => r[0]));

    const v2 = group([...v1.rows, { entity_id: 'u', feature_ts: D(6), values: [2] }]);
    await writeStore(root, 'user', [v2]);
    expect(await values()).toEqual(oracle(keys, v2, TTL).map((r) => r[0]));

    await rm(join(root, 'entity=user', 'feature_group=g', 'dt=2024-01-05'), { recursive: true });
    const v3 = group([{ entity_id: 'u', feature_ts: D(5), values: [10], file: 'b' }, { entity_id: 'u', feature_ts: D(6), values: [2] }]);
    await writeStore(root, 'user', [v3]);
    expect(await values()).toEqual(oracle(keys, v3, TTL).map((r) => r[0]));
    expect((await set.explain({ engine: localEngine() })).files).toBe(2);
  });
});
