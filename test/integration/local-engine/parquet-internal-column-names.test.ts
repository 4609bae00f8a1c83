/**
 * Parquet data columns named like the engine's JSON-text columns (`_error`, `_raw`, `_json`)
 * are data: the SQL fast path and the zod path must treat them alike (DESIGN §4: both paths
 * give identical results). Here the zod path is forced with a refinement SQL cannot express.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';
import { zodOnly } from '../../helpers/zod-only.js';

let dir: string;
let parquet: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-internal-names-'));
  parquet = join(dir, 'rows.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM (VALUES
      ('u1', 'upstream timeout', '{"not":"ours"}', 'j1', 1.5::DOUBLE),
      ('u2', NULL, NULL, NULL, 2.5),
      ('u3', 'retry', 'r', 'j3', 3.5)
    ) AS t("user", _error, _raw, _json, x)) TO '${parquet}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runWith(schema: z.ZodObject<z.ZodRawShape>, label: string) {
  const result = await pipeline('internal-names').from(file(parquet)).validate(schema).run({ dryRun: true, zones: join(dir, label) });
  const rows = result.preview.toArray().map((r) => ({ ...r }) as Record<string, unknown>);
  return { counts: result.counts, quarantined: result.quality.rules.filter((r) => !r.passed).map((r) => r.rule), rows, sqlRows: result.quality.fastPath.sqlRows };
}

/** The same schema on the fast path and, through an object-level overwrite SQL cannot hold (zod-only.ts), on the zod path. */
async function bothPaths(schema: z.ZodObject<z.ZodRawShape>, label: string) {
  const sql = await runWith(schema, `${label}-sql`);
  const zod = await runWith(zodOnly(schema), `${label}-zod`);
  expect(sql.sqlRows).toBe(sql.counts.valid);
  expect(zod.sqlRows).toBe(0);
  return { sql, zod };
}

describe('Parquet data columns named like the engine\'s own', () => {
  it('are not read as a decoding error or raw text: every row is valid on both paths', async () => {
    const { sql, zod } = await bothPaths(z.object({ user: z.string(), x: z.number() }), 'plain');
    expect(sql.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
    expect(zod.counts).toEqual(sql.counts);
    expect(zod.rows).toEqual([{ user: 'u1', x: 1.5 }, { user: 'u2', x: 2.5 }, { user: 'u3', x: 3.5 }]);
    expect(zod.rows).toEqual(sql.rows);
  });

  it('are validated like any column when the schema names them', async () => {
    const schema = z.object({ user: z.string(), _error: z.string().nullable(), _raw: z.string().nullable(), x: z.number() });
    const { sql, zod } = await bothPaths(schema, 'named');
    expect(sql.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
    expect(zod.counts).toEqual(sql.counts);
    expect(zod.rows.map((r) => [r._error, r._raw])).toEqual([['upstream timeout', '{"not":"ours"}'], [null, null], ['retry', 'r']]);
    expect(zod.rows).toEqual(sql.rows);
  });

  it('count as unknown keys for a strict schema, on both paths', async () => {
    const { sql, zod } = await bothPaths(z.strictObject({ user: z.string(), x: z.number() }), 'strict');
    expect(zod.counts).toEqual({ in: 3, valid: 0, quarantined: 3 });
    expect(sql.counts).toEqual(zod.counts);
  });

  it("a column named file_row_number (the Parquet reader's row-number column) quarantines its object whole, with the fix, instead of failing the run", async () => {
    const folder = join(dir, 'row-number');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT 'u1' AS "user", 1.5::DOUBLE AS x) TO '${join(dir, 'row-number-a.parquet')}' (FORMAT PARQUET)`);
    await c.run(`COPY (SELECT 'u2' AS "user", 2.5::DOUBLE AS x, 7 AS file_row_number) TO '${join(dir, 'row-number-b.parquet')}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    const result = await pipeline('internal-names').from(file(join(dir, 'row-number-*.parquet'))).validate(z.object({ user: z.string(), x: z.number() })).run({ zones: folder });
    expect(result.counts).toEqual({ in: 1, valid: 1, quarantined: 0 });
    expect(result.quality.unreadableObjects).toEqual([{ object: join(dir, 'row-number-b.parquet'), error: expect.stringMatching(/column named "file_row_number".*Rename that column/) }]);
  });
});
