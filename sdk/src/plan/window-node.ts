import type { ParsedExpression, ScalarType } from './expression-node.js';

export const AGGREGATION_KINDS = [
  'count', 'sum', 'mean', 'min', 'max', 'stddev', 'count_distinct', 'first', 'last', 'percentile',
] as const;
export type AggregationKind = (typeof AGGREGATION_KINDS)[number];

/** One aggregation in a window spec: `sum('amount').where("event_type = 'purchase'")`. */
export interface AggregationNode {
  readonly kind: 'aggregation';
  readonly fn: AggregationKind;
  /** The aggregated column; absent for `count()` (counts rows). */
  readonly column?: string;
  readonly where?: ParsedExpression;
  /** count_distinct only: use the engine's approximate distinct count. */
  readonly approximate?: boolean;
  /** percentile only: the fraction p in (0, 1] (0.5 for a median). */
  readonly fraction?: number;
  /**
   * The aggregated column's type, recorded when the window is checked against the schema,
   * so that backends know each feature column's type (first/last keep it) from the plan alone.
   */
  readonly valueType?: ScalarType;
}

/** `window({ entity, timestamp, every, windows, features })`, with durations kept as written. */
export interface WindowNode {
  readonly kind: 'window';
  readonly entity: string;
  readonly timestamp: string;
  readonly every: string;
  readonly windows: readonly string[];
  readonly features: Readonly<Record<string, AggregationNode>>;
  /**
   * Features computed from this window's features, per window: `ctr: 'clicks / views'` gives
   * `ctr_7d = clicks_7d / views_7d` for each window. Absent when there are none (so the plans of
   * windows without them hash as before).
   */
  readonly derive?: Readonly<Record<string, ParsedExpression>>;
}
