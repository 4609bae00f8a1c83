/**
 * Column profiles: per column count, nulls, min/max, distinct count, mean/stddev for numbers,
 * and the distribution a drift gate compares against (quantile bins for numbers and
 * timestamps, category frequencies for strings and booleans). Computed in SQL over the valid
 * table; saved and loaded as JSON so a later run can compare with it.
 */
import type { SelectItem, SqlExpr } from '../sql/sql-node.js';
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
  /**
   * PROFILE_VERSION when computed by this sluice. A saved baseline of version 1 came from a
   * sluice that printed bin edges of 16–17 significant digits as plain decimals, which DuckDB
   * read a bit off (about 4% of them): the drift gate refuses such a baseline when it has an
   * edge of that kind (see legacy-bin-edges.ts), and reads it as version 2 otherwise.
   */
  readonly version: typeof PROFILE_VERSION | 1;
  /** Rows in the profiled table. */
  readonly rowCount: number;
  /**
   * Present when the distributions (bins, frequencies) were computed on a deterministic sample
   * of this many rows (every k-th row by source position) because the table had more than
   * PROFILE_SAMPLE_ROWS rows. The summary statistics (counts, nulls, distinct, min/max,
   * mean/stddev) always describe every row.
   */
  readonly sampleRows?: number;
  readonly columns: readonly ColumnProfile[];
}

/** The version of the profiles this sluice computes and saves (see Profile.version). */
export const PROFILE_VERSION = 2;

/** Categorical columns with more distinct values than this keep only their top values. */
export const MAX_CATEGORIES = 50;
/**
 * Above this many rows, the distributions are computed on an every-k-th-row sample of about
 * this many rows. Exact quantiles and category tables over millions of rows cost more than
 * validating them. A 100,000-row systematic sample gives bin and category fractions to within
 * about ±0.2 percentage points (2σ), far below what a drift gate (PSI > 0.1–0.2) reacts to; the
 * drift gate itself counts the current run's bins over all rows.
 */
export const PROFILE_SAMPLE_ROWS = 100_000;
/** @deprecated Same as PROFILE_SAMPLE_ROWS (quantiles are computed on the distributions' sample). */
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

/** The exact per-column statistics of every row: what the quality report shows. */
export interface ProfileSummary {
  readonly rowCount: number;
  readonly columns: readonly ColumnProfile[];
}

export interface ProfileOptions {
  /**
   * Also compute the distributions a drift baseline needs (quantile bins for numbers and
   * timestamps, category frequencies for text). Default true. They cost a sort per numeric
   * column, so a run computes them only when it saves its profile.
   */
  readonly distributions?: boolean;
  /**
   * A BIGINT column giving each row's source position (`_row_id`). With it, the distributions of
   * tables over `sampleRows` rows are computed on the rows whose position is a multiple of k
   * (deterministic: the same input gives the same profile). Without it every row is used.
   */
  readonly sampleColumn?: string;
  /** Sample size target (default PROFILE_SAMPLE_ROWS). */
  readonly sampleRows?: number;
  /**
   * The summary statistics, when the caller computed them already (e.g. in the validation
   * scan, with profileSummaryItems): saves a scan of the table.
   */
  readonly summary?: ProfileSummary;
}

/**
 * The k of the every-k-th-row sample for a table of `rows` rows; 0 when it is small enough to
 * profile whole.
 *
 * @example
 * ```ts
 * profileSampleEvery(3_000_000) // 30
 * profileSampleEvery(10_000)    // 0
 * ```
 */
export function profileSampleEvery(rows: number, target = PROFILE_SAMPLE_ROWS): number {
  return rows > target ? Math.ceil(rows / target) : 0;
}

export interface SummaryOptions {
  /** Prefix of the selected aliases (default `__p`), so they can sit beside other aggregates. */
  readonly prefix?: string;
  /**
   * Mean and stddev over the values scaled by 2^-600 (exact for doubles), then scaled back: for
   * columns with values so large that their squares overflow a double. `true` scales every
   * numeric column, a set only the named ones. runProfileSummary retries with it when DuckDB
   * reports the overflow.
   */
  readonly scaledMoments?: boolean | ReadonlySet<string>;
}

