/**
 * `window({ entity, timestamp, every, windows, features })`: the declarative spec of windowed
 * features. Its type parameter is the union of every column it mentions, so the pipeline
 * builder's `aggregate<W extends WindowSpec<keyof Row & string>>(w: W)` turns a misspelt
 * column into a compile error. The spec is checked against the schema by `validateWindow`.
 */
import type { Duration } from '../plan/duration.js';
import type { Aggregation } from './aggregations.js';
import { checkWindowShape } from './window-validation.js';
import { deepFreeze } from '../plan/canonical-json.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';

export { validateWindow } from './window-validation.js';

/** What `window()` takes. */
export interface WindowOptions<E extends string, T extends string, F extends Readonly<Record<string, Aggregation<string>>>> {
  /** The entity column: one feature row per entity and boundary. */
  readonly entity: E;
  /** The event-time column (a timestamp). */
  readonly timestamp: T;
  /** The cadence: boundaries are the multiples of `every` since the Unix epoch (UTC). */
  readonly every: Duration;
  /** Window lengths, each a positive multiple of `every`. Column names use them as written: `clicks_7d`. */
  readonly windows: readonly Duration[];
  /** Feature name (lowercase identifier) → aggregation. */
  readonly features: F;
  /**
   * Feature name → an expression over the features above (as `.derive()` writes them, by feature
   * name) and `feature_ts` (the row's boundary), computed for each window from that window's
   * values: `{ ctr: 'clicks / views' }` adds `ctr_1d`, `ctr_7d`… A window where `views` is 0
   * gives NULL (division by zero is NULL). With `last_seen: max('ts')` among the features,
   * `hours_idle: '(epoch_ms(feature_ts) - epoch_ms(last_seen)) / 3600000'` is the recency.
   */
  readonly derive?: Readonly<Record<string, string>>;
}

/** The columns an aggregation map mentions (`count()` mentions none). */
export type AggregatedColumns<F> = { [K in keyof F]: F[K] extends Aggregation<infer C> ? C : never }[keyof F];

/**
 * A frozen window spec. `C` is the union of the columns it mentions (entity, timestamp,
 * aggregated columns) — carried by `columns`, which makes the type covariant in `C`.
 */
export interface WindowSpec<C extends string = string> {
  readonly kind: 'windowSpec';
  readonly entity: string;
  readonly timestamp: string;
  readonly every: string;
  readonly windows: readonly string[];
  readonly features: Readonly<Record<string, Aggregation<string>>>;
  /** Features computed from the features, per window (absent when none). */
  readonly derive?: Readonly<Record<string, string>>;
  /** Every column the spec mentions, in order of first mention. */
  readonly columns: readonly C[];
}

/**
 * Declares windowed features per entity. Checks what it can without the schema (durations,
 * cadence multiples, feature names) right away; columns and types are checked when the
 * pipeline applies it (`aggregate()`).
 *
 * @example
 * ```ts
 * const w = window({
 *   entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d', '30d'],
 *   features: { clicks: count().where("event_type = 'click'"), spend: sum('amount') },
 * });
 * // w: WindowSpec<'user_id' | 'ts' | 'amount'>
 * window({
 *   entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['7d', '30d'],
 *   features: { clicks: count().where("event_type = 'click'"), views: count().where("event_type = 'view'") },
 *   derive: { ctr: 'clicks / views' },   // ctr_7d, ctr_30d; NULL where views is 0
 * });
 * ```
 * @throws PlanError `INVALID_DURATION`, `WINDOW_NOT_MULTIPLE`, `DUPLICATE_WINDOW`, `INVALID_FEATURE_NAME`, `NO_FEATURES`, `INVALID_AGGREGATION`, `DUPLICATE_FEATURE_NAME`, `INVALID_DERIVED_FEATURE`.
 */
export function window<E extends string, T extends string, F extends Readonly<Record<string, Aggregation<string>>>>(
  options: WindowOptions<E, T, F>,
): WindowSpec<E | T | AggregatedColumns<F>> {
  rejectUnknownKeys(options, ['entity', 'timestamp', 'every', 'windows', 'features', 'derive'], 'window({ entity, timestamp, every, windows, features, derive })', 'window');
  checkWindowShape(options, '');
  const features: Record<string, Aggregation<string>> = {};
  for (const [name, aggregation] of Object.entries(options.features)) features[name] = aggregation;
  const columns: string[] = [options.entity, options.timestamp];
  for (const aggregation of Object.values(features)) {
    if (aggregation.column !== undefined && !columns.includes(aggregation.column)) columns.push(aggregation.column);
  }
  const spec: WindowSpec<string> = {
    kind: 'windowSpec',
    entity: options.entity,
    timestamp: options.timestamp,
    every: options.every,
    windows: [...options.windows],
    features,
    ...(options.derive !== undefined && Object.keys(options.derive).length > 0 ? { derive: { ...options.derive } } : {}),
    columns,
  };
  return deepFreeze(spec) as WindowSpec<E | T | AggregatedColumns<F>>;
}
