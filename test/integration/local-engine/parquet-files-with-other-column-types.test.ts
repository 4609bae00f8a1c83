/**
 * Several Parquet files are read as one table, and DuckDB gives a column one type across them:
 * INTEGER beside VARCHAR becomes VARCHAR (1 turns into "1"), BIGINT beside DOUBLE becomes
 * DOUBLE (9007199254740993 turns into 9007199254740992), INTEGER beside INTEGER[] cannot be
 * cast at all (the scan throws). A file whose values would change that way is quarantined
 * whole with the reason; widening that changes no value (INTEGER → DOUBLE, BIGINT values
 * within 2^53 → DOUBLE) is fine. Every valid row is what zod makes of the row in its own file,
 * read here without sluice.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
let c: DuckDBConnection;
let db: DuckDBInstance;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-column-types-'));
  db = await DuckDBInstance.create(':memory:');
  c = await db.connect();
});
afterAll(() => {
  c.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the files of one case into a folder of its own. */
async function files(name: string, selects: Record<string, string>): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const [file, select] of Object.entries(selects)) await c.run(`COPY (${select}) TO '${join(folder, file)}' (FORMAT PARQUET)`);
  return folder;
}

/** zod over one file's own rows (integers beyond 2^53 stay bigint, as sluice documents). */
async function zodOnFile(path: string, schema: z.ZodObject<z.ZodRawShape>): Promise<{ valid: unknown[]; quarantined: number }> {
  const rows = (await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRowObjectsJS() as Record<string, unknown>[];
  const valid: unknown[] = [];
  let quarantined = 0;
  for (const row of rows) {
    const input = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' && v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v]));
    const parsed = schema.safeParse(input);
    if (parsed.success) valid.push(parsed.data);
    else quarantined++;
  }
  return { valid, quarantined };
}

async function run(folder: string, schema: z.ZodObject<z.ZodRawShape>) {
  const result = await pipeline('column-types').from(file(join(folder, '*.parquet'))).validate(schema).run({ dryRun: true, failOnGate: false });
  expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
  const unreadable = result.quality.unreadableObjects.map((u) => ({ object: u.object.slice(folder.length + 1), error: u.error }));
  return { result, valid: result.preview.toArray().map((r) => ({ ...r })), unreadable };
}

const X = z.object({ x: z.number() });

describe('Parquet files that type a column differently', () => {
  it('INTEGER beside VARCHAR: the file whose numbers would become text is quarantined whole, naming the column and both types', async () => {
    const folder = await files('int-varchar', { 'a.parquet': `SELECT 1::INTEGER AS x`, 'b.parquet': `SELECT 'z' AS x UNION ALL SELECT '2'` });
    const { result, unreadable } = await run(folder, X);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.object).toBe('a.parquet');
    expect(unreadable[0]!.error).toMatch(/"x".*INTEGER.*VARCHAR/);
    const b = await zodOnFile(join(folder, 'b.parquet'), X);
    expect(result.counts).toEqual({ in: 2, valid: b.valid.length, quarantined: b.quarantined });
  });

  it('INTEGER beside INTEGER[]: no crash; one file is quarantined whole and the other validated', async () => {
    const folder = await files('int-list', { 'a.parquet': `SELECT 1::INTEGER AS x`, 'b.parquet': `SELECT [1] AS x` });
    const { result, unreadable } = await run(folder, X);
    expect(unreadable).toHaveLength(1);
    const kept = unreadable[0]!.object === 'a.parquet' ? 'b.parquet' : 'a.parquet';
    const expected = await zodOnFile(join(folder, kept), X);
    expect(result.counts).toEqual({ in: 1, valid: expected.valid.length, quarantined: expected.quarantined });
  });

  it('BIGINT beyond 2^53 beside DOUBLE: no value is rounded into a valid row', async () => {
    const folder = await files('bigint-double', { 'a.parquet': `SELECT 9007199254740993::BIGINT AS x`, 'b.parquet': `SELECT 1.5::DOUBLE AS x` });
    const { valid, unreadable } = await run(folder, X);
    expect(unreadable.map((u) => u.object)).toEqual(['a.parquet']);
    expect(unreadable[0]!.error).toMatch(/"x".*BIGINT.*DOUBLE/);
    expect(valid).toEqual((await zodOnFile(join(folder, 'b.parquet'), X)).valid);
  });

  it('widening that changes no value is fine: INTEGER and small BIGINT beside DOUBLE', async () => {
    const folder = await files('widening', { 'a.parquet': `SELECT 1::INTEGER AS x`, 'b.parquet': `SELECT 2::BIGINT AS x`, 'c.parquet': `SELECT 2.5::DOUBLE AS x` });
    const { result, valid, unreadable } = await run(folder, X);
    expect(unreadable).toEqual([]);
    const expected = [];
    for (const f of ['a.parquet', 'b.parquet', 'c.parquet']) expected.push(...(await zodOnFile(join(folder, f), X)).valid);
    expect(valid).toEqual(expected);
    expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
  });
});