/** 2^600 and its inverse: powers of two scale a double without rounding. */
const MOMENT_SCALE = 2 ** 600;

/**
 * The aggregates of the summary statistics, to select over a table (alone or beside other
 * aggregates of the same scan); read the row back with readProfileSummary.
 *
 * @example
 * ```ts
 * const row = (await run(printSql(select(profileSummaryItems(columns), { from: table('valid_rows') }), 'duckdb')))[0];
 * readProfileSummary(row, columns).columns[0].distinctCount // 2000
 * ```
 */
export function profileSummaryItems(columns: readonly ColumnDescription[], options: SummaryOptions = {}): SelectItem[] {
  const prefix = options.prefix ?? '__p';
  const items: SelectItem[] = [as(agg('count_star', []), `${prefix}n`)];
  columns.forEach((c, i) => {
    const x = col(c.name);
    items.push(as(agg('count', [x]), `${prefix}nn${i}`), as(agg('count_distinct', [x]), `${prefix}d${i}`));
    // min/max in the column's own type (converting every row first measured 40% dearer); the
    // reader converts the two results.
    const extremes = c.type === 'boolean' ? cast(x, 'string') : x;
    items.push(as(agg('min', [extremes]), `${prefix}min${i}`), as(agg('max', [extremes]), `${prefix}max${i}`));
    if (c.type === 'number' || c.type === 'integer') {
      const scaled = options.scaledMoments === true || (options.scaledMoments instanceof Set && options.scaledMoments.has(c.name));
      const v = scaled ? bin('*', cast(x, 'double'), lit(1 / MOMENT_SCALE)) : x;
      const back = (e: SqlExpr): SqlExpr => (scaled ? bin('*', e, lit(MOMENT_SCALE)) : e);
      items.push(as(back(agg('avg', [v])), `${prefix}avg${i}`), as(back(agg('stddev_samp', [v])), `${prefix}sd${i}`));
      // The largest magnitude, for runProfileSummary to tell which columns need scaling.
      if (options.scaledMoments === true) items.push(as(agg('max', [{ kind: 'call', fn: 'abs', args: [cast(x, 'double')] }]), `${prefix}amax${i}`));
    }
  });
  return items;
}

/**
 * Runs a query built from profileSummaryItems and returns its row; when DuckDB reports that a
 * mean or stddev left the range of a double, builds it again with `scaledMoments` for the
 * columns whose values are that large.
 *
 * Scaling must stay on those columns: a column of ordinary values scaled by 2^-600 has squares
 * below the smallest double (1e3 · 2^-600, squared, is 0), and its stddev would come out 0.
 * Which columns are large is read from a first scaled run (the largest magnitude among the rows
 * the moments cover, unscaled); a third run then scales only those — three scans, in a case that is rare.
 *
 * @example
 * ```ts
 * const row = await runProfileSummary(run, (o) => printSql(select(profileSummaryItems(columns, o), { from: table('t') }), 'duckdb'), columns);
 * ```
 */
export async function runProfileSummary(
  run: SqlRunner,
  sqlFor: (options: { scaledMoments: boolean | ReadonlySet<string> }) => string,
  columns: readonly ColumnDescription[],
  prefix = '__p',
): Promise<Record<string, unknown>> {
  try {
    return (await run(sqlFor({ scaledMoments: false })))[0]!;
  } catch (error) {
    if (!/out of range/i.test((error as Error).message)) throw error;
  }
  const allScaled = (await run(sqlFor({ scaledMoments: true })))[0]!;
  const numeric = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.type === 'number' || c.type === 'integer');
  const large = new Set(numeric.filter(({ i }) => (toNumber(allScaled[`${prefix}amax${i}`]) ?? 0) >= LARGE_MOMENT_VALUE).map(({ c }) => c.name));
  if (large.size === numeric.length) return allScaled;
  return (await run(sqlFor({ scaledMoments: large })))[0]!;
}

/**
 * Values from this magnitude up may overflow a double's squares summed over many rows (2^450
 * squared is about 1e271: room for 1e37 rows below the largest double); smaller ones never do.
 */
