/**
 * Partitions whose content identity changed but whose stored rows are the rows about to be
 * written, up to the last bits of floating-point sums.
 *
 * Why: DuckDB sums doubles on several threads, and which rows each thread takes varies from
 * run to run, so a sum, mean or stddev over the same rows can differ in its last bits (6 runs
 * of one grouped sum over 1M doubles gave 4 different answers). The content identity hashes
 * exact values, so such a re-run would rewrite partitions that hold the same features. A
 * partition is kept when every stored row has its counterpart (same key, same values; doubles
 * within 1e-12 relative, or a column's own tolerance) and no row is added or missing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printerFor } from '../../sql/dialects.js';

export interface PartitionCandidate {
  readonly dt: string;
  /** Rows the write would put in the partition. */
  readonly rows: number;
  /** The partition's stored files (local paths). */
  readonly files: readonly string[];
}

/** Relative difference two doubles may have and still count as the same feature value (unless the column has its own). */
const RELATIVE_TOLERANCE = 1e-12;

/**
 * @example
 * ```ts
 * const same = await partitionsEqualWithinRounding(connection, {
 *   source: '(SELECT *, strftime(feature_ts, \'%Y-%m-%d\') AS "__dt" FROM feature_rows)',
 *   keys: ['entity_id', 'feature_ts'],
 *   candidates: [{ dt: '2024-01-05', rows: 1200, files: ['store/…/dt=2024-01-05/part-1a2b.parquet'] }],
 * });
 * same.has('2024-01-05'); // true when only the last bits of some doubles differ
 * ```
 */
export async function partitionsEqualWithinRounding(
  connection: DuckDBConnection,
  options: {
    readonly source: string;
    readonly keys: readonly string[];
    readonly candidates: readonly PartitionCandidate[];
    /** Relative tolerance by column, for doubles that carry more than last-bit noise. */
    readonly tolerance?: Readonly<Record<string, number>>;
  },
): Promise<Set<string>> {
  const candidates = options.candidates.filter((c) => c.files.length > 0 && c.rows > 0);
  if (candidates.length === 0 || options.keys.length === 0) return new Set();
  const p = printerFor('duckdb');
  const q = (name: string): string => p.quoteIdentifier(name);
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * EXCLUDE ("__dt") FROM ${options.source}`);
  const columns = described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type).toUpperCase() }));
  const values = columns.filter((c) => !options.keys.includes(c.name));
  const same = (c: { name: string; type: string }): string => {
    const a = `a.${q(c.name)}`;
    const b = `b.${q(c.name)}`;
    if (c.type !== 'DOUBLE' && c.type !== 'FLOAT') return `${a} IS NOT DISTINCT FROM ${b}`;
    const tolerance = options.tolerance?.[c.name] ?? RELATIVE_TOLERANCE;
    return `(${a} IS NOT DISTINCT FROM ${b} OR (isnan(${a}) AND isnan(${b})) OR abs(${a} - ${b}) <= ${tolerance} * greatest(abs(${a}), abs(${b})))`;
  };
  const fileToDt = candidates.flatMap((c) => c.files.map((f) => `(${p.stringLiteral(f)}, ${p.stringLiteral(c.dt)})`)).join(', ');
  const files = candidates.flatMap((c) => c.files).map((f) => p.stringLiteral(f)).join(', ');
  // Stored files of another definition (a feature added, removed or renamed, a window changed)
  // hold other columns: none of their partitions is the same, and the comparison below could not
  // even name the new columns in them (it failed the run with a Binder Error).
  const stored = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${files}], union_by_name = true, hive_partitioning = false)`);
  const storedColumns = new Map(stored.getRowObjectsJS().map((r) => [String(r.column_name), String(r.column_type).toUpperCase()]));
  const sameColumns = storedColumns.size === columns.length && columns.every((c) => storedColumns.get(c.name) === c.type);
  if (!sameColumns) return new Set();
  const dts = candidates.map((c) => p.stringLiteral(c.dt)).join(', ');
  const keyMatch = options.keys.map((k) => `a.${q(k)} IS NOT DISTINCT FROM b.${q(k)}`).join(' AND ');
  const list = columns.map((c) => q(c.name)).join(', ');
  const sql = `
    WITH stored AS (
      SELECT f."__dt", ${columns.map((c) => `s.${q(c.name)}`).join(', ')}
      FROM read_parquet([${files}], filename = true, union_by_name = true) AS s
      JOIN (VALUES ${fileToDt}) AS f(path, "__dt") ON s.filename = f.path),
    fresh AS (SELECT "__dt", ${list} FROM ${options.source} WHERE "__dt" IN (${dts}))
    SELECT coalesce(a."__dt", b."__dt") AS dt,
      count(*) FILTER (WHERE a."__dt" IS NULL OR b."__dt" IS NULL${values.length ? ` OR NOT (${values.map(same).join(' AND ')})` : ''}) AS differing,
      count(a."__dt") AS fresh_rows, count(b."__dt") AS stored_rows
    FROM fresh AS a FULL JOIN stored AS b ON a."__dt" = b."__dt" AND ${keyMatch}
    GROUP BY ALL`;
  const reader = await connection.runAndReadAll(sql);
  const wanted = new Map(candidates.map((c) => [c.dt, c.rows]));
  const unchanged = new Set<string>();
  for (const row of reader.getRowObjectsJS()) {
    const dt = String(row.dt);
    // Equal counts on both sides rule out a key matching twice (a duplicated row on one side).
    if (Number(row.differing) === 0 && Number(row.fresh_rows) === wanted.get(dt) && Number(row.stored_rows) === wanted.get(dt)) unchanged.add(dt);
  }
  return unchanged;
}
