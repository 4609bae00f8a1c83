/**
 * The aggregate stage on DuckDB: the window node's planned query, printed in the duckdb
 * dialect, materialised as the table `feature_rows` (entity_id, feature_ts, features…) in no
 * particular order: its readers (the feature-store writer, the preview) order what they read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { WindowNode } from '../../plan/window-node.js';
import { planWindowQuery, type WindowInput } from '../../features/window-planner.js';
import { printSql } from '../../sql/dialects.js';
import { EngineError } from '../../errors.js';

export const FEATURE_ROWS_TABLE = 'feature_rows';

/**
 * Computes the feature rows of `node` over `input.table` into the table `feature_rows`
 * (replaced if it exists).
 *
 * @example
 * ```ts
 * const { table, rows } = await runAggregateStage(connection, node, { table: 'valid_rows', orderColumns: ['_object', '_line'] });
 * ```
 * @throws EngineError `AGGREGATE_FAILED` when DuckDB rejects the query (a planner bug or a broken input table).
 */
export async function runAggregateStage(
  connection: DuckDBConnection,
  node: WindowNode,
  input: WindowInput,
): Promise<{ table: typeof FEATURE_ROWS_TABLE; rows: number }> {
  const query = planWindowQuery(node, input, { ordered: false });
  const sql = printSql({ kind: 'createTableAs', name: FEATURE_ROWS_TABLE, query, orReplace: true }, 'duckdb');
  try {
    // CREATE TABLE … AS answers with the number of rows it inserted: no second scan to count them.
    const reader = await connection.runAndReadAll(sql);
    return { table: FEATURE_ROWS_TABLE, rows: Number(reader.getRows()[0]![0]) };
  } catch (cause) {
    throw new EngineError('AGGREGATE_FAILED', `DuckDB could not compute the window features over ${input.table}: ${(cause as Error).message}`, { cause });
  }
}
