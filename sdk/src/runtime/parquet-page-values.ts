/**
 * The values of one Parquet data page of a scalar column (parquet-flat-column.ts), decoded from
 * its encoding straight into what zod sees: the same values `columnConverters` makes of
 * hyparquet's for that column (parquet-row-values.ts), without a Uint8Array or a bigint per value
 * on the way. hyparquet's own decoders fill typed arrays where it has them (RLE runs, DELTA
 * integers, byte stream split).
 */
import { isAscii } from 'node:buffer';
import type { DataReader, Encoding } from 'hyparquet';
import { deltaBinaryUnpack } from 'hyparquet/src/delta.js';
import { byteStreamSplit, readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { PARQUET_PARSERS, parquetText } from './parquet-row-values.js';

/** What a column's values become, by physical type and annotation (see flatColumnKind). */
export type ScalarKind = 'boolean' | 'int32' | 'date' | 'int64' | 'millis' | 'micros' | 'nanos' | 'int96' | 'float' | 'double' | 'text';

type Int64Kind = 'int64' | 'millis' | 'micros' | 'nanos';

const isInt64Kind = (kind: ScalarKind): kind is Int64Kind => kind === 'int64' || kind === 'millis' || kind === 'micros' || kind === 'nanos';
const isInt32Kind = (kind: ScalarKind): boolean => kind === 'int32' || kind === 'date';

/**
 * Whether `pageValues` decodes a data page of this encoding for this kind. Dictionary pages
 * need the chunk's dictionary; a dictionary-encoded boolean page is hyparquet's (it reads one
 * without its bit-width byte).
 *
 * @example
 * ```ts
 * decodesEncoding('DELTA_BINARY_PACKED', 'micros', false) // true
 * decodesEncoding('DELTA_BYTE_ARRAY', 'text', false) // false: left to hyparquet
 * ```
 */
export function decodesEncoding(encoding: Encoding, kind: ScalarKind, hasDictionary: boolean): boolean {
  switch (encoding) {
    case 'PLAIN':
      return true;
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY':
      return hasDictionary && kind !== 'boolean';
    case 'RLE':
      return kind === 'boolean';
    case 'DELTA_BINARY_PACKED':
      return isInt32Kind(kind) || isInt64Kind(kind);
    case 'DELTA_LENGTH_BYTE_ARRAY':
      return kind === 'text';
    case 'BYTE_STREAM_SPLIT':
      return kind === 'float' || kind === 'double';
    default:
      return false;
  }
}

/**
 * `count` values of a page's value section (`data`, levels already read), as zod sees them.
 *
 * @example
 * ```ts
 * pageValues(new Uint8Array([1, 0, 0, 0]), 'PLAIN', 'int32', 1, undefined) // [1]
 * ```
 * @throws Error when the page holds fewer values than it says, or a dictionary index is past the dictionary.
 */
export function pageValues(data: Uint8Array, encoding: Encoding, kind: ScalarKind, count: number, dictionary: readonly unknown[] | undefined): unknown[] {
  switch (encoding) {
    case 'PLAIN':
      return plainValues(data, kind, count);
    case 'RLE':
      return rleBooleans(data, count);
    case 'DELTA_BINARY_PACKED':
      return deltaIntegers(data, kind, count);
    case 'DELTA_LENGTH_BYTE_ARRAY':
      return deltaLengthTexts(data, count);
    case 'BYTE_STREAM_SPLIT':
      return streamSplitFloats(data, kind, count);
    default:
      return dictionaryValues(data, count, dictionary!);
  }
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Typed arrays hold numbers in the host's byte order; a DataView over one must read in it. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const fewer = (count: number): Error => new Error(`a page holds fewer than its ${count} values`);

function plainValues(data: Uint8Array, kind: ScalarKind, count: number): unknown[] {
  if (kind === 'text') return plainTexts(data, count);
  const view = viewOf(data);
  const values = new Array<unknown>(count);
  const width = kind === 'boolean' ? 1 / 8 : kind === 'int96' ? 12 : isInt64Kind(kind) || kind === 'double' ? 8 : 4;
  if (Math.ceil(width * count) > data.byteLength) throw fewer(count);
  switch (kind) {
    case 'boolean':
      for (let i = 0; i < count; i++) values[i] = ((data[i >> 3]! >> (i & 7)) & 1) === 1;
      return values;
    case 'int32':
      for (let i = 0; i < count; i++) values[i] = view.getInt32(4 * i, true);
      return values;
    case 'date':
      for (let i = 0; i < count; i++) values[i] = PARQUET_PARSERS.dateFromDays!(view.getInt32(4 * i, true));
      return values;
    case 'float':
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
      return values;
    case 'double':
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(8 * i, true);
      return values;
    case 'int96':
      for (let i = 0; i < count; i++) values[i] = int96Value(view, 12 * i);
      return values;
    default:
      for (let i = 0; i < count; i++) values[i] = int64Value(view, 8 * i, kind as Int64Kind, true);
      return values;
  }
}

const TWO_TO_32 = 4294967296;

/**
 * An INT64 as the converters make it. Its halves give the value in doubles exactly wherever it
 * is a safe integer (a rounded sum is unsafe exactly when the true one is, since ±2^53 are
 * doubles); beyond that the bigint is read, as hyparquet would.
 */
function int64Value(view: DataView, at: number, kind: Int64Kind, littleEndian: boolean): unknown {
  const low = view.getUint32(littleEndian ? at : at + 4, littleEndian);
  const high = view.getInt32(littleEndian ? at + 4 : at, littleEndian);
  const n = high * TWO_TO_32 + low;
  const safe = Number.isSafeInteger(n);
  switch (kind) {
    case 'int64':
      return safe ? n : view.getBigInt64(at, littleEndian);
    case 'millis':
      return safe ? new Date(n) : PARQUET_PARSERS.timestampFromMilliseconds!(view.getBigInt64(at, littleEndian));
    case 'micros':
      // As parsers.timestampFromMicroseconds: floored to the millisecond.
      return safe ? new Date(Math.floor(n / 1000)) : PARQUET_PARSERS.timestampFromMicroseconds!(view.getBigInt64(at, littleEndian));
    case 'nanos':
      return PARQUET_PARSERS.timestampFromNanoseconds!(view.getBigInt64(at, littleEndian));
  }
}

const UNIX_EPOCH_JULIAN_DAY = 2440588;
const DAY_MILLIS = 86_400_000;

/**
 * An INT96 instant (Hive's, Impala's, Spark's legacy timestamp, and what Firehose's Parquet
 * conversion writes): nanoseconds of the day (unsigned 64 bits), then the Julian day. Floored to
 * the millisecond, as hyparquet's parsers.timestampFromNanoseconds does with the nanoseconds
 * since 1970, and as DuckDB's microseconds (the nanoseconds of the day divided) floored again
 * come to. In doubles while the nanoseconds of the day are exact in them (a well-formed value,
 * under 86,400 × 10^9, always is).
 */
function int96Value(view: DataView, at: number): Date {
  const high = view.getUint32(at + 4, true);
  const days = view.getInt32(at + 8, true) - UNIX_EPOCH_JULIAN_DAY;
  if (high < 0x200000) return new Date(days * DAY_MILLIS + Math.floor((high * TWO_TO_32 + view.getUint32(at, true)) / 1_000_000));
  return PARQUET_PARSERS.timestampFromNanoseconds!(BigInt(days) * 86_400_000_000_000n + view.getBigUint64(at, true)) as Date;
}

/**
 * PLAIN byte arrays (a 4-byte length before each) as text. A page that is all ASCII, lengths
 * included (values under 128 bytes), is copied out value by value as Latin-1, which is ASCII's
 * text byte for byte; any other page is decoded value by value as strict UTF-8.
 */
function plainTexts(data: Uint8Array, count: number): string[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const ascii = isAscii(bytes);
  const values = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw fewer(count);
    const end = at + 4 + bytes.readUInt32LE(at);
    if (end > bytes.length) throw fewer(count);
    values[i] = ascii ? bytes.toString('latin1', at + 4, end) : parquetText(bytes.subarray(at + 4, end))!;
    at = end;
  }
  return values;
}

/** DELTA_LENGTH_BYTE_ARRAY text: every length (DELTA integers), then every value's bytes. */
function deltaLengthTexts(data: Uint8Array, count: number): string[] {
  const reader: DataReader = { view: viewOf(data), offset: 0 };
  const lengths = new Int32Array(count);
  deltaBinaryUnpack(reader, count, lengths);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const ascii = isAscii(bytes.subarray(reader.offset));
  const values = new Array<string>(count);
  let at = reader.offset;
  for (let i = 0; i < count; i++) {
    const end = at + lengths[i]!;
    if (lengths[i]! < 0 || end > bytes.length) throw fewer(count);
    values[i] = ascii ? bytes.toString('latin1', at, end) : parquetText(bytes.subarray(at, end))!;
    at = end;
  }
  return values;
}

/** DELTA_BINARY_PACKED integers, timestamps and dates. */
function deltaIntegers(data: Uint8Array, kind: ScalarKind, count: number): unknown[] {
  const reader: DataReader = { view: viewOf(data), offset: 0 };
  const values = new Array<unknown>(count);
  if (isInt64Kind(kind)) {
    const decoded = new BigInt64Array(count);
    deltaBinaryUnpack(reader, count, decoded);
    const view = new DataView(decoded.buffer);
    for (let i = 0; i < count; i++) values[i] = int64Value(view, 8 * i, kind, HOST_LITTLE_ENDIAN);
    return values;
  }
  const decoded = new Int32Array(count);
  deltaBinaryUnpack(reader, count, decoded);
  for (let i = 0; i < count; i++) values[i] = kind === 'date' ? PARQUET_PARSERS.dateFromDays!(decoded[i]!) : decoded[i]!;
  return values;
}

/** BYTE_STREAM_SPLIT floats: hyparquet joins the byte streams back into little-endian values. */
function streamSplitFloats(data: Uint8Array, kind: ScalarKind, count: number): unknown[] {
  const width = kind === 'double' ? 8 : 4;
  if (width * count > data.byteLength) throw fewer(count);
  const joined = byteStreamSplit({ view: viewOf(data), offset: 0 }, count, kind === 'double' ? 'DOUBLE' : 'FLOAT', undefined) as Float32Array | Float64Array;
  return Array.from(joined);
}

/** Booleans of the RLE encoding (a 4-byte length, then the hybrid runs of 1-bit values). */
function rleBooleans(data: Uint8Array, count: number): unknown[] {
  const bits = new Uint8Array(count);
  readRleBitPackedHybrid({ view: viewOf(data), offset: 0 }, 1, bits);
  return Array.from(bits, (b) => b === 1);
}

/** Dictionary indices (a bit-width byte, then RLE/bit-packed runs) looked up in the chunk's dictionary. */
function dictionaryValues(data: Uint8Array, count: number, dictionary: readonly unknown[]): unknown[] {
  const indices = new Int32Array(count);
  if (count > 0) {
    const width = data[0]!;
    if (width > 32) throw new Error(`a dictionary page's bit width is ${width}`);
    if (width > 0) readRleBitPackedHybrid({ view: viewOf(data), offset: 1 }, width, indices, data.byteLength - 1);
  }
  const values = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (index < 0 || index >= dictionary.length) throw new Error(`a dictionary index (${index}) is past the dictionary's ${dictionary.length} values`);
    values[i] = dictionary[index];
  }
  return values;
}

/**
 * A dictionary page's values (PLAIN), as zod sees them.
 *
 * @example
 * ```ts
 * dictionaryPageValues(page, 'text', 3) // ['view', 'click', 'purchase']
 * ```
 */
export function dictionaryPageValues(data: Uint8Array, kind: ScalarKind, count: number): unknown[] {
  return plainValues(data, kind, count);
}
