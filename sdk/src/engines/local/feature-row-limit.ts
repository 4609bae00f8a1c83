/**
 * Stops a local run before it computes more feature rows than a machine should: a long window
 * at a fine cadence asks for a row per entity at every boundary, and 250 million rows take
 * many minutes and more memory than the run has, with nothing on screen but a still bar.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { WindowNode } from '../../plan/window-node.js';
import { durationMs } from '../../plan/duration.js';
import { longestWindowSteps, planFeatureRowCount } from '../../features/window-row-count.js';
import { printSql } from '../../sql/dialects.js';
import { EngineError } from '../../errors.js';
import type { Profile } from '../../quality/profile.js';

/** Default of `run({ maxFeatureRows })`. */
export const DEFAULT_MAX_FEATURE_ROWS = 50_000_000;

/** What the run already knows about the input, for bounding the rows without counting them. */
export interface FeatureRowBounds {
  /** Rows of the input table. */
  readonly inputRows: number;
  /** Distinct entities and the timestamp column's extremes, from the column profile when it describes the input. */
  readonly profile?: { readonly entities: number; readonly firstMs: number; readonly lastMs: number };
}

/**
 * Throws `FEATURE_ROWS_LIMIT` when `node` would emit more than `limit` rows over `tableName`.
 * Counting costs a pass over the input, so it runs only when what is known could reach the
 * limit: each input row adds at most the longest window's steps, and each entity at most the
 * boundaries from its first event to the last one's window end.
 *
 * @example
 * ```ts
 * await checkFeatureRowLimit(connection, windowNode, 'valid_rows', { inputRows: 198_000, limit: 50_000_000 });
 * // throws EngineError FEATURE_ROWS_LIMIT: "This window would emit 86,400,000 feature rows …"
 * ```
 */
export async function checkFeatureRowLimit(
  connection: DuckDBConnection,
  node: WindowNode,
  tableName: string,
  options: FeatureRowBounds & { readonly limit: number; /** The run reads a sample already: a smaller one is the advice. */ readonly sample?: number },
): Promise<void> {
  const steps = longestWindowSteps(node);
  if (atMost(node, options) <= options.limit) return;
  const reader = await connection.runAndReadAll(printSql(planFeatureRowCount(node, tableName), 'duckdb'));
  const rows = Number(reader.getRows()[0]?.[0] ?? 0);
  if (rows <= options.limit) return;
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const longest = node.windows.reduce((a, b) => (durationMs(b) > durationMs(a) ? b : a));
  const coarser = coarserCadence(node);
  throw new EngineError(
    'FEATURE_ROWS_LIMIT',
    `This window would emit ${n(rows)} feature rows (a row per entity at every '${node.every}' boundary up to ${longest} after each event: ${n(steps)} boundaries), ` +
      `more than this run's limit of ${n(options.limit)}. ` +
      (coarser ? `Choose a coarser cadence (every: '${coarser.every}' gives about ${n(rows / coarser.factor)} rows), shorter windows, ` : 'Choose shorter windows, ') +
      `${sampleAdvice(options.sample)}, or raise the limit with run({ maxFeatureRows: ${Math.ceil(rows / 1e6) * 1e6} }).`,
  );
}

/** "run on a sample", or on a smaller one than the run's (a tenth of it, at least 100 rows). */
function sampleAdvice(sample: number | undefined): string {
  if (sample === undefined) return 'run on a sample (run({ sample: 10_000 }))';
  const smaller = Math.max(100, Math.floor(sample / 10));
  return smaller < sample ? `run on a smaller sample than ${sample.toLocaleString('en-US')} rows (run({ sample: ${smaller} }))` : 'choose a smaller input';
}

/**
 * The profile's part of FeatureRowBounds: distinct entities and the timestamp's extremes, when
 * the profile has both columns; else `scanned`, the same taken by the validation scan of a run
 * without a profile (over every row read, valid or not: still an upper bound).
 *
 * @example
 * ```ts
 * profileBounds(validation.profile, windowNode) // { profile: { entities: 2000, firstMs: 1704067200000, lastMs: 1709251199000 } }
 * profileBounds(undefined, windowNode, validation.windowBounds) // the same, from the scan
 * ```
 */
export function profileBounds(profile: Profile | undefined, node: WindowNode, scanned?: NonNullable<FeatureRowBounds['profile']>): Pick<FeatureRowBounds, 'profile'> {
  const entity = profile?.columns.find((c) => c.name === node.entity);
  const ts = profile?.columns.find((c) => c.name === node.timestamp);
  const firstMs = typeof ts?.min === 'string' ? Date.parse(ts.min) : NaN;
  const lastMs = typeof ts?.max === 'string' ? Date.parse(ts.max) : NaN;
  if (!entity || !Number.isFinite(firstMs) || !Number.isFinite(lastMs)) return scanned ? { profile: scanned } : {};
  return { profile: { entities: entity.distinctCount, firstMs, lastMs } };
}

/** An upper bound of the rows `node` emits, from what is known without reading the input. */
function atMost(node: WindowNode, bounds: FeatureRowBounds): number {
  const steps = longestWindowSteps(node);
  // An event's rows: the K boundaries after it, and the one where its windows are all empty.
  const byRows = bounds.inputRows * (steps + 1);
  if (!bounds.profile) return byRows;
  const every = durationMs(node.every);
  const span = Math.floor(bounds.profile.lastMs / every) - Math.floor(bounds.profile.firstMs / every) + 1;
  // An entity's rows lie between its first bucket + 1 and its last + K + 1: span + K of them.
  return Math.min(byRows, bounds.profile.entities * (span + steps));
}

const USUAL_CADENCES: readonly (readonly [number, string])[] = [
  [60_000, '1m'], [300_000, '5m'], [900_000, '15m'], [3_600_000, '1h'], [21_600_000, '6h'], [86_400_000, '1d'],
];

/** The next usual cadence up that divides every window (so the plan stays valid), and how many times coarser it is. */
function coarserCadence(node: WindowNode): { every: string; factor: number } | undefined {
  const every = durationMs(node.every);
  for (const [candidate, text] of USUAL_CADENCES) {
    if (candidate <= every || candidate % every !== 0) continue;
    if (node.windows.every((w) => durationMs(w) % candidate === 0)) return { every: text, factor: candidate / every };
  }
  return undefined;
}
