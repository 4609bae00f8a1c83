/**
 * Several Parquet files are one input, matched by column name: files written with the same
 * columns in another order (or without an optional column) must not have their values moved
 * into the wrong columns.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-union-by-name-'));
  mkdirSync(join(dir, 'in'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT 'u1' AS "user", 'DE' AS country, 1.5::DOUBLE AS x) TO '${join(dir, 'in', 'a.parquet')}' (FORMAT PARQUET)`);
  await c.run(`COPY (SELECT 2.5::DOUBLE AS x, 'FR' AS country, 'u2' AS "user") TO '${join(dir, 'in', 'b.parquet')}' (FORMAT PARQUET)`);
  await c.run(`COPY (SELECT 'u3' AS "user", 3.5::DOUBLE AS x) TO '${join(dir, 'in', 'c.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('several Parquet files', () => {
  it('with the same columns in another order keep each value in its column', async () => {
    const Row = z.object({ user: z.string(), country: z.string(), x: z.number() });
    const result = await pipeline('union').from(file(join(dir, 'in', '[ab].parquet'))).validate(Row).run({ dryRun: true });
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(result.preview.toArray().map((r) => ({ ...r }))).toEqual([{ user: 'u1', country: 'DE', x: 1.5 }, { user: 'u2', country: 'FR', x: 2.5 }]);
  });

  it('are combined by column name, in file order; an optional column a file lacks is null there', async () => {
    // The key is missing in c.parquet's rows (as zod sees the file read alone), so the field must
    // accept a missing key; parquet-file-without-a-column.test.ts covers the other wrappers.
    const Row = z.object({ user: z.string(), country: z.string().optional(), x: z.number() });
    const result = await pipeline('union').from(file(join(dir, 'in', '*.parquet'))).validate(Row).run({ dryRun: true });
    expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
    expect(result.preview.toArray().map((r) => ({ ...r }))).toEqual([
      { user: 'u1', country: 'DE', x: 1.5 },
      { user: 'u2', country: 'FR', x: 2.5 },
      { user: 'u3', country: null, x: 3.5 },
    ]);
  });
});
