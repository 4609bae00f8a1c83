/**
 * A local Parquet file is read where it lies, more than once (validation, then the zone copy and
 * the aggregation). Replaced after validation, it once put 5,000 rows nobody validated into the
 * validated zone (counted as 3,000 valid, gates passed). The run must stop before writing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { count, featureStore, file, pipeline, window } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-input-changed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(join(dir, 'in'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  for (const name of ['p1', 'p2', 'p3']) {
    await c.run(`COPY (SELECT 'u' || (i % 7) AS user_id, 1.0 * i AS amount, TIMESTAMP '2024-03-01' + INTERVAL (i) MINUTE AS ts FROM range(1000) r(i)) TO '${join(dir, 'in', `${name}.parquet`)}' (FORMAT PARQUET)`);
  }
  // What p2 is replaced with: 5,000 rows the schema refuses (negative amounts).
  await c.run(`COPY (SELECT 'u' AS user_id, -5.0 AS amount, TIMESTAMP '2024-03-02' AS ts FROM range(5000)) TO '${join(dir, 'p2-bad.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});

describe('a Parquet input replaced after validation', () => {
  it('stops the run before anything is written, naming the file', async () => {
    const root = join(dir, 'store');
    const run = pipeline('changed').from(file(join(dir, 'in', '*.parquet'))).validate(z.object({ user_id: z.string(), amount: z.number().nonnegative(), ts: z.date() }), { maxInvalidRatio: 0 })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }))
      .toFeatureStore(featureStore(root), { entity: 'user', group: 'g' })
      .run({
        zones: join(dir, 'zones'),
        onProgress: (e) => {
          if (e.stage === 'validate' && e.done === 1) copyFileSync(join(dir, 'p2-bad.parquet'), join(dir, 'in', 'p2.parquet'));
        },
      });
    await expect(run).rejects.toMatchObject({ code: 'INPUT_CHANGED' });
    await expect(run).rejects.toThrow(`${join(dir, 'in', 'p2.parquet')} changed while this run was reading it`);
    expect(existsSync(root)).toBe(false);
    const validated = join(dir, 'zones', 'validated');
    expect(existsSync(validated) ? readdirSync(validated, { recursive: true }).filter((f) => String(f).endsWith('.parquet')) : []).toEqual([]);
  });
});
