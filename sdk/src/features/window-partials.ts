/**
 * Per-feature pieces of the window query (see `window-planner.ts` for the whole shape):
 * the value each source row contributes, the partial state kept per (entity, bucket), how
 * the partials of k consecutive buckets combine over a window frame, and the final value.
 *
 * Every aggregation but count_distinct is decomposable over buckets:
 * - count, sum: sums of per-bucket counts/sums;
 * - mean: Σsum / Σcount;
 * - min, max: min/max of per-bucket min/max;
 * - stddev: per bucket (n, mean, stddev), combined around a per-island shift `c`, the median
 *   bucket mean (Chan et al.):
 *   M2 = Σ M2_b + [Σ n_b(mean_b - c)² - (Σ n_b(mean_b - c))² / N] — shifting keeps the
 *   subtraction from cancelling catastrophically when values are large and spread is small,
 *   and the within-bucket sum Σ M2_b is kept out of the subtraction altogether;
 *   every term is divided by a per-island scale so that values near 1e200 do not overflow;
 * - first/last: the bucket's first/last value (by timestamp, then source order), then the
 *   value of the earliest/latest non-empty bucket of the frame;
 * - percentile: the bucket's list of values, the frame's lists joined and sorted (exact, and as
 *   large as the window's values).
 * count_distinct is planned separately: exactly in `window-distinct.ts`, and from mergeable
 * sketches (approximate, on engines that have them) in `window-sketch-distinct.ts`.
 */
import type { AggregationNode } from '../plan/window-node.js';
import type { AggregateExpr, SqlExpr, WindowFrame } from '../sql/sql-node.js';
import { agg, and, bin, cast, caseWhen, col, eq, fn, isNull, lit } from '../sql/sql-builders.js';
import { featureColumnType } from './feature-naming.js';

/** A named expression in some SELECT list. */
export interface Named {
  readonly alias: string;
  readonly expr: SqlExpr;
}

/** How one (decomposable) feature is computed, stage by stage. */
export interface FeatureStages {
  /** Columns of the per-(entity, bucket) partial-state table, computed from the value column. */
  readonly partials: readonly Named[];
  /** Columns added to the partial-state table by window functions over each (`__e`, `__island`) (the stddev shift). */
  readonly shifted?: readonly Named[];
  /** Columns of the windowed table for a window of `k` buckets, given the frame's `over()` wrapper. */
  windowed(k: number, over: (fn: AggregateExpr) => SqlExpr): Named[];
  /** The output value for a window of `k` buckets, from the windowed columns. */
  final(k: number): SqlExpr;
}

/**
 * Builds the SQL `OVER (...)` expression.
 *
 * @example
 * ```ts
 * printExpr(over(agg('sum', [col('__f0_s')]), [col('__e'), col('__island')], [col('__j')], { mode: 'rows', start: -6, end: 0 }), 'duckdb')
 * // 'sum("__f0_s") OVER (PARTITION BY "__e", "__island" ORDER BY "__j" ASC ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)'
 * ```
 */
export function over(fn: AggregateExpr | { kind: 'ranking'; fn: 'row_number' }, partitionBy: SqlExpr[], orderBy: SqlExpr[], frame?: WindowFrame): SqlExpr {
  const base = { kind: 'over' as const, fn, partitionBy, orderBy: orderBy.map((expr) => ({ expr })) };
  return frame === undefined ? base : { ...base, frame };
}

const sumOf = (e: SqlExpr) => agg('sum', [e]);
const coalesce = (...args: SqlExpr[]): SqlExpr => ({ kind: 'call', fn: 'coalesce', args });
const greatest = (...args: SqlExpr[]): SqlExpr => ({ kind: 'call', fn: 'greatest', args });
const sqrt = (arg: SqlExpr): SqlExpr => ({ kind: 'call', fn: 'sqrt', args: [arg] });
const nullif = (a: SqlExpr, b: SqlExpr): SqlExpr => ({ kind: 'call', fn: 'nullif', args: [a, b] });

/** Beyond this magnitude a bucket's squared deviations can overflow a double (2^400 ≈ 2.6e120). */
const HUGE = 2 ** 400;

/**
 * The sample stddev of one bucket's values, 0 for fewer than two. DuckDB's stddev_samp raises
 * "Out of Range" instead of returning inf once the squared deviations overflow, which failed
 * the whole run for one valid row of 1e200; a bucket holding values beyond 2^400 is therefore
 * computed on values times 2^-600 (exact: a power of two), and the other buckets, as before,
 * on the values themselves (the FILTER keeps huge values away from that aggregate).
 */
