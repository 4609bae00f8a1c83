/**
 * Valid rows of one segment → one Parquet file (flat-parquet-writer.ts: pure JS, nothing
 * native enters the Lambda bundle, and the bytes hyparquet-writer would write). Types follow the schema: string → UTF8, number → DOUBLE,
 * integer → INT64, boolean → BOOLEAN, timestamp → TIMESTAMP (millis, UTC). Lineage columns
 * `_object` (s3://bucket/key), `_line` and `_line_index` (the record's place among those
 * starting on its line) come last: the aggregate stage breaks first/last ties by them.
 *
 * A column whose type the definition cannot tell (a `.map()` without declared types) gets its
 * type once per object, from the first segment with a value in it: numbers → DOUBLE (never
 * INT64), booleans, Dates, else text (objects as JSON). The caller keeps that decision for the
 * rest of the object (in its checkpoint), so every file of an object agrees — Spark's
 * mergeSchema fails on one column typed two ways. Until a value has been seen the column is
 * left out of the file rather than guessed: a missing column merges with any type (it reads
 * as null), a guessed STRING does not merge with a later DOUBLE.
 */
import type { ScalarType } from '../plan/expression-node.js';
import { writeFlatParquet, type FlatColumn } from './flat-parquet-writer.js';
import type { OutputColumn } from './row-transformer.js';

export interface ValidRow {
  readonly line: number;
  /** The record's place among the records that start on its line (1 unless JSON records share the line); default 1. */
  readonly lineIndex?: number;
  readonly row: Readonly<Record<string, unknown>>;
}

export type ParquetType = 'STRING' | 'DOUBLE' | 'INT64' | 'BOOLEAN' | 'TIMESTAMP';

/** The Parquet types decided so far for one object's columns of undeclared type (by column name). */
export type ObjectColumnTypes = Record<string, ParquetType>;

/**
 * Encodes rows as a Parquet file.
 *
 * @example
 * ```ts
 * const bytes = writeParquetSegment([{ line: 1, row: { a: 1 } }], [{ name: 'a', type: 'integer' }], 's3://landing/x.jsonl', { pipeline: 'p' });
 * ```
 */
export function writeParquetSegment(
  rows: readonly ValidRow[],
  columns: readonly OutputColumn[] | undefined,
  objectUri: string,
  metadata: Readonly<Record<string, string>>,
  objectTypes: ObjectColumnTypes = {},
): Uint8Array {
  const effective = columns ?? columnsFromRows(rows);
  const values = effective.map((column) => {
    const out = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = rows[i]!.row[column.name];
    return out;
  });
  return writeParquetColumns(effective, values, rows.map((r) => r.line), objectUri, metadata, objectTypes, rows.map((r) => r.lineIndex ?? 1));
}

/**
 * Encodes rows held column by column (`values[c][i]` is column `c` of row `i`, whose input
 * line is `lines[i]`, where it is record `lineIndexes[i]` of those starting there) as a Parquet file: the same file `writeParquetSegment` writes for those
 * rows. The event stage buffers segments this way, so that row objects die young instead of
 * surviving — and being copied by the garbage collector — until the segment is written.
 * `objectTypes` holds the types decided for the object's undeclared columns; types decided
 * here are added to it.
 *
 * @example
 * ```ts
 * const types = {};
 * const bytes = writeParquetColumns([{ name: 'a', type: 'unknown' }], [[1.5, null]], [1, 2], 's3://landing/x.jsonl', {}, types);
 * // types: { a: 'DOUBLE' }
 * ```
 */
export function writeParquetColumns(
  columns: readonly OutputColumn[],
  values: readonly unknown[][],
  lines: readonly number[],
  objectUri: string,
  metadata: Readonly<Record<string, string>>,
  objectTypes: ObjectColumnTypes = {},
  lineIndexes?: readonly number[],
): Uint8Array {
  const flat: FlatColumn[] = [];
  columns.forEach((column, c) => {
    const raw = values[c]!;
    const type = parquetType(column, raw, objectTypes);
    if (type === undefined) return;
    flat.push({ name: column.name, type, values: storedValues(raw, type) });
  });
  flat.push({ name: '_object', type: 'STRING', values: new Array<string>(lines.length).fill(objectUri) });
  let ascending = true;
  for (let i = 1; i < lines.length && ascending; i++) if (lines[i]! <= lines[i - 1]!) ascending = false;
  // Distinct line numbers (they only grow within a file) never make a dictionary worth it.
  flat.push({ name: '_line', type: 'INT64', values: lines, ...(ascending ? { plain: true } : {}) });
  // Almost always 1 (one record per line): a dictionary of one value, a few bytes per file.
  flat.push({ name: '_line_index', type: 'INT32', values: lineIndexes ?? new Array<number>(lines.length).fill(1) });
  return writeFlatParquet(flat, { kvMetadata: metadata, rowGroupSize: 100_000 });
}

/** A column's values as the writer stores them for its type (flat-parquet-writer.ts, FlatColumn). */
function storedValues(raw: readonly unknown[], type: ParquetType): unknown[] {
  const out = new Array<unknown>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = convert(raw[i], type);
  return out;
}

function columnsFromRows(rows: readonly ValidRow[]): OutputColumn[] {
  const names = new Set<string>();
  for (const r of rows) for (const name of Object.keys(r.row)) names.add(name);
  return [...names].map((name) => ({ name, type: 'unknown' as ScalarType }));
}

/** The column's type: declared, else decided earlier in the object, else decided now; undefined while only nulls were seen. */
function parquetType(column: OutputColumn, values: readonly unknown[], objectTypes: ObjectColumnTypes): ParquetType | undefined {
  switch (column.type) {
    case 'string': return 'STRING';
    case 'number': return 'DOUBLE';
    case 'integer': return 'INT64';
    case 'boolean': return 'BOOLEAN';
    case 'timestamp': return 'TIMESTAMP';
    default: {
      const decided = objectTypes[column.name];
      if (decided) return decided;
      const present = values.filter((v) => v !== null && v !== undefined);
      if (present.length === 0) return undefined;
      const inferred: ParquetType = present.every((v) => typeof v === 'number') ? 'DOUBLE'
        : present.every((v) => typeof v === 'boolean') ? 'BOOLEAN'
        : present.every((v) => v instanceof Date) ? 'TIMESTAMP'
        : 'STRING';
      objectTypes[column.name] = inferred;
      return inferred;
    }
  }
}

/** The largest magnitude of a Date's time value (ECMAScript TimeClip). */
const MAX_DATE_MS = 8.64e15;

function convert(value: unknown, type: ParquetType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'DOUBLE':
      return typeof value === 'number' ? value : Number(value);
    case 'INT64': {
      if (typeof value === 'bigint') return value;
      // Integral doubles past 2^53 (a derived column's product) are stored exactly as the integers they are.
      const integer = Math.trunc(Number(value));
      return Number.isSafeInteger(integer) ? integer : BigInt(integer);
    }
    case 'BOOLEAN':
      return Boolean(value);
    case 'TIMESTAMP':
      return timestampMillis(value);
  }
}

/** A timestamp value's milliseconds as the writer stores them (TIMESTAMP_MILLIS); null for null. */
function timestampMillis(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  // An integral number in the Date range is what new Date() would keep: no Date per value.
  if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_DATE_MS) return value;
  // What the writer would compute from the Date.
  const date = value instanceof Date ? value : new Date(value as string | number);
  return date.getTime();
}
