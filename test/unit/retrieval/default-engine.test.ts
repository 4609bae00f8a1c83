/**
 * setDefaultTrainingSetEngine: calls without an engine go to the one set; `sql('duckdb')` still
 * prints DuckDB's SQL when the default engine speaks another dialect. (Its own file: the
 * default engine is module state, and vitest gives each test file its own process.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { setDefaultTrainingSetEngine, trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import type { RetrievalJob, TrainingSetEngine } from '../../../sdk/src/retrieval/training-set-types.js';
import { tempDir, writeStore } from './store-fixture.js';

let root: string;
const jobs: RetrievalJob[] = [];
const stub: TrainingSetEngine = {
  name: 'stub',
  dialect: 'trino',
  sql: () => 'SELECT 1 -- stub',
  async execute(job) {
    jobs.push(job);
    return { columns: job.groups.flatMap((g) => g.features.map((feature) => ({ feature, values: [42n] }))), stats: { engine: 'stub', queries: 1, filesRead: [], bytesRead: 0, elapsedMs: 0 } };
  },
};

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', [{ group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }], rows: [{ entity_id: 'u', feature_ts: Date.UTC(2024, 0, 5), values: [1n] }] }]);
  setDefaultTrainingSetEngine(async () => stub);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('the default engine', () => {
  const set = () => trainingSet(root, { labels: [{ entity_id: 'u', ts: '2024-01-06T00:00:00Z' }], entity: 'user', features: ['engagement:clicks_7d'], ttl: '7d' });

  it('runs fetch() and explain() without an engine', async () => {
    const table = await set().fetch();
    expect(table.getChild('engagement__clicks_7d')!.get(0)).toBe(42n);
    expect(jobs).toHaveLength(1);
    expect((await set().explain()).engine).toBe('stub');
  });

  it("sql('duckdb') still prints DuckDB's SQL", async () => {
    expect(await set().sql('duckdb')).toMatch(/ASOF LEFT JOIN/);
    expect(await set().sql()).toMatch(/ASOF LEFT JOIN/);
  });
});
