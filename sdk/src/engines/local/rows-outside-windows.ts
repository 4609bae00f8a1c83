/**
 * Valid rows that no feature sees: a window reads only rows with both an entity and a
 * timestamp, so a row whose schema lets either be null or missing is validated, kept in the
 * validated zone, and left out of every window. The run says how many, instead of leaving the
 * user to wonder why the features count fewer events than the report.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { WindowNode } from '../../plan/window-node.js';
import type { ColumnDescription } from '../../quality/describe-schema.js';
import { agg, as, col, isNull, or, select, table } from '../../sql/sql-builders.js';
import { printSql } from '../../sql/dialects.js';

/**
 * The number of rows of `tableName` without the window's entity or timestamp. Counted only when
 * they can exist: when the schema lets one of the two be null or missing, or when `transformed`
 * (a derive or map may have produced nulls); otherwise 0 without reading anything.
 *
 * @example
 * ```ts
 * await rowsOutsideWindows(connection, windowNode, 'valid_rows', { columns: describeSchema(Event).columns, transformed: false }) // 2
 * ```
 */
export async function rowsOutsideWindows(
  connection: DuckDBConnection,
  node: WindowNode,
  tableName: string,
  options: { readonly columns: readonly ColumnDescription[]; readonly transformed: boolean },
): Promise<number> {
  const mayLack = (name: string): boolean => {
    const column = options.columns.find((c) => c.name === name);
    return column === undefined || column.nullable || column.optional;
  };
  if (!options.transformed && !mayLack(node.entity) && !mayLack(node.timestamp)) return 0;
  const query = select([as(agg('count_star', []), 'n')], { from: table(tableName), where: or(isNull(col(node.entity)), isNull(col(node.timestamp))) });
  const reader = await connection.runAndReadAll(printSql(query, 'duckdb'));
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/**
 * The run's note about those rows.
 *
 * @example
 * ```ts
 * outsideWindowsNote(2, windowNode) // '2 valid rows have no u or no ts, so no window sees them …'
 * ```
 */
export function outsideWindowsNote(rows: number, node: WindowNode): string {
  const n = rows.toLocaleString('en-US');
  return `${n} valid ${rows === 1 ? 'row has' : 'rows have'} no ${node.entity} or no ${node.timestamp}, so no window sees ${rows === 1 ? 'it' : 'them'}: ` +
    `${rows === 1 ? 'it is' : 'they are'} in the validated zone but in no feature. If every row should count, make both fields required in the schema; they are then quarantined with the reason.`;
}
