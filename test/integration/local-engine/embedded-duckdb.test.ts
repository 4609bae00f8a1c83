/**
 * The process's embedded DuckDB: runs share the instance but never each other's tables, a
 * finished run leaves nothing behind, and a file rewritten between runs is read afresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../../../sdk/src/engines/local/embedded-duckdb.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scalar = async (db: Awaited<ReturnType<typeof openRunDatabase>>, sql: string): Promise<unknown> =>
  (await db.connection.runAndReadAll(sql)).getRows()[0]![0];

describe('embedded DuckDB, one database per run', () => {
  it('concurrent runs see only their own tables, in UTC', async () => {
    const [a, b] = await Promise.all([openRunDatabase(), openRunDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
      await a.connection.run('CREATE TABLE valid_rows AS SELECT 1 AS x');
      await b.connection.run('CREATE TABLE valid_rows AS SELECT 2 AS x UNION ALL SELECT 3');
      expect(Number(await scalar(a, 'SELECT sum(x) FROM valid_rows'))).toBe(1);
      expect(Number(await scalar(b, 'SELECT sum(x) FROM valid_rows'))).toBe(5);
      expect(await scalar(a, "SELECT current_setting('TimeZone')")).toBe('UTC');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("connect() opens another connection to the same run's database, in UTC", async () => {
    const run = await openRunDatabase();
    const other = await openRunDatabase();
    const extra = await run.connect();
    try {
      await run.connection.run('CREATE TABLE feature_rows AS SELECT 42 AS x');
      await other.connection.run('CREATE TABLE feature_rows AS SELECT 7 AS x');
      expect(Number((await extra.runAndReadAll('SELECT x FROM feature_rows')).getRows()[0]![0])).toBe(42);
      expect((await extra.runAndReadAll("SELECT current_setting('TimeZone')")).getRows()[0]![0]).toBe('UTC');
    } finally {
      extra.closeSync();
      await run.close();
      await other.close();
    }
  });

  it('a closed run leaves no tables behind for the next one', async () => {
    const first = await openRunDatabase();
    await first.connection.run('CREATE TABLE feature_rows AS SELECT 1 AS x');
    await first.close();
    const next = await openRunDatabase();
    try {
      await expect(next.connection.run('SELECT * FROM feature_rows')).rejects.toThrow(/feature_rows/);
      const attached = (await next.connection.runAndReadAll('SELECT database_name FROM duckdb_databases()')).getRows().map((r) => String(r[0]));
      expect(attached).not.toContain(first.name);
    } finally {
      await next.close();
    }
  });

  it('a Parquet file rewritten between runs is read afresh', async () => {
    const file = join(dir, 'events.parquet');
    const first = await openRunDatabase();
    try {
      await first.connection.run(`COPY (SELECT range AS x FROM range(10)) TO '${file}' (FORMAT PARQUET)`);
      expect(Number(await scalar(first, `SELECT count(*) FROM read_parquet('${file}')`))).toBe(10);
    } finally {
      await first.close();
    }
    const second = await openRunDatabase();
    try {
      await second.connection.run(`COPY (SELECT range AS x FROM range(7)) TO '${file}' (FORMAT PARQUET)`);
      expect(Number(await scalar(second, `SELECT count(*) FROM read_parquet('${file}')`))).toBe(7);
      expect(Number(await scalar(second, `SELECT sum(x) FROM read_parquet('${file}')`))).toBe(21);
    } finally {
      await second.close();
    }
  });
});
