/**
 * Several Parquet files are read as one table (UNION ALL BY NAME), and DuckDB gives each column
 * one type across them, casting each file's values to it. Validation must judge a row as zod
 * judges the row of its own file, so a cast may only widen without changing a value: INTEGER
 * to BIGINT or DOUBLE, FLOAT to DOUBLE, DATE to TIMESTAMP. A cast that changes values (1 into
 * "1" when another file has text, 9007199254740993 into 9007199254740992 when another has
 * DOUBLE) or cannot be done at all (INTEGER into INTEGER[], which throws mid-scan) makes the
 * file a conflict: it is quarantined whole, with the reason, and the rest of the batch runs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printerFor } from '../../sql/dialects.js';

const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [-(2n ** 7n), 2n ** 7n - 1n], SMALLINT: [-(2n ** 15n), 2n ** 15n - 1n], INTEGER: [-(2n ** 31n), 2n ** 31n - 1n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n], HUGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
  UTINYINT: [0n, 2n ** 8n - 1n], USMALLINT: [0n, 2n ** 16n - 1n], UINTEGER: [0n, 2n ** 32n - 1n], UBIGINT: [0n, 2n ** 64n - 1n], UHUGEINT: [0n, 2n ** 128n - 1n],
};
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Instants whose every value is a TIMESTAMP value too (zod sees the same Date). */
const TIMESTAMP_SUBTYPES = new Set(['DATE', 'TIMESTAMP_S', 'TIMESTAMP_MS']);

/** How a column of type `from` fares cast to `to`: unchanged, unchanged for values within ±(2^53 - 1), or changed. */
export type Widening = 'exact' | 'exact-within-safe-integers' | 'lossy';

/**
 * Whether DuckDB's cast from one column type to another keeps every value as zod would see it.
 *
 * @example
 * ```ts
 * widening('INTEGER', 'DOUBLE')   // 'exact'
 * widening('BIGINT', 'DOUBLE')    // 'exact-within-safe-integers'
 * widening('INTEGER', 'VARCHAR')  // 'lossy'
 * ```
 */
export function widening(from: string, to: string): Widening {
  const a = from.toUpperCase();
  const b = to.toUpperCase();
  if (a === b) return 'exact';
  const range = INTEGER_RANGES[a];
  if (range) {
    const target = INTEGER_RANGES[b];
    if (target) return target[0] <= range[0] && range[1] <= target[1] ? 'exact' : 'lossy';
    if (b === 'DOUBLE') return -MAX_SAFE <= range[0] && range[1] <= MAX_SAFE ? 'exact' : 'exact-within-safe-integers';
    return 'lossy';
  }
  if (a === 'FLOAT' && b === 'DOUBLE') return 'exact';
  if (TIMESTAMP_SUBTYPES.has(a) && b === 'TIMESTAMP') return 'exact';
  const da = decimal(a);
  const db = decimal(b);
  // zod sees a decimal as the nearest double, which is what DuckDB's cast to DOUBLE gives.
  if (da && b === 'DOUBLE') return 'exact';
  if (da && db) return db.scale >= da.scale && db.precision - db.scale >= da.precision - da.scale ? 'exact' : 'lossy';
  return 'lossy';
}

