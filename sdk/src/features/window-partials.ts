/**
 * Per-feature pieces of the window query (see `window-planner.ts` for the whole shape):
 * the value each source row contributes, the partial state kept per (entity, bucket), how
 * the partials of k consecutive buckets combine over a window frame, and the final value.
 *
 * Every aggregation but count_distinct is decomposable over buckets:
 * - count, sum: sums of per-bucket counts/sums;
 * - mean: Σsum / Σcount;
 * - min, max: min/max of per-bucket min/max;
 * - stddev: per bucket (n, mean, M2), combined around a per-entity shift `c` (Chan et al.):
 *   M2 = Σ[M2_b + n_b(mean_b - c)²] - (Σ n_b(mean_b - c))² / N — shifting keeps the
 *   subtraction from cancelling catastrophically when values are large and spread is small;
 * - first/last: the bucket's first/last value (by timestamp, then source order), then the
 *   value of the earliest/latest non-empty bucket of the frame.
 * count_distinct is planned separately: exactly in `window-distinct.ts`, and from mergeable
 * sketches (approximate, on engines that have them) in `window-sketch-distinct.ts`.
 */
import type { AggregationNode } from '../plan/window-node.js';
import type { AggregateExpr, SqlExpr, WindowFrame } from '../sql/sql-node.js';
import { agg, and, bin, cast, caseWhen, col, eq, isNull, lit } from '../sql/sql-builders.js';
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
  /** Columns added to the partial-state table by window functions over the whole entity (the stddev shift). */
  readonly shifted?: readonly Named[];
  /** Columns of the windowed table for a window of `k` buckets, given the frame's `over()` wrapper. */
  windowed(k: number, over: (fn: AggregateExpr) => SqlExpr): Named[];
  /** The output value for a window of `k` buckets, from the windowed columns. */
  final(k: number): SqlExpr;
}

/** Builds the SQL `OVER (...)` expression. */
export function over(fn: AggregateExpr | { kind: 'ranking'; fn: 'row_number' }, partitionBy: SqlExpr[], orderBy: SqlExpr[], frame?: WindowFrame): SqlExpr {
  const base = { kind: 'over' as const, fn, partitionBy, orderBy: orderBy.map((expr) => ({ expr })) };
  return frame === undefined ? base : { ...base, frame };
}

const sumOf = (e: SqlExpr) => agg('sum', [e]);
const coalesce = (...args: SqlExpr[]): SqlExpr => ({ kind: 'call', fn: 'coalesce', args });
const greatest = (...args: SqlExpr[]): SqlExpr => ({ kind: 'call', fn: 'greatest', args });
const sqrt = (arg: SqlExpr): SqlExpr => ({ kind: 'call', fn: 'sqrt', args: [arg] });
const nullif = (a: SqlExpr, b: SqlExpr): SqlExpr => ({ kind: 'call', fn: 'nullif', args: [a, b] });

/**
 * The stages of feature number `i` (`p` prefixes its internal columns). `value` names the
 * source column holding the value this feature aggregates (null where filtered out), or is
 * undefined for an unfiltered `count()`; `orderKey` orders rows by time, then source order
 * (first/last).
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
      // Centred per bucket: d = mean_b - c, with c the entity's shift (added in the shifted stage).
      const d = col(`${p}_d`);
      return {
        partials: [
          { alias: `${p}_n`, expr: agg('count', [v!]) },
          { alias: `${p}_mu`, expr: agg('avg', [v!]) },
          { alias: `${p}_m2`, expr: coalesce(bin('*', bin('*', agg('stddev_samp', [v!]), agg('stddev_samp', [v!])), bin('-', agg('count', [v!]), lit(1))), lit(0)) },
          // The bucket's extremes: a window whose values are all equal has stddev exactly 0, which
          // the shifted sums only approach (their cancellation leaves ~sqrt(ulp(c²)), e.g. 1e-6).
          { alias: `${p}_lo`, expr: agg('min', [v!]) },
          { alias: `${p}_hi`, expr: agg('max', [v!]) },
        ],
        shifted: [{ alias: `${p}_d`, expr: bin('-', col(`${p}_mu`), over(agg('avg', [col(`${p}_mu`)]), [col('__e')], [])) }],
        windowed: (k, o) => [
          { alias: k$(k, 'n'), expr: o(sumOf(n)) },
          { alias: k$(k, 's'), expr: o(sumOf(bin('*', n, d))) },
          { alias: k$(k, 'q'), expr: o(sumOf(bin('+', col(`${p}_m2`), bin('*', n, bin('*', d, d))))) },
          { alias: k$(k, 'lo'), expr: o(agg('min', [col(`${p}_lo`)])) },
          { alias: k$(k, 'hi'), expr: o(agg('max', [col(`${p}_hi`)])) },
        ],
        final: (k) => {
          const N = col(k$(k, 'n'));
          const S = col(k$(k, 's'));
          const Q = col(k$(k, 'q'));
          const m2 = bin('-', Q, bin('/', bin('*', S, S), cast(N, 'double')));
          return caseWhen([
            { when: and(bin('>=', N, lit(2)), eq(col(k$(k, 'lo')), col(k$(k, 'hi')))), then: cast(lit(0), 'double') },
            { when: bin('>=', N, lit(2)), then: sqrt(greatest(bin('/', m2, cast(bin('-', N, lit(1)), 'double')), cast(lit(0), 'double'))) },
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
    case 'count_distinct':
      throw new Error('count_distinct is planned by window-distinct.ts, not as a decomposable partial');
  }
}
