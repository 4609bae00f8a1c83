/**
 * Column profiles: per column count, nulls, min/max, distinct count, mean/stddev for numbers,
 * and the distribution a drift gate compares against (quantile bins for numbers and
 * timestamps, category frequencies for strings and booleans). Computed in SQL over the valid
 * table; saved and loaded as JSON so a later run can compare with it.
 */
import type { SqlExpr } from '../sql/sql-node.js';
import { agg, and, as, bin, cast, col, eq, fn, isNull, lit, select, table } from '../sql/sql-builders.js';
import { printSql } from '../sql/dialects.js';
import type { ColumnDescription, ColumnType } from './describe-schema.js';
import type { SqlRunner } from './sql-runner.js';
import { toNumber } from './sql-runner.js';

export interface NumericBins {
  /** Ascending, distinct cut points; bin i holds edges[i-1] <= x < edges[i] (first and last are open). */
  readonly edges: readonly number[];
  /** Fraction of all rows in each bin (edges.length + 1 entries). */
  readonly fractions: readonly number[];
  readonly nullFraction: number;
}

export interface CategoryFrequencies {
  /** Fraction of all rows per value (values as text). */
  readonly values: Readonly<Record<string, number>>;
  /** Fraction of rows with a value not listed (only when the column had too many values to list). */
  readonly otherFraction: number;
  readonly nullFraction: number;
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: ColumnType;
  readonly count: number;
  readonly nullCount: number;
  readonly nullRate: number;
  readonly distinctCount: number;
  /** Numbers as numbers, timestamps as ISO strings, strings as strings. */
  readonly min: number | string | boolean | null;
  readonly max: number | string | boolean | null;
  readonly mean?: number | null;
  readonly stddev?: number | null;
  readonly bins?: NumericBins;
  readonly frequencies?: CategoryFrequencies;
}

export interface Profile {
  readonly version: 1;
  /** Rows in the profiled table. */
  readonly rowCount: number;
  /**
   * Present when the table had more than PROFILE_SAMPLE_ROWS rows: the column statistics
   * (counts, nulls, distinct, min/max, mean/stddev, bins, frequencies) describe a deterministic
   * sample of this many rows (every k-th row by source position), not the whole table.
   */
  readonly sampleRows?: number;
  readonly columns: readonly ColumnProfile[];
}

/** Categorical columns with more distinct values than this keep only their top values. */
export const MAX_CATEGORIES = 50;
/**
 * Above this many rows, the profile is computed on an every-k-th-row sample of about this many
 * rows. Exact distinct counts, quantiles and category tables over millions of rows cost more
 * than validating them (measured: over half of a 3M-row local run). A 100,000-row systematic
 * sample gives bin and category fractions to within about ±0.2 percentage points (2σ), far
 * below what a drift gate (PSI > 0.1–0.2) reacts to; the drift gate itself counts the current
 * run's bins over all rows. Distinct counts, min/max and null counts then describe the sample.
 */
export const PROFILE_SAMPLE_ROWS = 100_000;
/** @deprecated Same as PROFILE_SAMPLE_ROWS (quantiles are now computed on the profile's sample). */
export const QUANTILE_SAMPLE_ROWS = PROFILE_SAMPLE_ROWS;
/** Text columns with more distinct values than this get no frequency table (ids, free text). */
export const MAX_TRACKED_VALUES = 1000;
const QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

const isNumeric = (t: ColumnType): boolean => t === 'number' || t === 'integer' || t === 'timestamp';

/**
 * The column as a number (timestamps as epoch milliseconds), for bins.
 *
 * @example
 * ```ts
 * numericExpr({ name: 'ts', type: 'timestamp', nullable: false, optional: false }) // epoch_ms("ts")
 * ```
 */
export function numericExpr(column: ColumnDescription): SqlExpr {
  return column.type === 'timestamp' ? fn('epoch_ms', col(column.name)) : cast(col(column.name), 'double');
}

export interface ProfileOptions {
  /**
   * A BIGINT column giving each row's source position (`_row_id`). With it, tables over
   * `sampleRows` rows are profiled on the rows whose position is a multiple of k (deterministic:
   * the same input gives the same profile). Without it every row is profiled.
   */
  readonly sampleColumn?: string;
  /** Sample size target (default PROFILE_SAMPLE_ROWS). */
  readonly sampleRows?: number;
  /** The table's row count when the caller knows it (saves a scan). */
  readonly rowCount?: number;
  /**
   * The table is already a sample (taken by the caller, e.g. in a pass it makes anyway) of a
   * table with this many rows: profile it whole and mark the profile as sampled.
   */
  readonly sampleOf?: number;
}

/**
 * The k of the every-k-th-row sample for a table of `rows` rows; 0 when it is small enough to
 * profile whole.
 *
 * @example
 * ```ts
 * profileSampleEvery(3_000_000) // 15
 * profileSampleEvery(10_000)    // 0
 * ```
 */
