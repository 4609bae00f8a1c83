/**
 * Valid rows of one segment → one Parquet file (hyparquet-writer, pure JS: nothing native
 * enters the Lambda bundle). Types follow the schema: string → UTF8, number → DOUBLE,
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
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { ScalarType } from '../plan/expression-node.js';
import { numericSampleRulesOutDictionary, sampleRulesOutDictionary, stringDictionaryWins } from './dictionary-choice.js';
import { snappyCompress } from './snappy-compress.js';
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
  const columnData: ColumnSource[] = [];
  columns.forEach((column, c) => {
    const raw = values[c]!;
    const type = parquetType(column, raw, objectTypes);
    if (type === undefined) return;
    columnData.push(columnSource(column.name, type, raw));
  });
  columnData.push({ name: '_object', data: new Array<string>(lines.length).fill(objectUri), type: 'STRING' });
  const lineValues = new Array<bigint>(lines.length);
  let ascending = true;
  for (let i = 0; i < lines.length; i++) {
    lineValues[i] = BigInt(lines[i]!);
    if (i > 0 && lines[i]! <= lines[i - 1]!) ascending = false;
  }
  // Distinct line numbers (they only grow within a file) always fail the writer's dictionary sample.
  const linesPlain = ascending || sampleRulesOutDictionary(lineValues, identity, eightBytes);
  columnData.push({ name: '_line', data: lineValues, type: 'INT64', ...(linesPlain ? { encoding: 'PLAIN' as const } : {}) });
  // Almost always 1 (one record per line): a dictionary of one value, a few bytes per file.
  columnData.push({ name: '_line_index', data: lineIndexes ? [...lineIndexes] : new Array<number>(lines.length).fill(1), type: 'INT32' });
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    rowGroupSize: 100_000,
    // The writer's Snappy, byte for byte, without its per-byte ByteWriter calls.
    compressors: { SNAPPY: snappyCompress },
  });
  return new Uint8Array(buffer);
}

/**
 * One column for the writer, its values converted to what the writer stores, with
 * `encoding: 'PLAIN'` when its dictionary trial would choose PLAIN anyway
 * (`dictionary-choice.ts`): the file is the one it writes without the hint, minus the trial's
 * time. BOOLEAN columns never get a dictionary; the writer decides those at once.
 */
function columnSource(name: string, type: ParquetType, raw: readonly unknown[]): ColumnSource {
  switch (type) {
    case 'STRING': {
      const strings = convertAll(raw, type) as (string | null)[];
      if (stringDictionaryWins(strings)) return { name, data: strings, type };
      return { name, data: utf8Values(strings), type, encoding: 'PLAIN' };
    }
    case 'DOUBLE': {
      const numbers = convertAll(raw, type) as (number | null)[];
      return numericSampleRulesOutDictionary(numbers) ? { name, data: numbers, type, encoding: 'PLAIN' } : { name, data: numbers, type };
    }
    case 'TIMESTAMP': {
      // Decided on the milliseconds (equal exactly when the bigints are), then made bigints.
      const millis = new Array<number | null>(raw.length);
      for (let i = 0; i < raw.length; i++) millis[i] = timestampMillis(raw[i]);
      const data = new Array<bigint | null>(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const ms = millis[i]!;
        data[i] = ms === null ? null : BigInt(ms);
      }
      return numericSampleRulesOutDictionary(millis) ? { name, data, type, encoding: 'PLAIN' } : { name, data, type };
    }
    case 'INT64': {
      const data = convertAll(raw, type);
      return sampleRulesOutDictionary(data, identity, eightBytes) ? { name, data, type, encoding: 'PLAIN' } : { name, data, type };
    }
    case 'BOOLEAN':
      return { name, data: convertAll(raw, type), type };
  }
}

function convertAll(raw: readonly unknown[], type: ParquetType): unknown[] {
  const converted = new Array<unknown>(raw.length);
  for (let i = 0; i < raw.length; i++) converted[i] = convert(raw[i], type);
  return converted;
}

const identity = (value: unknown): unknown => value;
const eightBytes = (): number => 8;

/**
 * A text column the writer will store PLAIN, as UTF-8 bytes encoded in one pass into one
 * buffer. hyparquet-writer otherwise encodes each such value into its own small buffer, which
 * dominated the time and garbage of a segment. A non-ASCII column is left as strings: for
 * ASCII the writer's size estimates (string length vs byte length) agree, so the file is
 * byte-for-byte the one it writes from the strings.
 */
function utf8Values(values: readonly (string | null)[]): (string | Uint8Array | null)[] {
  // join() writes null as nothing: the text is the present values, end to end.
  const text = values.join('');
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
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
    case 'BOOLEAN':
      return Boolean(value);
    case 'TIMESTAMP':
      return BigInt(timestampMillis(value)!);
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