const LARGE_MOMENT_VALUE = 2 ** 450;

/**
 * Reads the row selected with profileSummaryItems (same columns, same prefix).
 *
 * @example
 * ```ts
 * readProfileSummary(row, columns) // { rowCount: 3000000, columns: [{ name: 'delay', nullCount: 0, min: -86, … }] }
 * ```
 */
export function readProfileSummary(row: Record<string, unknown>, columns: readonly ColumnDescription[], prefix = '__p'): ProfileSummary {
  const rowCount = toNumber(row[`${prefix}n`]) ?? 0;
  const profiles = columns.map((c, i): ColumnProfile => {
    const nullCount = rowCount - (toNumber(row[`${prefix}nn${i}`]) ?? 0);
    const base = {
      name: c.name, type: c.type, count: rowCount, nullCount, nullRate: rowCount ? nullCount / rowCount : 0,
      distinctCount: toNumber(row[`${prefix}d${i}`]) ?? 0,
      min: displayValue(c.type, row[`${prefix}min${i}`]), max: displayValue(c.type, row[`${prefix}max${i}`]),
    };
    if (c.type !== 'number' && c.type !== 'integer') return base;
    return { ...base, mean: toNumber(row[`${prefix}avg${i}`]), stddev: toNumber(row[`${prefix}sd${i}`]) };
  });
  return { rowCount, columns: profiles };
}

/**
 * Profiles the columns of `tableName`: exact summary statistics of every row, plus (unless
 * `distributions: false`) the distributions a drift baseline needs, on a sample when the table
 * is large (see ProfileOptions).
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
  const summary = options.summary ?? readProfileSummary(
    await runProfileSummary(run, (o) => printSql(select(profileSummaryItems(columns, o), { from: table(tableName) }), 'duckdb'), columns),
    columns,
  );
  if (options.distributions === false) return { version: PROFILE_VERSION, rowCount: summary.rowCount, columns: summary.columns };
  const every = profileSampleEvery(summary.rowCount, options.sampleRows);
  if (!options.sampleColumn || every === 0) {
    return { version: PROFILE_VERSION, rowCount: summary.rowCount, columns: await withDistributions(run, tableName, summary.rowCount, summary.columns, true) };
  }
  // One pass over the big table picks the sample; the distribution queries then read the sample.
  const sample = '__sluice_profile_sample';
  const query = select(columns.map((c) => as(col(c.name))), { from: table(tableName), where: eq(bin('%', col(options.sampleColumn), lit(every)), lit(0)) });
  await run(printSql({ kind: 'createTableAs', name: sample, orReplace: true, temporary: true, query }, 'duckdb'));
  try {
    const sampleRows = toNumber((await run(printSql(select([as(agg('count_star', []), 'n')], { from: table(sample) }), 'duckdb')))[0]!.n) ?? 0;
    return { version: PROFILE_VERSION, rowCount: summary.rowCount, sampleRows, columns: await withDistributions(run, sample, sampleRows, summary.columns, false) };
  } finally {
    await run(printSql({ kind: 'dropTable', name: sample, ifExists: true }, 'duckdb'));
  }
}

/**
 * A baseline's bin edges from its quantiles (minimum first, maximum last). The distinct
 * quantiles cut the range, and two more kinds of bin keep a drift visible where plain quantile
 * bins lose it:
 * - a value several quantiles share (the zeros of a mostly-zero amount, a constant column, the
 *   0 and 1 of a flag) gets a bin of its own, [v, nextUp(v)) — with quantile bins alone it opened
 *   the top bin, and values 100× larger fell in with it;
 * - below the minimum and above the maximum are bins the baseline left empty, so new extremes count.
 *
 * @example
 * ```ts
 * binEdges([0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 101]) // [0, 5e-324, 3, 101, 101.00000000000001]
 * ```
 */
export function binEdges(quantiles: readonly number[]): number[] {
  if (quantiles.length === 0) return [];
  const sorted = [...quantiles].sort((a, b) => a - b);
  const seen = new Map<number, number>();
  for (const q of sorted) seen.set(q, (seen.get(q) ?? 0) + 1);
  const edges = new Set<number>(sorted);
  for (const [value, times] of seen) if (times > 1) edges.add(nextUp(value));
  edges.add(nextUp(sorted.at(-1)!));
  return [...edges].filter(Number.isFinite).sort((a, b) => a - b);
}

