/**
 * The valid rows' relation itself: a view of the SQL-accepted typed rows, or a table; dropped
 * whichever it is, and made a table in source order when a step replaces it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printerFor, printSql } from '../../../sql/dialects.js';
import { asc, col, select, table } from '../../../sql/sql-builders.js';

/**
 * Drops a table or view of that name, whichever it is: DuckDB refuses DROP TABLE on a view
 * (and the reverse), so the other kind is tried when the first is refused. Cheaper than asking
 * information_schema first, which scans the whole catalog.
 *
 * @example
 * ```ts
 * await dropRelation(connection, 'valid_rows'); // a table or a view
 * ```
 */
export async function dropRelation(connection: DuckDBConnection, name: string): Promise<void> {
  const p = printerFor('duckdb');
  try {
    await connection.run(`DROP TABLE IF EXISTS ${p.quoteIdentifier(name)}`);
  } catch {
    await connection.run(`DROP VIEW IF EXISTS ${p.quoteIdentifier(name)}`);
  }
}

/**
 * Turns a valid-rows view (typed input) into a table in source order, for the steps that
 * replace the table (derive, map). A table is left as it is.
 *
 * @example
 * ```ts
 * await materializeValidRows(connection, 'valid_rows');
 * ```
 */
export async function materializeValidRows(connection: DuckDBConnection, validTable = 'valid_rows'): Promise<void> {
  const p = printerFor('duckdb');
  const rows = (await connection.runAndReadAll(`SELECT table_type FROM information_schema.tables WHERE table_name = ${p.stringLiteral(validTable)}`)).getRowObjectsJS();
  if (!rows.some((r) => r.table_type === 'VIEW')) return;
  const copy = `${validTable}__table`;
  await connection.run(printSql({ kind: 'createTableAs', name: copy, orReplace: true, query: select([{ expr: { kind: 'star' } }], { from: table(validTable), orderBy: [asc(col('_row_id'))] }) }, 'duckdb'));
  await connection.run(`DROP VIEW ${p.quoteIdentifier(validTable)}`);
  await connection.run(`ALTER TABLE ${p.quoteIdentifier(copy)} RENAME TO ${p.quoteIdentifier(validTable)}`);
}
