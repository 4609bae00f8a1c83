/**
 * How many feature rows a window will emit, counted before they are computed.
 *
 * A row is emitted at every boundary where some window is non-empty: after an event in bucket
 * b, at the boundaries b + 1 … b + K (K = the longest window in steps of `every`), and at the
 * first boundary after a run of those where every window is empty (b + K + 1 after an entity's
 * last bucket, or one more than K before its next). Per entity that is the union of those runs
 * over its occupied buckets: each bucket adds the steps up to the next occupied one when that
 * is at most K away, else K + 1. One pass over the distinct (entity, bucket) pairs, with the
 * window planner's own entity text and epoch-aligned floor division.
 */
import type { WindowNode } from '../plan/window-node.js';
import { durationMs } from '../plan/duration.js';
import type { Query, SqlExpr } from '../sql/sql-node.js';
import { agg, and, as, bin, cast, col, fn, isNull, lit, select, table } from '../sql/sql-builders.js';
import { over } from './window-partials.js';

/**
 * The longest window of `node`, in steps of its cadence (each window is a whole multiple).
 *
 * @example
 * ```ts
 * longestWindowSteps({ kind: 'window', entity: 'user_id', timestamp: 'ts', every: '1h', windows: ['1d', '7d'], features: {} }) // 168
 * ```
 */
export function longestWindowSteps(node: WindowNode): number {
  const every = durationMs(node.every);
  return Math.max(...node.windows.map((w) => durationMs(w) / every));
}

/**
 * A query of one row, one column `rows`: the number of feature rows `node` emits over `tableName`
 * (NULL when the table has no usable row).
 *
 * @example
 * ```ts
 * const sql = printSql(planFeatureRowCount(node, 'valid_rows'), 'duckdb');
 * // an entity with events in buckets 0, 1 and 40, windows up to 30 steps: 1 + 31 + 31 = 63 rows
 * ```
 */
export function planFeatureRowCount(node: WindowNode, tableName: string): Query {
  const every = durationMs(node.every);
  const K = longestWindowSteps(node);
  const usable = and(isNull(col(node.entity), true), isNull(col(node.timestamp), true));
  const buckets = select(
    [as(cast(col(node.entity), 'string'), '__e'), as(fn('floor_div', fn('epoch_ms', col(node.timestamp)), lit(every)), '__b')],
    { distinct: true, from: table(tableName), where: usable },
  );
  const next = over(agg('min', [col('__b')]), [col('__e')], [col('__b')], { mode: 'rows', start: 1, end: 1 });
  const stepsToNext: SqlExpr = { kind: 'call', fn: 'coalesce', args: [bin('-', next, col('__b')), lit(K + 1)] };
  const steps = select([as({ kind: 'call', fn: 'least', args: [stepsToNext, lit(K + 1)] }, '__steps')], {
    from: { kind: 'subquery', alias: '__buckets', query: buckets },
  });
  return select([as(agg('sum', [col('__steps')]), 'rows')], { from: { kind: 'subquery', alias: '__per_bucket', query: steps } });
}