function bucketStddev(v: SqlExpr): SqlExpr {
  const ordinary = and(bin('>', v, lit(-HUGE)), bin('<', v, lit(HUGE)));
  const bucketOrdinary = and(bin('>', agg('min', [v]), lit(-HUGE)), bin('<', agg('max', [v]), lit(HUGE)));
  return coalesce(
    caseWhen(
      [{ when: bucketOrdinary, then: agg('stddev_samp', [v], ordinary) }],
      bin('*', agg('stddev_samp', [bin('*', v, lit(2 ** -600))]), lit(2 ** 600)),
    ),
    lit(0),
  );
}

/**
 * The stages of feature number `i` (`p` prefixes its internal columns). `value` names the
 * source column holding the value this feature aggregates (null where filtered out), or is
 * undefined for an unfiltered `count()`; `orderKey` orders rows by time, then source order
 * (first/last).
 *
 * @example
 * ```ts
 * const mean = featureStages({ kind: 'aggregation', fn: 'mean', column: 'amount' }, 0, 'amount', col('_row_id'));
 * mean.partials.map((p) => p.alias) // ['__f0_s', '__f0_n'] (sum("amount"), count("amount"))
 * printExpr(mean.final(7), 'duckdb') // 'CAST(("__f0_s_7" / nullif(CAST("__f0_n_7" AS DOUBLE), 0)) AS DOUBLE)'
 * ```
 */