/** The smallest double above `x`. */
function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, x > 0 ? view.getBigUint64(0) + 1n : view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

/**
 * Adds bins (numbers, timestamps) and frequencies (low-cardinality text, booleans) computed
 * over `source` (the table itself, or its sample of `sourceRows` rows) to the summary's columns.
 */
async function withDistributions(
  run: SqlRunner, source: string, sourceRows: number, summary: readonly ColumnProfile[], sourceIsWhole: boolean,
): Promise<ColumnProfile[]> {
  const columns: ColumnDescription[] = summary.map((c) => ({ name: c.name, type: c.type, nullable: true, optional: false }));
  const numeric = columns.filter((c) => isNumeric(c.type));
  // The minimum and the maximum too (fractions 0 and 1): see binEdges.
  const fractions = fn('list_value', ...[0, ...QUANTILES, 1].map((q) => lit(q)));
  const edgesOf = new Map<string, number[]>();
  if (numeric.length > 0) {
    // One call per column with all fractions: DuckDB sorts once.
    const row = (await run(printSql(select(numeric.map((c, i) => as(agg('quantile_disc', [numericExpr(c), fractions]), `q${i}`)), { from: table(source) }), 'duckdb')))[0]!;
    numeric.forEach((c, i) => {
      const quantiles = ((row[`q${i}`] as unknown[] | null) ?? []).map(toNumber).filter((e): e is number => e !== null);
      edgesOf.set(c.name, binEdges(quantiles));
    });
  }
  const bins = await binCountsMany(run, source, numeric.map((c) => ({ column: c, edges: edgesOf.get(c.name)! })));
  const out: ColumnProfile[] = [];
  for (const [i, profile] of summary.entries()) {
    const c = columns[i]!;
    if (isNumeric(c.type)) {
      const counts = bins.get(c.name)!;
      out.push({ ...profile, bins: { edges: edgesOf.get(c.name)!, fractions: counts.bins.map((n) => fraction(n, sourceRows)), nullFraction: fraction(counts.nulls, sourceRows) } });
    } else if (profile.distinctCount <= MAX_TRACKED_VALUES) {
      // Ids and other high-cardinality text carry no distribution worth comparing; skip the scan.
      const counts = await categoryCounts(run, source, c, MAX_CATEGORIES);
      const values: Record<string, number> = {};
      let listed = 0;
      for (const [value, n] of counts.values) {
        values[value] = fraction(n, sourceRows);
        listed += n;
      }
      const nonNull = sourceIsWhole ? profile.count - profile.nullCount : await nonNullCount(run, source, c);
      out.push({ ...profile, frequencies: { values, otherFraction: fraction(nonNull - listed, sourceRows), nullFraction: fraction(sourceRows - nonNull, sourceRows) } });
    } else {
      out.push(profile);
    }
  }
  return out;
}

async function nonNullCount(run: SqlRunner, source: string, column: ColumnDescription): Promise<number> {
  return toNumber((await run(printSql(select([as(agg('count', [col(column.name)]), 'n')], { from: table(source) }), 'duckdb')))[0]!.n) ?? 0;
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
  // Booleans are compared as text in SQL ('false' < 'true', the order of false < true): read back as booleans.
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
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
  if (typeof profile.version === 'number' && profile.version > PROFILE_VERSION && Array.isArray(profile.columns)) {
    throw new Error(`${path} is a column profile of version ${profile.version}, saved by a newer sluice than this one (which reads versions 1 to ${PROFILE_VERSION}). Upgrade sluice, or save the baseline again with this one (run({ saveProfile })).`);
  }
  if ((profile.version !== 1 && profile.version !== PROFILE_VERSION) || !Array.isArray(profile.columns)) {
    throw new Error(`${path} is not a sluice column profile (expected { version: ${PROFILE_VERSION}, columns: [...] }, as run({ saveProfile }) writes).`);
  }
  return profile;
}