function decimal(type: string): { precision: number; scale: number } | undefined {
  const m = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/** A file's columns, name → DuckDB type. */
export type FileColumns = ReadonlyMap<string, string>;

/** A Parquet file's top-level columns, under the file's own names. */
export interface ParquetFileColumns {
  /** Own name → DuckDB type. */
  readonly columns: FileColumns;
  /**
   * Own name → the name DuckDB reads it under, where they differ: DuckDB renames a column whose
   * name another one of the file has but for case (`id`, `ID` are read as `id`, `ID_1`).
   */
  readonly duckNames: ReadonlyMap<string, string>;
}

/**
 * Reads a Parquet file's column names and types (the footer only).
 *
 * @example
 * ```ts
 * await parquetColumns(connection, '/data/a.parquet') // { columns: Map { 'user' => 'VARCHAR', 'x' => 'DOUBLE' }, duckNames: Map {} }
 * await parquetColumns(connection, '/data/b.parquet') // { columns: Map { 'id' => 'INTEGER', 'ID' => 'VARCHAR' }, duckNames: Map { 'ID' => 'ID_1' } }
 * ```
 */
export async function parquetColumns(connection: DuckDBConnection, path: string): Promise<ParquetFileColumns> {
  const p = printerFor('duckdb');
  const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${p.stringLiteral(path)})`)).getRows().map((r) => [String(r[0]), String(r[1])] as const);
  const own = await topLevelNames(connection, path);
  // Positions line up (DuckDB keeps the file's column order); should they not, DuckDB's names stand.
  if (own.length !== described.length) return { columns: new Map(described), duckNames: new Map() };
  const duckNames = new Map(described.flatMap(([duck], i) => (duck === own[i] ? [] : [[own[i]!, duck] as const])));
  return { columns: new Map(described.map(([, type], i) => [own[i]!, type])), duckNames };
}

/** The file's top-level column names as written, from its schema elements (depth-first, each with its number of children). */
async function topLevelNames(connection: DuckDBConnection, path: string): Promise<string[]> {
  const p = printerFor('duckdb');
  const elements = (await connection.runAndReadAll(`SELECT name, num_children FROM parquet_schema(${p.stringLiteral(path)})`)).getRows()
    .map((r) => ({ name: String(r[0]), children: Number(r[1] ?? 0) }));
  const names: string[] = [];
  // Skips an element and all below it; returns the index after them.
  const skip = (at: number): number => {
    let next = at + 1;
    for (let c = 0; c < (elements[at]?.children ?? 0); c++) next = skip(next);
    return next;
  };
  for (let at = 1, c = 0; c < (elements[0]?.children ?? 0) && at < elements.length; c++) {
    names.push(elements[at]!.name);
    at = skip(at);
  }
  return names;
}

/**
 * The files whose values the combined table's column types would change, each with the reason.
 * `tableTypes` are the combined table's column types (from DESCRIBE of the view); a column is
 * matched without regard to case, as UNION BY NAME matches it.
 *
 * @example
 * ```ts
 * const conflicts = await typeConflicts(connection, files, new Map([['x', 'VARCHAR']]));
 * // [{ object: 'a.parquet', error: 'column "x" is INTEGER in this file but VARCHAR in the combined table …' }]
 * ```
 */
export async function typeConflicts(
  connection: DuckDBConnection,
  files: readonly { object: string; path: string; columns: FileColumns }[],
  tableTypes: ReadonlyMap<string, string>,
): Promise<{ object: string; error: string }[]> {
  const p = printerFor('duckdb');
  const byLowerName = new Map([...tableTypes].map(([name, type]) => [name.toLowerCase(), { name, type }]));
  const conflicts: { object: string; error: string }[] = [];
  for (const f of files) {
    for (const [column, type] of f.columns) {
      const target = byLowerName.get(column.toLowerCase());
      if (!target) continue;
      const kind = widening(type, target.type);
      if (kind === 'exact') continue;
      if (kind === 'exact-within-safe-integers') {
        const c = p.quoteIdentifier(column);
        const outside = (await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${p.stringLiteral(f.path)}) WHERE ${c} NOT BETWEEN ${-MAX_SAFE} AND ${MAX_SAFE}`)).getRows()[0]![0];
        if (Number(outside) === 0) continue;
        conflicts.push({ object: f.object, error: `column "${column}" is ${type} in this file but ${target.type} in the other files of the source, which cannot hold its values beyond 2^53 exactly. Write the column with one type in every file (e.g. BIGINT), or read this file in a pipeline of its own` });
      } else {
        conflicts.push({ object: f.object, error: `column "${column}" is ${type} in this file but ${target.type} in the other files of the source; sluice reads them as one table, where this file's values would change type. Write the column with one type in every file, or read this file in a pipeline of its own` });
      }
      break;
    }
  }
  return conflicts;
}