export function profileSampleEvery(rows: number, target = PROFILE_SAMPLE_ROWS): number {
  return rows > target ? Math.ceil(rows / target) : 0;
}

/**
 * Profiles the columns of `tableName` (on a sample when it is large: see ProfileOptions).
 *
 * @example
 * ```ts
 * const profile = await computeProfile(run, 'valid_rows', describeSchema(Event).columns, { sampleColumn: '_row_id' });
 * profile.columns.find((c) => c.name === 'amount')?.nullRate // 0.02
 * ```
 */
export async function computeProfile(
  run: SqlRunner, tableName: string, columns: readonly ColumnDescription[], options: ProfileOptions = {},
): Promise<Profile> {
  const total = options.rowCount ?? toNumber((await run(printSql(select([as(agg('count_star', []), 'n')], { from: table(tableName) }), 'duckdb')))[0]!.n) ?? 0;
  if (options.sampleOf !== undefined) {
    const profile = await profileTable(run, tableName, columns);
    return { version: 1, rowCount: options.sampleOf, sampleRows: profile.rowCount, columns: profile.columns };
  }
  const every = profileSampleEvery(total, options.sampleRows);
  if (!options.sampleColumn || every === 0) return profileTable(run, tableName, columns);
  // One pass over the big table picks the sample; every profile query then reads the sample.
  const sample = '__sluice_profile_sample';
  const query = select([...columns.map((c) => as(col(c.name)))], { from: table(tableName), where: eq(bin('%', col(options.sampleColumn), lit(every)), lit(0)) });
  await run(printSql({ kind: 'createTableAs', name: sample, orReplace: true, temporary: true, query }, 'duckdb'));
  try {
    const profile = await profileTable(run, sample, columns);
    return { version: 1, rowCount: total, sampleRows: profile.rowCount, columns: profile.columns };
  } finally {
    await run(printSql({ kind: 'dropTable', name: sample, ifExists: true }, 'duckdb'));
  }
}

/** The exact profile of every row of a table. */
async function profileTable(run: SqlRunner, tableName: string, columns: readonly ColumnDescription[]): Promise<Profile> {
  const items = [as(agg('count_star', []), 'n')];
  const fractions = fn('list_value', ...QUANTILES.map((q) => lit(q)));
  columns.forEach((c, i) => {
    const x = col(c.name);
    items.push(as(agg('count', [x]), `nn${i}`), as(agg('count_distinct', [x]), `d${i}`));
    const v = isNumeric(c.type) ? numericExpr(c) : c.type === 'boolean' ? cast(x, 'string') : x;
    items.push(as(agg('min', [v]), `min${i}`), as(agg('max', [v]), `max${i}`));
    if (c.type === 'number' || c.type === 'integer') items.push(as(agg('avg', [v]), `avg${i}`), as(agg('stddev_samp', [v]), `sd${i}`));
    // One call per column with all fractions: DuckDB sorts once.
    if (isNumeric(c.type)) items.push(as(agg('quantile_disc', [v, fractions]), `q${i}`));
  });
  const stats = (await run(printSql(select(items, { from: table(tableName) }), 'duckdb')))[0]!;
  const rowCount = toNumber(stats.n) ?? 0;

  const numeric = columns.filter((c) => isNumeric(c.type));
  const edgesOf = new Map(numeric.map((c) => {
    const quantiles = (stats[`q${columns.indexOf(c)}`] as unknown[] | null) ?? [];
    const edges = [...new Set(quantiles.map(toNumber).filter((e): e is number => e !== null))].sort((a, b) => a - b);
    return [c.name, edges];
  }));
  const bins = await binCountsMany(run, tableName, numeric.map((c) => ({ column: c, edges: edgesOf.get(c.name)! })));

  const profiles: ColumnProfile[] = [];
  for (const [i, c] of columns.entries()) {
    const nonNull = toNumber(stats[`nn${i}`]) ?? 0;
    const nullCount = rowCount - nonNull;
    const distinctCount = toNumber(stats[`d${i}`]) ?? 0;
    const base = {
      name: c.name, type: c.type, count: rowCount, nullCount, nullRate: rowCount ? nullCount / rowCount : 0, distinctCount,
      min: displayValue(c.type, stats[`min${i}`]), max: displayValue(c.type, stats[`max${i}`]),
    };
    if (isNumeric(c.type)) {
      const counts = bins.get(c.name)!;
      const numericBins: NumericBins = { edges: edgesOf.get(c.name)!, fractions: counts.bins.map((n) => fraction(n, rowCount)), nullFraction: fraction(counts.nulls, rowCount) };
      const numberStats = c.type === 'timestamp' ? {} : { mean: toNumber(stats[`avg${i}`]), stddev: toNumber(stats[`sd${i}`]) };
      profiles.push({ ...base, ...numberStats, bins: numericBins });
    } else if (distinctCount <= MAX_TRACKED_VALUES) {
      // Ids and other high-cardinality text carry no distribution worth comparing; skip the scan.
      const counts = await categoryCounts(run, tableName, c, MAX_CATEGORIES);
      const values: Record<string, number> = {};
      let listed = 0;
      for (const [value, n] of counts.values) {
        values[value] = fraction(n, rowCount);
        listed += n;
      }
      const frequencies: CategoryFrequencies = { values, otherFraction: fraction(nonNull - listed, rowCount), nullFraction: fraction(nullCount, rowCount) };
      profiles.push({ ...base, frequencies });
    } else {
      profiles.push(base);
    }
  }
  return { version: 1, rowCount, columns: profiles };
}

