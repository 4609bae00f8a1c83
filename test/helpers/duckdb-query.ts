/**
 * One query in a fresh in-memory DuckDB, for tests that read what sluice wrote (store files,
 * zones) independently of the run that wrote them.
 *
 * @example
 * ```ts
 * const [row] = await query(`SELECT count(*) AS n FROM read_parquet('${root}/*\/*.parquet')`);
 * ```
 */
import { DuckDBInstance } from '@duckdb/node-api';

export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
