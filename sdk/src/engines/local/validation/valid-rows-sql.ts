/**
 * The SQL of the fast path's verdict: the rows the compiled checks accept (as typed values, in
 * schema order, then the position columns), the rows they flag, and the tables those go to.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printSql } from '../../../sql/dialects.js';
import type { SelectItem, SelectQuery, SqlExpr, Statement } from '../../../sql/sql-node.js';
import { as, caseWhen, col, lit, select, table } from '../../../sql/sql-builders.js';
import type { CompiledChecks } from '../../../quality/compile-checks.js';
import type { ColumnType } from '../../../quality/describe-schema.js';

/** The columns sluice adds to every row, which no schema field may be named. */
export const POSITION_COLUMN_NAMES: readonly string[] = ['_row_id', '_object', '_line'];

/** Those, and the one the validated zone adds (`_line_index`, zone-writer.ts): no schema field may be named so either. */
export const LINEAGE_COLUMN_NAMES: readonly string[] = [...POSITION_COLUMN_NAMES, '_line_index'];

/**
 * Materializes the compiled layers as temporary tables, then selects the accepted rows into the valid table.
 *
 * @example
 * ```ts
 * await selectValidRows(connection, compileChecks(schema, { kind: 'json' }), 'raw_rows', 'valid_rows');
 * ```
 */
export async function selectValidRows(connection: DuckDBConnection, checks: CompiledChecks, rawTable: string, validTable: string): Promise<void> {
  const layerTables: string[] = [];
  try {
    let source = rawTable;
    for (const [i, items] of checks.layers.entries()) {
      const name = `_sluice_validation_${i}`;
      layerTables.push(name);
      const query = select([...POSITION_COLUMN_NAMES.map((n) => ({ expr: col(n) })), ...items], { from: table(source) });
      await connection.run(printSql({ kind: 'createTableAs', name, orReplace: true, temporary: true, query }, 'duckdb'));
      source = name;
    }
    await connection.run(printSql(createValidTable(checks, source, validTable), 'duckdb'));
  } finally {
    for (const name of layerTables) await connection.run(printSql({ kind: 'dropTable', name, ifExists: true }, 'duckdb'));
  }
}

function createValidTable(checks: CompiledChecks, source: string, validTable: string): Statement {
  return { kind: 'createTableAs', name: validTable, orReplace: true, query: validRowsQuery(checks, source) };
}

/**
 * The rows SQL accepts, as typed values in schema order, then `_row_id, _object, _line`.
 * `filter: false` selects the values of every row (meaningful only where accepted), and
 * `flag` adds a column `__flag` with that expression.
 *
 * @example
 * ```ts
 * printSql(validRowsQuery(checks, 'raw_rows'), 'duckdb') // SELECT <typed values>, _row_id, _object, _line FROM raw_rows WHERE <accept>
 * ```
 */
export function validRowsQuery(checks: CompiledChecks, source: string, filter = true): SelectQuery {
  const ids: SelectItem[] = POSITION_COLUMN_NAMES.map((name) => ({ expr: col(name) }));
  return select([...checks.values.map((v) => as(v.expr, v.name)), ...ids], { from: table(source), ...(filter ? { where: checks.accept } : {}) });
}

/** Column types whose stored values, accepted or not, the profile always aggregates and reads back. */
const UNGUARDED_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(['string', 'boolean', 'integer']);

/**
 * Every row, with `__flag` true where validRowsQuery would not keep it; the values of flagged
 * rows are NULL, never computed (CASE evaluates a branch only for the rows that take it).
 * A column read as it is stored cannot fail to convert, so it goes without the CASE, which
 * costs a sixth of a 3M-row Parquet scan (measured on flights-3m); its flagged rows keep their
 * values, which nothing reads: the profile's summary is kept only when no row was flagged.
 * Only text, boolean and integer columns: a rejected NaN or ±Infinity in a floating-point column
 * would make the profile's stddev raise, and a rejected instant beyond JS dates in a timestamp
 * column would become its min or max, which cannot be read back.
 *
 * @example
 * ```ts
 * printSql(select([as(agg('count_star', [], col('__flag')), 'rejected')], { from: { kind: 'subquery', alias: 'v', query: flaggedRowsQuery(checks, 'raw_rows') } }), 'duckdb')
 * ```
 */
export function flaggedRowsQuery(checks: CompiledChecks, source: string): SelectQuery {
  const flag = col('__flag');
  const ids: SelectItem[] = POSITION_COLUMN_NAMES.map((name) => ({ expr: col(name) }));
  const flaggedSource = select([{ expr: { kind: 'star' } }, as(notAccepted(checks), '__flag')], { from: table(source) });
  return select(
    [...checks.values.map((v) => as(v.identity && UNGUARDED_TYPES.has(v.type) ? v.expr : caseWhen([{ when: flag, then: lit(null) }], v.expr), v.name)), ...ids, as(flag, '__flag')],
    { from: { kind: 'subquery', alias: '__flagged', query: flaggedSource } },
  );
}

/**
 * Exactly the rows `accept` does not make true (false or NULL): the complement of validRowsQuery.
 *
 * @example
 * ```ts
 * select([{ expr: { kind: 'star' } }], { from: table('raw_rows'), where: notAccepted(checks) }) // the rows left for zod
 * ```
 */
export function notAccepted(checks: CompiledChecks): SqlExpr {
  return caseWhen([{ when: checks.accept, then: lit(false) }], lit(true));
}

/**
 * Typed rows: the table zod's accepted rows go to, beside the view of the SQL-accepted ones.
 *
 * @example
 * ```ts
 * zodTable('valid_rows') // 'valid_rows__zod'
 * ```
 */
export const zodTable = (validTable: string): string => `${validTable}__zod`;

/**
 * Typed rows: the table of zod's accepted rows, of the exact column types of the SQL-accepted ones.
 *
 * @example
 * ```ts
 * await createZodTable(connection, checks, 'raw_rows', 'valid_rows'); // an empty valid_rows__zod
 * ```
 */
export async function createZodTable(connection: DuckDBConnection, checks: CompiledChecks, rawTable: string, validTable: string): Promise<void> {
  await connection.run(printSql({ kind: 'createTableAs', name: zodTable(validTable), orReplace: true, query: { ...validRowsQuery(checks, rawTable), limit: 0 } }, 'duckdb'));
}