export function featureStages(aggregation: AggregationNode, i: number, value: string | undefined, orderKey: SqlExpr): FeatureStages {
  const p = `__f${i}`;
  const v = value === undefined ? undefined : col(value);
  const k$ = (k: number, what: string) => `${p}_${what}_${k}`;
  switch (aggregation.fn) {
    case 'count':
      return {
        partials: [{ alias: `${p}_n`, expr: v === undefined ? agg('count_star', []) : agg('count', [v]) }],
        windowed: (k, o) => [{ alias: k$(k, 'n'), expr: o(sumOf(col(`${p}_n`))) }],
        final: (k) => cast(coalesce(col(k$(k, 'n')), lit(0)), 'bigint'),
      };
    case 'sum':
      return {
        partials: [{ alias: `${p}_s`, expr: agg('sum', [v!]) }],
        windowed: (k, o) => [{ alias: k$(k, 's'), expr: o(sumOf(col(`${p}_s`))) }],
        final: (k) => cast(coalesce(col(k$(k, 's')), lit(0)), 'double'),
      };
    case 'mean':
      return {
        partials: [
          { alias: `${p}_s`, expr: agg('sum', [v!]) },
          { alias: `${p}_n`, expr: agg('count', [v!]) },
        ],
        windowed: (k, o) => [
          { alias: k$(k, 's'), expr: o(sumOf(col(`${p}_s`))) },
          { alias: k$(k, 'n'), expr: o(sumOf(col(`${p}_n`))) },
        ],
        final: (k) => cast(bin('/', col(k$(k, 's')), nullif(cast(col(k$(k, 'n')), 'double'), lit(0))), 'double'),
      };
    case 'min':
    case 'max': {
      const fn = aggregation.fn;
      const type = featureColumnType(aggregation);
      return {
        partials: [{ alias: `${p}_m`, expr: agg(fn, [v!]) }],
        windowed: (k, o) => [{ alias: k$(k, 'm'), expr: o(agg(fn, [col(`${p}_m`)])) }],
        final: (k) => cast(col(k$(k, 'm')), type),
      };
    }
    case 'stddev': {
      const n = col(`${p}_n`);
      const mu = col(`${p}_mu`);
      const sd = col(`${p}_sd`);
      // Shift and scale are per island of the entity (no window reaches across islands): one
      // far-off value months earlier must not become every later window's reference point.
      // The scale is the spread of the island's bucket means and its largest bucket stddev.
      // Sums of squares are taken of values divided by it, so they stay near 1 and cannot
      // overflow (|x| ~ 1e200 squared is inf); dividing costs no precision the shift does not
      // already lose. NULL when every value is equal: then every window is the lo = hi case.
      const entity = (fn: 'max' | 'min', e: SqlExpr) => over(agg(fn, [e]), [col('__e'), col('__island')], []);
      // The shift is the island's median bucket mean, not their mean: one far-off value (a
      // mistyped 1e10 among amounts near 100) moved the mean far from every other bucket, and
      // each later window's sum of squares then cancelled away its digits (a 7-day stddev of
      // 4.08 for a true 1.46). The median stays among the ordinary values.
      const median = over(agg('quantile_disc', [mu, lit(0.5)]), [col('__e'), col('__island')], []);
      const scale = nullif(greatest(bin('-', entity('max', mu), entity('min', mu)), entity('max', sd)), lit(0));
      const d = col(`${p}_d`);
      return {
        partials: [
          { alias: `${p}_n`, expr: agg('count', [v!]) },
          { alias: `${p}_mu`, expr: agg('avg', [v!]) },
          { alias: `${p}_sd`, expr: bucketStddev(v!) },
          // The bucket's extremes: a window whose values are all equal has stddev exactly 0, which
          // the shifted sums only approach (their cancellation leaves ~sqrt(ulp(c²)), e.g. 1e-6).
          { alias: `${p}_lo`, expr: agg('min', [v!]) },
          { alias: `${p}_hi`, expr: agg('max', [v!]) },
        ],
        // Centred and scaled per bucket: d = (mean_b - c) / scale, m2 = M2_b / scale².
        shifted: [
          { alias: `${p}_d`, expr: bin('/', bin('-', mu, median), scale) },
          { alias: `${p}_m2`, expr: bin('*', bin('*', bin('/', sd, scale), bin('/', sd, scale)), bin('-', n, lit(1))) },
          { alias: `${p}_sc`, expr: scale },
        ],
        windowed: (k, o) => [
          { alias: k$(k, 'n'), expr: o(sumOf(n)) },
          { alias: k$(k, 's'), expr: o(sumOf(bin('*', n, d))) },
          // Within-bucket and between-bucket sums apart: the second cancels (a frame whose buckets
          // sit far from the island's shift loses its low digits), and must not take the first,
          // computed exactly per bucket, with it.
          { alias: k$(k, 'w'), expr: o(sumOf(col(`${p}_m2`))) },
          { alias: k$(k, 'q'), expr: o(sumOf(bin('*', n, bin('*', d, d)))) },
          { alias: k$(k, 'lo'), expr: o(agg('min', [col(`${p}_lo`)])) },
          { alias: k$(k, 'hi'), expr: o(agg('max', [col(`${p}_hi`)])) },
          { alias: k$(k, 'sc'), expr: o(agg('max', [col(`${p}_sc`)])) },
        ],
        final: (k) => {
          const N = col(k$(k, 'n'));
          const S = col(k$(k, 's'));
          const Q = col(k$(k, 'q'));
          // M2 = Σ M2_b + [Σ n_b d_b² - (Σ n_b d_b)² / N]; the bracket is ≥ 0 but for rounding.
          // (The outer greatest(…, 0) is a no-op that tells the printers sqrt needs no domain guard.)
          const between = greatest(bin('-', Q, bin('/', bin('*', S, S), cast(N, 'double'))), cast(lit(0), 'double'));
          const m2 = bin('+', col(k$(k, 'w')), between);
          return caseWhen([
            { when: and(bin('>=', N, lit(2)), eq(col(k$(k, 'lo')), col(k$(k, 'hi')))), then: cast(lit(0), 'double') },
            { when: bin('>=', N, lit(2)), then: bin('*', col(k$(k, 'sc')), sqrt(greatest(bin('/', m2, cast(bin('-', N, lit(1)), 'double')), cast(lit(0), 'double')))) },
          ], cast(lit(null), 'double'));
        },
      };
    }
    case 'first':
    case 'last': {
      const type = featureColumnType(aggregation);
      const pick = aggregation.fn === 'first' ? 'min_by' : 'max_by';
      const x = col(`${p}_x`);
      return {
        // A row-value key (no sort of the input, unlike a row_number() sequence).
        partials: [{ alias: `${p}_x`, expr: agg(pick, [v!, orderKey], isNull(v!, true)) }],
        // The bucket index orders buckets; an empty bucket has no key, so it is never picked.
        windowed: (k, o) => [{ alias: k$(k, 'x'), expr: o(agg(pick, [x, caseWhen([{ when: isNull(x, true), then: col('__j') }])])) }],
        final: (k) => cast(col(k$(k, 'x')), type),
      };
    }
    case 'percentile': {
      // Exact, from the values themselves: each bucket keeps the list of its values, a window
      // joins its buckets' lists (an empty bucket adds an empty list), and the percentile is the
      // value at nearest rank ceil(p·n), at least 1: the smallest value with at least p of the
      // values at or below it (list_percentile; how each dialect finds it is the printer's).
      const values = col(`${p}_l`);
      return {
        partials: [{ alias: `${p}_l`, expr: agg('list', [v!], isNull(v!, true)) }],
        windowed: (k, o) => [{ alias: k$(k, 'l'), expr: fn('list_flatten', o(agg('list', [coalesce(values, fn('empty_double_list'))]))) }],
        final: (k) => cast(fn('list_percentile', col(k$(k, 'l')), lit(aggregation.fraction!)), 'double'),
      };
    }
    case 'count_distinct':
      throw new Error('count_distinct is planned by window-distinct.ts, not as a decomposable partial');
  }
}
