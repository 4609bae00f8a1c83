/**
 * The feature rows one (time chunk, group) query reads locally: a DuckDB view over the chunk's
 * pruned Parquet files, with every catalog column of the group.
 *
 * A group's columns grow: a pipeline that gains a feature writes it into the partitions it runs
 * over, and older partitions keep their files without that column, while the catalog lists it.
 * Athena reads Parquet columns by name and gives NULL for a missing one; here `union_by_name`
 * does the same across files, and the union with a typed empty row set supplies a column that
 * no file in range has (and the columns themselves when no file is in range at all).
 */
import { DuckDbPrinter } from '../../sql/duckdb-printer.js';
import type { ResolvedGroup } from '../../retrieval/training-set-types.js';

const printer = new DuckDbPrinter();
const id = (name: string): string => printer.quoteIdentifier(name);

/**
 * @example
 * ```ts
 * await connection.run(featureSourceViewSql('g0_source', group, ['/store/entity=user/feature_group=g/dt=2024-01-05/part-a.parquet']));
 * // then: SELECT … FROM "g0_source"
 * ```
 */
export function featureSourceViewSql(view: string, group: ResolvedGroup, files: readonly string[]): string {
  const columns = group.tieBreakColumns;
  const typedEmpty =
    `SELECT CAST(NULL AS VARCHAR) AS ${id('entity_id')}, CAST(NULL AS TIMESTAMP) AS ${id('feature_ts')}` +
    `${columns.map((f) => `, CAST(NULL AS ${duckType(f.type)}) AS ${id(f.column)}`).join('')} WHERE FALSE`;
  const list = [id('entity_id'), id('feature_ts'), ...columns.map((f) => id(f.column))].join(', ');
  const body = files.length
    ? `SELECT ${list} FROM (${typedEmpty} UNION ALL BY NAME SELECT * FROM read_parquet([${files.map((f) => printer.stringLiteral(f)).join(', ')}], union_by_name = true))`
    : typedEmpty;
  return `CREATE OR REPLACE TEMP VIEW ${id(view)} AS ${body}`;
}

/**
 * A catalog type as DuckDB SQL. Catalog types are DuckDB type names already; anything
 * unexpected is kept out of the SQL text.
 *
 * @example
 * ```ts
 * duckType('DECIMAL(18, 3)') // 'DECIMAL(18, 3)'
 * duckType('x); DROP')       // 'VARCHAR'
 * ```
 */
export function duckType(catalogType: string): string {
  return /^[A-Z_]+( [A-Z_]+)*(\(\d+(,\s*\d+)?\))?$/i.test(catalogType) ? catalogType.toUpperCase() : 'VARCHAR';
}
