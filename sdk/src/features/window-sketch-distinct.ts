/**
 * Approximate count_distinct (`countDistinct(col, { approximate: true })`) on engines with a
 * mergeable distinct-count sketch (HyperLogLog: Spark 3.5's DataSketches functions, Trino's
 * `approx_set`). Unlike the exact count (window-distinct.ts), a sketch IS decomposable over
 * buckets: one sketch per (entity, bucket) in the partial-state pass, the union of the k
 * sketches of a window frame, and its estimate. It therefore shares the one pass over the input
 * with the other features instead of reading the input again for distinct values.
 *
 * Both engines accept a union aggregate as a window function over a ROWS frame: Spark runs any
 * ImperativeAggregate (hll_union_agg is one) in a sliding frame, and Trino computes every
 * aggregate "over the rows within the current row's window frame".
 */
import type { ScalarType } from '../plan/expression-node.js';
import type { SqlExpr } from '../sql/sql-node.js';
import { agg, cast, col, fn, lit } from '../sql/sql-builders.js';
import type { FeatureStages } from './window-partials.js';

/**
 * The value a sketch is built from: sketches take numbers and text (Trino's `approx_set`:
 * bigint, double or varchar), so other types are counted by their text, which is distinct
 * exactly when the values are.
 *
 * @example
 * ```ts
 * sketchInput(col('clicked'), 'boolean') // CAST(clicked AS string)
 * ```
 */
export function sketchInput(value: SqlExpr, valueType: ScalarType | undefined): SqlExpr {
  return valueType === 'string' || valueType === 'integer' || valueType === 'number' ? value : cast(value, 'string');
}

/**
 * The stages of approximate count_distinct number `i`, over the source column `value` (null
 * where filtered out). Over an empty window the union has no sketch (NULL on Trino, an empty
 * sketch on Spark): the count is 0, as for the exact count.
 *
 * @example
 * ```ts
 * sketchDistinctStages(3, '__v2').partials // [{ alias: '__f3_hll', expr: hll_sketch(__v2) }]
 * ```
 */
export function sketchDistinctStages(i: number, value: string): FeatureStages {
  const sketch = `__f${i}_hll`;
  const union = (k: number) => `__f${i}_hllu_${k}`;
  return {
    partials: [{ alias: sketch, expr: agg('hll_sketch', [col(value)]) }],
    windowed: (k, over) => [{ alias: union(k), expr: over(agg('hll_union', [col(sketch)])) }],
    final: (k) => cast({ kind: 'call', fn: 'coalesce', args: [fn('hll_estimate', col(union(k))), lit(0)] }, 'bigint'),
  };
}
