/**
 * Valid rows of one segment → one Parquet file (hyparquet-writer, pure JS: nothing native
 * enters the Lambda bundle). Types follow the schema: string → UTF8, number → DOUBLE,
 * integer → INT64, boolean → BOOLEAN, timestamp → TIMESTAMP (millis, UTC). Lineage columns
 * `_object` (s3://bucket/key) and `_line` come last: the aggregate stage breaks first/last ties
 * by them.
 *
 * A column whose type the definition cannot tell (a `.map()` without declared types) gets its
 * type once per object, from the first segment with a value in it: numbers → DOUBLE (never
 * INT64), booleans, Dates, else text (objects as JSON). The caller keeps that decision for the
 * rest of the object (in its checkpoint), so every file of an object agrees — Spark's
 * mergeSchema fails on one column typed two ways. Until a value has been seen the column is
 * left out of the file rather than guessed: a missing column merges with any type (it reads
 * as null), a guessed STRING does not merge with a later DOUBLE.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ScalarType } from '../plan/expression-node.js';
import type { OutputColumn } from './row-transformer.js';

export interface ValidRow {
  readonly line: number;
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
  return writeParquetColumns(effective, values, rows.map((r) => r.line), objectUri, metadata, objectTypes);
}

/**
 * Encodes rows held column by column (`values[c][i]` is column `c` of row `i`, whose input
 * line is `lines[i]`) as a Parquet file: the same file `writeParquetSegment` writes for those
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
): Uint8Array {
  const columnData: { name: string; data: unknown[]; type: ParquetType }[] = [];
  columns.forEach((column, c) => {
    const raw = values[c]!;
    const type = parquetType(column, raw, objectTypes);
    if (type === undefined) return;
    const converted = new Array<unknown>(raw.length);
    for (let i = 0; i < raw.length; i++) converted[i] = convert(raw[i], type);
    columnData.push({ name: column.name, data: type === 'STRING' ? utf8Values(converted as (string | null)[]) : converted, type });
  });
  columnData.push({ name: '_object', data: new Array<string>(lines.length).fill(objectUri), type: 'STRING' });
  const lineValues = new Array<bigint>(lines.length);
  for (let i = 0; i < lines.length; i++) lineValues[i] = BigInt(lines[i]!);
  columnData.push({ name: '_line', data: lineValues, type: 'INT64' });
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    rowGroupSize: 100_000,
  });
  return new Uint8Array(buffer);
}

/**
 * A text column the writer will store PLAIN (mostly distinct values, like ids), as UTF-8 bytes
 * encoded in one pass into one buffer. hyparquet-writer otherwise encodes each such value
 * into its own small buffer, which dominated the time and garbage of a segment. A column the
 * writer may dictionary-encode is left as strings (it then encodes only the dictionary), and
 * so is any non-ASCII column: for ASCII the writer's size estimates (string length vs byte
 * length) agree, so the file is byte-for-byte the one it writes from the strings.
 */
function utf8Values(values: readonly (string | null)[]): (string | Uint8Array | null)[] {
  if (!mostlyDistinct(values)) return values as (string | null)[];
  const present = values.filter((v): v is string => v !== null);
  const text = present.join('');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length !== text.length) return values as (string | null)[];
  const all = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Array<Uint8Array | null>(values.length);
  let offset = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    out[i] = all.subarray(offset, (offset += v.length));
  }
  return out;
}

/**
 * A cheap guess at hyparquet-writer's own first test for a dictionary (useDictionary in its
 * dictionary.js: distinct bytes above 90% of all bytes in a sample mean PLAIN), over fewer
 * values. A wrong guess costs time only: for ASCII text the file is the same either way.
 */
function mostlyDistinct(values: readonly (string | null)[]): boolean {
  const sampleSize = Math.min(values.length, 128);
  const seen = new Set<string>();
  let distinctSize = 0;
  let totalSize = 0;
  for (let i = 0; i < sampleSize; i++) {
    const v = values[sampleSize === 1 ? 0 : Math.floor((i * (values.length - 1)) / (sampleSize - 1))];
    if (v === null || v === undefined) continue;
    const size = v.length + 4;
    if (!seen.has(v)) {
      seen.add(v);
      distinctSize += size;
    }
    totalSize += size;
  }
  return totalSize > 0 && distinctSize / totalSize > 0.9;
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

function convert(value: unknown, type: ParquetType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'DOUBLE':
      return typeof value === 'number' ? value : Number(value);
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
    case 'BOOLEAN':
      return Boolean(value);
    case 'TIMESTAMP': {
      // Milliseconds as the writer stores them (TIMESTAMP_MILLIS): what it would compute from the Date.
      const date = value instanceof Date ? value : new Date(value as string | number);
      return BigInt(date.getTime());
    }
  }
}
