/**
 * A stddev over values far from zero beside their spread (prices of 150 ± 0.01, epoch seconds
 * within a day) carries the rounding of their mean: between two runs over the same rows it
 * differs by about 1e-16 · |mean| / stddev, far more than the last bits every other double
 * differs by. Such a re-run rewrote every partition; the store must stay byte-identical — with
 * features derived from the stddevs too (a coefficient of variation, a ratio of two windows'),
 * which carry their noise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { featureStore, file, mean, pipeline, stddev, window } from '../../../sdk/src/index.js';
import { fileTree } from '../../helpers/file-tree.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-stddev-rerun-'));
  // 600k ticks of 40 symbols over 20 days, in row groups small enough for every thread to take some.
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (
    SELECT 's' || (i % 40) AS symbol, TIMESTAMP '2026-03-01' + to_milliseconds((hash(i) % 1728000000)::BIGINT) AS ts,
      1.7e9 + (hash(i * 7) % 100000)::DOUBLE + (hash(i * 13) % 1000)::DOUBLE / 1000 AS price
    FROM range(600000) r(i)) TO '${join(dir, 'ticks.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 20000)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Tick = z.object({ symbol: z.string(), ts: z.date(), price: z.number() });

describe('re-running a stddev feature over values with a large mean', () => {
  it('leaves the store byte-identical', async () => {
    const root = join(dir, 'store');
    const ticks = pipeline('ticks').from(file(join(dir, 'ticks.parquet'))).validate(Tick)
      .aggregate(window({ entity: 'symbol', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { spread: stddev('price'), level: mean('price') }, derive: { rel_spread: 'spread / level', spread_ratio: 'spread_1d / spread_7d' } }))
      .toFeatureStore(featureStore(root), { entity: 'symbol', group: 'ticks' });
    const first = await ticks.run({ writeZones: false, zones: join(dir, 'zones') });
    expect(first.counts).toEqual({ in: 600_000, valid: 600_000, quarantined: 0 });
    const stored = fileTree(root);
    for (let again = 0; again < 3; again++) {
      const rerun = await ticks.run({ writeZones: false, zones: join(dir, 'zones') });
      expect(rerun.outputs.partitionsWritten).toEqual([]);
      expect(fileTree(root)).toEqual(stored);
    }
  });
});
