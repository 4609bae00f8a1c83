/**
 * Typed input (Parquet, tables) in one scan: how many rows SQL rejects, and in the same pass the
 * profile's summary statistics and what bounds the feature rows.
 */
import { printSql } from '../../../sql/dialects.js';
import { agg, as, col, fn, select } from '../../../sql/sql-builders.js';
import type { CompiledChecks } from '../../../quality/compile-checks.js';
import type { ColumnDescription } from '../../../quality/describe-schema.js';
import { profileSummaryItems, readProfileSummary, runProfileSummary } from '../../../quality/profile.js';
import type { ProfileSummary } from '../../../quality/profile.js';
import type { SqlRunner } from '../../../quality/sql-runner.js';
import { flaggedRowsQuery } from './valid-rows-sql.js';

/**
 * Over every row read (valid or not, so an upper bound for the valid ones): the distinct
 * entities and the first and last timestamp, in epoch milliseconds.
 */
export interface WindowInputBounds {
  readonly entities: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** A window's entity and timestamp columns (ValidationStageOptions.windowColumns). */
export interface WindowColumns {
  readonly entity: string;
  readonly timestamp: string;
}

/**
 * The window's columns when the schema has both, the timestamp as a timestamp.
 *
 * @example
 * ```ts
 * boundedColumns(columns, { entity: 'user_id', timestamp: 'ts' }) // undefined when ts is not a timestamp column
 * ```
 */
export function boundedColumns(columns: readonly ColumnDescription[], window: WindowColumns | undefined): WindowColumns | undefined {
  if (!window) return undefined;
  const entity = columns.find((c) => c.name === window.entity);
  const timestamp = columns.find((c) => c.name === window.timestamp);
  return entity && timestamp?.type === 'timestamp' ? window : undefined;
}

/**
 * Typed rows need no intermediate layers. One scan counts the rows SQL does not accept and
 * takes the profile's summary statistics of the values SQL produces for every row: when it
 * accepted them all (the usual case for Parquet), those are exactly the valid rows' and the run
 * reads its input once before the features. `summary` is undefined when a row was rejected
 * (the profile is then taken over the final valid rows) or no profile was asked for.
 *
 * @example
 * ```ts
 * const { rows, rejected, summary } = await scanTypedRows(run, checks, 'raw_rows', columns, true, undefined);
 * ```
 */
export async function scanTypedRows(
  run: SqlRunner, checks: CompiledChecks, rawTable: string, columns: readonly ColumnDescription[], profile: boolean,
  window: WindowColumns | undefined,
): Promise<{ rows: number; rejected: number; summary?: ProfileSummary; windowBounds?: WindowInputBounds }> {
  // The values of rows SQL did not accept are not converted at all (NULL in their place): a NaN
  // or 1e30 in a DOUBLE column checked as an integer cannot be cast to BIGINT, and a rejected
  // row must be quarantined, never fail the scan. Their values would not count anyway: the
  // summary is kept only when every row was accepted.
  const flagged = flaggedRowsQuery(checks, rawTable);
  const row = await runProfileSummary(run, (moments) => printSql(select(
    [
      as(agg('count_star', [], col('__flag')), '__rejected'),
      ...(profile ? profileSummaryItems(columns, moments) : [as(agg('count_star', []), '__pn')]),
      // Cheap beside the scan (a few hundred entities, two extremes), where counting the feature
      // rows instead would read the input once more.
      ...(window
        ? [
            as(agg('count_distinct', [col(window.entity)]), '__wb_entities'),
            as(fn('epoch_ms', agg('min', [col(window.timestamp)])), '__wb_first'),
            as(fn('epoch_ms', agg('max', [col(window.timestamp)])), '__wb_last'),
          ]
        : []),
    ],
    { from: { kind: 'subquery', alias: '__v', query: flagged } },
  ), 'duckdb'), profile ? columns : []);
  const rejected = Number(row.__rejected);
  // Over accepted rows only: with rows left for zod (which may accept some), they bound nothing.
  const windowBounds = window && rejected === 0 && row.__wb_first !== null && row.__wb_last !== null
    ? { entities: Number(row.__wb_entities), firstMs: Number(row.__wb_first), lastMs: Number(row.__wb_last) }
    : undefined;
  return { rows: Number(row.__pn), rejected, ...(profile && rejected === 0 ? { summary: readProfileSummary(row, columns) } : {}), ...(windowBounds ? { windowBounds } : {}) };
}