function fraction(n: number, total: number): number {
  return total ? n / total : 0;
}

function displayValue(type: ColumnType, value: unknown): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (type === 'timestamp') {
    const ms = toNumber(value);
    return ms === null ? null : new Date(ms).toISOString();
  }
  if (type === 'number' || type === 'integer') return toNumber(value);
  return typeof value === 'boolean' ? value : String(value);
}

/**
 * Row counts per bin of `edges` (edges.length + 1 bins) and the null count, in one query.
 *
 * @example
 * ```ts
 * await binCounts(run, 'valid_rows', amountColumn, [10, 20]) // { bins: [n(<10), n(10..20), n(>=20)], nulls }
 * ```
 */
export async function binCounts(run: SqlRunner, tableName: string, column: ColumnDescription, edges: readonly number[]): Promise<{ bins: number[]; nulls: number }> {
  return (await binCountsMany(run, tableName, [{ column, edges }])).get(column.name)!;
}

/**
 * Bin counts for several columns in one scan of the table.
 *
 * @example
 * ```ts
 * (await binCountsMany(run, 'valid_rows', [{ column: amount, edges: [10, 20] }])).get('amount')
 * ```
 */
export async function binCountsMany(
  run: SqlRunner, tableName: string, specs: readonly { column: ColumnDescription; edges: readonly number[] }[],
): Promise<Map<string, { bins: number[]; nulls: number }>> {
  const out = new Map<string, { bins: number[]; nulls: number }>();
  if (specs.length === 0) return out;
  const items = specs.flatMap(({ column, edges }, s) => {
    const x = numericExpr(column);
    const conditions: SqlExpr[] = [];
    for (let b = 0; b <= edges.length; b++) {
      const low = b === 0 ? undefined : bin('>=', x, lit(edges[b - 1]!));
      const high = b === edges.length ? undefined : bin('<', x, lit(edges[b]!));
      conditions.push(low && high ? and(low, high) : (low ?? high ?? isNull(x, true)));
    }
    return [...conditions.map((when, b) => as(agg('count_star', [], when), `c${s}_b${b}`)), as(agg('count_star', [], isNull(col(column.name))), `c${s}_nulls`)];
  });
  const row = (await run(printSql(select(items, { from: table(tableName) }), 'duckdb')))[0]!;
  specs.forEach(({ column, edges }, s) => {
    out.set(column.name, {
      bins: Array.from({ length: edges.length + 1 }, (_, b) => toNumber(row[`c${s}_b${b}`]) ?? 0),
      nulls: toNumber(row[`c${s}_nulls`]) ?? 0,
    });
  });
  return out;
}

/**
 * The `limit` most frequent values (as text) with their counts, most frequent first.
 *
 * @example
 * ```ts
 * await categoryCounts(run, 'valid_rows', kindColumn, 50) // { values: [['view', 120000], ['click', 60000], …] }
 * ```
 */
export async function categoryCounts(run: SqlRunner, tableName: string, column: ColumnDescription, limit: number): Promise<{ values: [string, number][] }> {
  const v = cast(col(column.name), 'string');
  const query = select([as(v, 'v'), as(agg('count_star', []), 'n')], {
    from: table(tableName), where: isNull(col(column.name), true), groupBy: [v],
    orderBy: [{ expr: col('n'), desc: true }, { expr: col('v') }], limit,
  });
  const rows = await run(printSql(query, 'duckdb'));
  return { values: rows.map((r) => [String(r.v), toNumber(r.n) ?? 0]) };
}

/**
 * Writes a profile as JSON (the baseline a drift gate reads).
 *
 * @example
 * ```ts
 * await saveProfile('baselines/events.profile.json', result.profile);
 * ```
 */
export async function saveProfile(path: string, profile: Profile): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(profile, null, 2)}\n`, 'utf8');
}

/**
 * Reads a profile written by `saveProfile`; `undefined` when the file does not exist.
 *
 * @example
 * ```ts
 * const baseline = await loadProfile('baselines/events.profile.json');
 * ```
 */
export async function loadProfile(path: string): Promise<Profile | undefined> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const profile = JSON.parse(text) as Profile;
  if (profile.version !== 1 || !Array.isArray(profile.columns)) {
    throw new Error(`${path} is not a sluice column profile (expected { version: 1, columns: [...] }).`);
  }
  return profile;
}
