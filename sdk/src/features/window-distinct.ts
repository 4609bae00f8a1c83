/**
 * count_distinct over sliding windows. A distinct count is not decomposable over buckets,
 * but it can be computed from the (much smaller) set of distinct (entity, bucket, value):
 * an occurrence of value v in bucket b, whose next occurrence is in bucket nb, is the LAST
 * occurrence of v inside the window of k buckets ending at boundary j exactly when
 * b + 1 <= j <= min(b + k, nb). Each window therefore counts each present value once, and
 * the count at j is the number of such intervals covering j: a running sum of +1 at b + 1
 * and -1 at min(b + k, nb) + 1 along each entity's boundaries.
 */
import type { Query, SqlExpr } from '../sql/sql-node.js';
import { agg, as, bin, col, lit, select, table } from '../sql/sql-builders.js';
import { over, type FeatureStages } from './window-partials.js';

export interface DistinctPlan {
  /** CTEs to add, in order; the last one is joined on (`__e`, `__j`) to the boundary grid. */
  readonly ctes: readonly { readonly name: string; readonly query: Query }[];
  readonly table: string;
  /** Delta columns of the joined table (one per window), to carry into the grid. */
  readonly columns: readonly string[];
  readonly stages: FeatureStages;
}

/**
 * Plans count_distinct for feature number `i`. `set` is a query yielding the distinct
 * (`__e`, `__b`, `__v`) of the feature's non-null values; `ks` are the window lengths in buckets.
 *
 * @example
 * ```ts
 * planDistinct(2, distinctValues, [1, 7]).ctes.map((c) => c.name) // ['__cd2_set', '__cd2_next', '__cd2']
 * ```
 */
export function planDistinct(i: number, set: Query, ks: readonly number[]): DistinctPlan {
  const p = `__cd${i}`;
  const delta = (k: number) => `__f${i}_dk${k}`;
  const next = select(
    [as(col('__e')), as(col('__b')), as(over(agg('min', [col('__b')]), [col('__e'), col('__v')], [col('__b')], { mode: 'rows', start: 1, end: 1 }), '__nb')],
    { from: table(`${p}_set`) },
  );
  const starts = select([as(col('__e')), as(bin('+', col('__b'), lit(1)), '__j'), ...ks.map((k) => as(lit(1), delta(k)))], { from: table(`${p}_next`) });
  const ends = ks.map((k) => {
    const reach = bin('+', col('__b'), lit(k));
    const last: SqlExpr = { kind: 'call', fn: 'least', args: [reach, { kind: 'call', fn: 'coalesce', args: [col('__nb'), reach] }] };
    return select([as(col('__e')), as(bin('+', last, lit(1)), '__j'), ...ks.map((other) => as(lit(other === k ? -1 : 0), delta(other)))], { from: table(`${p}_next`) });
  });
  const summed = select(
    [as(col('__e')), as(col('__j')), ...ks.map((k) => as(agg('sum', [col(delta(k))]), delta(k)))],
    { from: { kind: 'subquery', query: { kind: 'union', all: true, queries: [starts, ...ends] }, alias: '__deltas' }, groupBy: [col('__e'), col('__j')] },
  );
  return {
    ctes: [
      { name: `${p}_set`, query: set },
      { name: `${p}_next`, query: next },
      { name: p, query: summed },
    ],
    table: p,
    columns: ks.map(delta),
    stages: {
      partials: [],
      windowed: (k) => [{
        alias: `__f${i}_cd_${k}`,
        expr: over(agg('sum', [col(delta(k))]), [col('__e'), col('__island')], [col('__j')], { mode: 'rows', start: null, end: 0 }),
      }],
      final: (k) => ({ kind: 'cast', operand: { kind: 'call', fn: 'coalesce', args: [col(`__f${i}_cd_${k}`), lit(0)] }, to: 'bigint' }),
    },
  };
}
