/**
 * A Parquet writer for the event stage's flat columns: it writes, byte for byte, the file that
 * hyparquet-writer's `parquetWriteBuffer` writes from the same columns (same schema, same
 * choice between PLAIN and dictionary encoding, same pages, statistics and footer), in one pass
 * per column instead of many.
 *
 * Why not the library itself: the event stage writes a file per `dt` per segment, often small
 * ones, and the library's generic path (nested-value levels, a dictionary trial per column,
 * per-value statistics comparisons byte by byte, a TextEncoder per string, a slice per page)
 * cost a third of the handler's time. The format work that is not per value — page headers,
 * RLE/bit-packing, the thrift footer, offset indexes — is the library's own code, imported.
 * The property test in test/unit/runtime/flat-parquet-writer.test.ts holds the two writers to
 * identical bytes over random columns, so what Athena, Spark and DuckDB read is unchanged.
 */
import { ByteWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { writeIndexes } from 'hyparquet-writer/src/indexes.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { snappyCompress } from './snappy-compress.js';

// The footer's types as the library's own functions take them (it carries its own hyparquet).
type FileMetaData = Parameters<typeof writeMetadata>[1];
type RowGroup = FileMetaData['row_groups'][number];
type ColumnChunk = RowGroup['columns'][number];
type SchemaElement = FileMetaData['schema'][number];
type PageIndexes = Parameters<typeof writeIndexes>[1][number];

export type FlatParquetType = 'STRING' | 'DOUBLE' | 'INT64' | 'INT32' | 'BOOLEAN' | 'TIMESTAMP';

/**
 * One column. Values by type (null or undefined for a missing value):
 * STRING strings; DOUBLE numbers; INT64 safe-integer numbers or bigints; INT32 integers;
 * BOOLEAN booleans; TIMESTAMP epoch milliseconds (safe-integer numbers, stored as
 * TIMESTAMP_MILLIS).
 */
export interface FlatColumn {
  readonly name: string;
  readonly type: FlatParquetType;
  readonly values: ArrayLike<unknown>;
  /** The caller knows the dictionary would lose (the library's `encoding: 'PLAIN'`): skip its trial. */
  readonly plain?: boolean;
}

export interface FlatParquetOptions {
  readonly kvMetadata?: Readonly<Record<string, string>>;
  /** Rows per row group (default 100,000). */
  readonly rowGroupSize?: number;
  /** Estimated bytes per data page before a new one starts (default 1 MiB, the library's). */
  readonly pageSize?: number;
}

const PAR1 = 0x31524150;
/** useDictionary's sample: up to 1000 values spread over the chunk; above 90% distinct bytes means PLAIN. */
const SAMPLE_SIZE = 1000;
const SAMPLE_REJECTION_RATIO = 0.9;

/**
 * Writes the columns (all of the same length) as one Parquet file.
 *
 * @example
 * ```ts
 * const bytes = writeFlatParquet([
 *   { name: 'user_id', type: 'STRING', values: ['u1', 'u2', null] },
 *   { name: 'ts', type: 'TIMESTAMP', values: [1704067200000, 1704067260000, 1704067320000] },
 * ], { kvMetadata: { 'sluice.pipeline': 'engagement' } });
 * ```
 */
export function writeFlatParquet(columns: readonly FlatColumn[], options: FlatParquetOptions = {}): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (c.values.length !== rows) throw new Error(`parquet columns must have the same length: ${c.name} has ${c.values.length} values, ${columns[0]!.name} has ${rows}`);
  }
  const schema = schemaFromColumnData({ columnData: columns.map((c): ColumnSource => ({ name: c.name, data: [], type: c.type })) });
  const writer = new ByteWriter();
  writer.appendUint32(PAR1);
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  const pageSize = options.pageSize ?? 1_048_576;
  const rowGroups: RowGroup[] = [];
  const pageIndexes: PageIndexes[] = [];
  for (let start = 0; start < rows; start += rowGroupSize) {
    const end = Math.min(rows, start + rowGroupSize);
    const groupStart = writer.offset;
    const chunks: ColumnChunk[] = [];
    columns.forEach((column, c) => {
      const element = schema[c + 1]!;
      const values = start === 0 && end === rows ? column.values : sliceOf(column.values, start, end);
      const written = writeChunk(writer, column, element, values, pageSize);
      chunks.push(written.chunk);
      pageIndexes.push(written);
    });
    let totalByteSize = 0n;
    for (const chunk of chunks) totalByteSize += chunk.meta_data!.total_uncompressed_size;
    rowGroups.push({ columns: chunks, total_byte_size: totalByteSize, num_rows: BigInt(end - start), total_compressed_size: BigInt(writer.offset - groupStart) });
  }
  writeIndexes(writer, pageIndexes);
  const kv = options.kvMetadata ? Object.entries(options.kvMetadata).map(([key, value]) => ({ key, value })) : undefined;
  const metadata = { version: 2, created_by: 'hyparquet', schema, num_rows: BigInt(rows), row_groups: rowGroups, key_value_metadata: kv } as unknown as FileMetaData;
  writeMetadata(writer, metadata);
  writer.appendUint32(PAR1);
  return new Uint8Array(writer.getBuffer());
}

function sliceOf(values: ArrayLike<unknown>, start: number, end: number): unknown[] {
  const out = new Array<unknown>(end - start);
  for (let i = start; i < end; i++) out[i - start] = values[i];
  return out;
}

/** A column chunk's values, sorted out once: which are present, their statistics, their encoding. */
interface Prepared {
  /** 1 where a value is present, 0 where null (the definition levels). */
  readonly present: Uint8Array;
  readonly nulls: number;
  /** Dictionary encoding: the distinct values in order of first appearance, and each row's index (-1 for null). */
  readonly dictionary?: { readonly entries: unknown[]; readonly indexes: Int32Array };
  readonly statistics: { min_value?: unknown; max_value?: unknown; null_count: bigint; nan_count?: bigint };
  /** Text whose PLAIN values (the column's, or its dictionary's entries) are all ASCII: pages are built as one latin1 string. */
  readonly ascii?: boolean;
}

function writeChunk(writer: ByteWriter, column: FlatColumn, element: SchemaElement, values: ArrayLike<unknown>, pageSize: number) {
  const offsetStart = writer.offset;
  const prepared = prepare(column, values);
  const physical = element.type!;
  let uncompressedSize = 0;
  let dictionaryPageOffset: bigint | undefined;
  const encodings: string[] = [];
  let encoding: string;
  if (prepared.dictionary) {
    dictionaryPageOffset = BigInt(writer.offset);
    uncompressedSize += writeDictionaryPage(writer, column.type, prepared.dictionary.entries, prepared.ascii === true);
    encodings.push('PLAIN');
    encoding = 'RLE_DICTIONARY';
  } else {
    encoding = column.type === 'BOOLEAN' && values.length > 16 ? 'RLE' : 'PLAIN';
  }
  encodings.push(encoding);

  const pages = pageBoundaries(column.type, values, prepared, pageSize);
  const dataPageOffset = BigInt(writer.offset);
  const locations: { offset: bigint; compressed_page_size: number; first_row_index: bigint }[] = [];
  for (const { start, end } of pages) {
    const pageOffset = writer.offset;
    uncompressedSize += writeDataPage(writer, column, values, prepared, start, end, encoding);
    locations.push({ offset: BigInt(pageOffset), compressed_page_size: writer.offset - pageOffset, first_row_index: BigInt(start) });
  }
  const encodingStats = [
    ...(prepared.dictionary ? [{ page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 }] : []),
    { page_type: 'DATA_PAGE_V2', encoding, count: pages.length },
  ];
  const chunk = {
    meta_data: {
      type: physical,
      encodings,
      path_in_schema: [column.name],
      codec: 'SNAPPY',
      num_values: BigInt(values.length),
      total_compressed_size: BigInt(writer.offset - offsetStart),
      total_uncompressed_size: BigInt(uncompressedSize),
      data_page_offset: dataPageOffset,
      dictionary_page_offset: dictionaryPageOffset,
      statistics: prepared.statistics,
      encoding_stats: encodingStats,
    },
    file_offset: BigInt(offsetStart),
  } as unknown as ColumnChunk;
  return { chunk, ...(pages.length > 1 ? { offsetIndex: { page_locations: locations } } : {}) };
}

// ---------------------------------------------------------------- values, statistics, dictionary

function prepare(column: FlatColumn, values: ArrayLike<unknown>): Prepared {
  switch (column.type) {
    case 'STRING': return prepareStrings(values as ArrayLike<string | null | undefined>, column.plain === true);
    case 'BOOLEAN': return prepareBooleans(values as ArrayLike<boolean | null | undefined>);
    default: return prepareNumbers(column.type, values as ArrayLike<number | bigint | null | undefined>, column.plain === true);
  }
}

function presence(values: ArrayLike<unknown>): { present: Uint8Array; nulls: number } {
  const present = new Uint8Array(values.length);
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else present[i] = 1;
  }
  return { present, nulls };
}

/**
 * useDictionary's sample test: true when the sampled distinct bytes exceed 90% of the sampled
 * bytes (then PLAIN). `size` is the library's estimate of a present value, its length prefix included.
 */
function sampleRulesOutDictionary(values: ArrayLike<unknown>, keyOf: (v: unknown) => unknown, size: (v: unknown) => number): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  const seen = new Set<unknown>();
  let distinctSize = 0;
  let totalSize = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleIndex(i, sampleSize, values.length)];
    // A null adds no bytes (the library keys it too, at size 0).
    if (value === null || value === undefined) continue;
    const s = size(value);
    const key = keyOf(value);
    if (!seen.has(key)) {
      seen.add(key);
      distinctSize += s;
    }
    totalSize += s;
  }
  return !totalSize || distinctSize / totalSize > SAMPLE_REJECTION_RATIO;
}

const sampleIndex = (i: number, sampleSize: number, length: number): number => (sampleSize === 1 ? 0 : Math.floor((i * (length - 1)) / (sampleSize - 1)));

/** Scratch space for the numeric sample: one allocation for the process, not one per column. */
const numericSample = new Float64Array(SAMPLE_SIZE);

/**
 * `sampleRulesOutDictionary` for fixed-width numbers: the sample sorted in a typed array and
 * its distinct values counted between neighbours, instead of keyed into a Set (a heap number
 * and a hash entry per value). Distinct as in a Set: NaN one value, -0 and +0 one. Every value
 * has the same size, so the ratio is the distinct share of the sample.
 */
function numericSampleRulesOutDictionary(values: ArrayLike<unknown>): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  let count = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleIndex(i, sampleSize, values.length)];
    if (value === null || value === undefined) continue;
    numericSample[count++] = value as number;
  }
  const sorted = numericSample.subarray(0, count).sort();
  let distinct = 0;
  for (let k = 0; k < count; k++) {
    const value = sorted[k]!;
    // Sorted NaNs come last: the first of them is a new value, the rest repeat it.
    if (value !== value) {
      distinct++;
      break;
    }
    if (k === 0 || value !== sorted[k - 1]) distinct++;
  }
  return !count || distinct / count > SAMPLE_REJECTION_RATIO;
}

/**
 * The library's choice (useDictionary): PLAIN when asked; else a sample spread over the chunk
 * rules the dictionary out past 90% distinct bytes; else the dictionary is built (first
 * appearance first, keyed as Map keys: NaN one value, -0 and 0 one) and kept only when it and
 * its bit-packed indexes at least halve the PLAIN bytes. Sizes are the library's estimates: a
 * string's length plus the 4-byte prefix byte arrays carry (per value in PLAIN, per entry in
 * the dictionary), `width` bytes for a number; `bigint` keys INT64 values as int64Key does. A
 * chunk of at most SAMPLE_SIZE values is its own whole sample, so the built dictionary's
 * figures answer the first test too, in the same pass.
 */
function chooseDictionary(
  values: ArrayLike<unknown>, kind: 'string' | 'number' | 'bigint', width: number, sampleRulesOut: () => boolean,
): { entries: unknown[]; indexes: Int32Array } | undefined {
  if (values.length > SAMPLE_SIZE && sampleRulesOut()) return undefined;
  const prefix = kind === 'string' ? 4 : 0;
  // The PLAIN size first (no hashing): the build stops as soon as the dictionary can no longer halve it.
  let presentAll = 0;
  let plainAll = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    presentAll++;
    plainAll += (kind === 'string' ? (value as string).length : width) + prefix;
  }
  let bitWidthNow = 0;
  const byKey = new Map<unknown, number>();
  const entries: unknown[] = [];
  const indexes = new Int32Array(values.length);
  let dictionaryBytes = 0;
  let totalBytes = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      indexes[i] = -1;
      continue;
    }
    present++;
    // Sizes and keys inline (no callbacks): this loop runs for every value of most columns.
    const key = kind === 'bigint' ? int64Key(value) : value;
    const size = kind === 'string' ? (value as string).length : width;
    let index = byKey.get(key);
    totalBytes += size;
    if (index === undefined) {
      index = entries.length;
      entries.push(value);
      byKey.set(key, index);
      dictionaryBytes += size;
      while (2 ** bitWidthNow < entries.length) bitWidthNow++;
      // Entries and bit width only grow: past half the PLAIN size now, past it at the end too.
      if (2 * (dictionaryBytes + entries.length * prefix + Math.ceil((presentAll * bitWidthNow) / 8)) > plainAll) return undefined;
    }
    indexes[i] = index;
  }
  const distinctWithPrefix = dictionaryBytes + entries.length * prefix;
  const plainBytes = totalBytes + present * prefix;
  if (values.length <= SAMPLE_SIZE && (!plainBytes || distinctWithPrefix / plainBytes > SAMPLE_REJECTION_RATIO)) return undefined;
  const bitWidth = Math.ceil(Math.log2(entries.length));
  const indexBytes = Math.ceil((present * bitWidth) / 8);
  if (2 * (distinctWithPrefix + indexBytes) > plainBytes) return undefined;
  return { entries, indexes };
}

const sameKey = (v: unknown): unknown => v;

function prepareStrings(values: ArrayLike<string | null | undefined>, plain: boolean): Prepared {
  const { present, nulls } = presence(values);
  const dictionary = plain ? undefined
    : chooseDictionary(values, 'string', 0, () => sampleRulesOutDictionary(values, sameKey, (v) => (v as string).length + 4));
  // Statistics over the distinct values when there is a dictionary (the same min and max).
  const candidates: ArrayLike<string | null | undefined> = dictionary ? (dictionary.entries as string[]) : values;
  // JavaScript's `<` (UTF-16 order) is UTF-8 byte order unless a surrogate is involved: one
  // search of the column's text decides whether the native comparison will do.
  const text = Array.prototype.join.call(candidates, '');
  const ascii = !NON_ASCII.test(text);
  const compare = ascii || !SURROGATE.test(text) ? compareUtf16 : compareCodePoints;
  let min: string | undefined;
  let max: string | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i];
    if (v === null || v === undefined) continue;
    if (min === undefined || compare(v, min) < 0) min = v;
    if (max === undefined || compare(v, max) > 0) max = v;
  }
  return {
    present, nulls, ...(dictionary ? { dictionary } : {}), ascii,
    statistics: { min_value: min, max_value: max, null_count: BigInt(nulls) },
  };
}

const NON_ASCII = /[^\x00-\x7f]/;
const SURROGATE = /[\ud800-\udfff]/;
const compareUtf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders strings as their UTF-8 bytes order (code point order, a lone surrogate as U+FFFD, as
 * the library and TextEncoder treat it). JavaScript's `<` compares UTF-16 code units, which
 * disagrees only where a surrogate meets a unit from U+E000 up; those pairs take the slow way.
 */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x < 0xd800 && y < 0xd800) return x - y;
  // Whole strings: a cut at i could split a surrogate pair.
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function prepareBooleans(values: ArrayLike<boolean | null | undefined>): Prepared {
  const { present, nulls } = presence(values);
  let min: boolean | undefined;
  let max: boolean | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  return { present, nulls, statistics: { min_value: min, max_value: max, null_count: BigInt(nulls) } };
}

/** A number as the dictionary keys it: INT64 bigints inside ±2^53 as the numbers they equal. */
function int64Key(v: unknown): unknown {
  if (typeof v === 'bigint' && v >= -MAX_SAFE && v <= MAX_SAFE) return Number(v);
  return v;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function prepareNumbers(type: FlatParquetType, values: ArrayLike<number | bigint | null | undefined>, plain: boolean): Prepared {
  const { present, nulls } = presence(values);
  const width = type === 'INT32' ? 4 : 8;
  let bigints = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'bigint') bigints = true;
    if (type === 'INT32' ? !(Number.isSafeInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647)
      : type === 'DOUBLE' ? typeof v !== 'number'
      : typeof v === 'bigint' ? v < INT64_MIN || v > INT64_MAX : !Number.isSafeInteger(v)) {
      throw new RangeError(`parquet ${type} column cannot hold ${String(v)} (row ${i + 1} of the chunk)`);
    }
  }
  const dictionary = plain ? undefined
    : chooseDictionary(values, bigints ? 'bigint' : 'number', width, () => (bigints ? sampleRulesOutDictionary(values, int64Key, () => width) : numericSampleRulesOutDictionary(values)));
  const candidates: ArrayLike<unknown> = dictionary ? dictionary.entries : values;
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  let nan = 0n;
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i] as number | bigint | null | undefined;
    if (v === null || v === undefined) continue;
    if (v !== v) {
      nan++;
      continue;
    }
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  // NaNs counted over every value, not the dictionary's one.
  if (dictionary && type === 'DOUBLE') {
    nan = 0n;
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) nan++;
  }
  // The library's normalisation of signed zero: min -0, max +0.
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return {
    present, nulls, ...(dictionary ? { dictionary } : {}),
    statistics: { min_value: min, max_value: max, null_count: BigInt(nulls), ...(type === 'DOUBLE' ? { nan_count: nan } : {}) },
  };
}

// ---------------------------------------------------------------- pages

/**
 * The library's page split: values' estimated bytes summed until a page reaches `pageSize`.
 * PLAIN text is measured in UTF-8 bytes (the library encodes it before splitting; its
 * dictionary trial, above, measures string lengths).
 */
function pageBoundaries(type: FlatParquetType, values: ArrayLike<unknown>, prepared: Prepared, pageSize: number): { start: number; end: number }[] {
  const fixed = prepared.dictionary ? 4 : type === 'BOOLEAN' ? 0.125 : type === 'INT32' ? 4 : type === 'STRING' ? 0 : 8;
  const { present } = prepared;
  if (fixed === 0) {
    // At most 3 UTF-8 bytes per UTF-16 unit: a column whose bound stays under a page is one page.
    let bound = 0;
    for (let i = 0; i < values.length; i++) if (present[i] === 1) bound += 3 * (values[i] as string).length;
    if (bound < pageSize) return [{ start: 0, end: values.length }];
  }
  const pages: { start: number; end: number }[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    const size = present[i] === 0 ? 0 : fixed || Buffer.byteLength(values[i] as string, 'utf8');
    bytes += size;
    if (bytes >= pageSize && i > start) {
      pages.push({ start, end: i });
      start = i;
      bytes = size;
    }
  }
  if (start < values.length) pages.push({ start, end: values.length });
  return pages;
}

function writeDataPage(
  writer: ByteWriter, column: FlatColumn, values: ArrayLike<unknown>, prepared: Prepared, start: number, end: number, encoding: string,
): number {
  const levels = new ByteWriter();
  let nulls = 0;
  for (let i = start; i < end; i++) if (prepared.present[i] === 0) nulls++;
  const levelBytes = writeRleBitPackedHybrid(levels, prepared.present.subarray(start, end), 1);
  const page = prepared.dictionary ? indexPage(prepared.dictionary.indexes, start, end) : plainPage(column.type, values, prepared.present, start, end, encoding, prepared.ascii === true);
  const compressed = snappyCompress(page);
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: 'DATA_PAGE_V2',
    uncompressed_page_size: levels.offset + page.length,
    compressed_page_size: levels.offset + compressed.length,
    data_page_header_v2: {
      num_values: end - start, num_nulls: nulls, num_rows: end - start,
      encoding: encoding as 'PLAIN', definition_levels_byte_length: levelBytes, repetition_levels_byte_length: 0, is_compressed: true,
    },
  });
  const headerSize = writer.offset - headerStart;
  writer.appendBytes(levels.getBytes());
  writer.appendBytes(compressed);
  return headerSize + levels.offset + page.length;
}

/** RLE_DICTIONARY data: the bit width of the page's largest index, then the indexes RLE/bit-packed. */
function indexPage(indexes: Int32Array, start: number, end: number): Uint8Array {
  let count = 0;
  let largest = 0;
  for (let i = start; i < end; i++) {
    const index = indexes[i]!;
    if (index < 0) continue;
    count++;
    if (index > largest) largest = index;
  }
  const present = new Int32Array(count);
  let k = 0;
  for (let i = start; i < end; i++) if (indexes[i]! >= 0) present[k++] = indexes[i]!;
  const bitWidth = Math.ceil(Math.log2(largest + 1));
  const out = new ByteWriter();
  out.appendUint8(bitWidth);
  writeRleBitPackedHybrid(out, present, bitWidth);
  return out.getBytes();
}

function plainPage(type: FlatParquetType, values: ArrayLike<unknown>, present: Uint8Array, start: number, end: number, encoding: string, ascii = false): Uint8Array {
  if (type === 'STRING') return plainStrings(values as ArrayLike<string>, present, start, end, ascii);
  if (type === 'BOOLEAN') return encoding === 'RLE' ? rleBooleans(values as ArrayLike<boolean>, present, start, end) : plainBooleans(values as ArrayLike<boolean>, present, start, end);
  let count = 0;
  for (let i = start; i < end; i++) count += present[i]!;
  const width = type === 'INT32' ? 4 : 8;
  const out = Buffer.allocUnsafe(count * width);
  let at = 0;
  for (let i = start; i < end; i++) {
    if (present[i] === 0) continue;
    writeFixed(out, at, type, values[i] as number | bigint);
    at += width;
  }
  return out;
}

function writeFixed(out: Buffer, at: number, type: FlatParquetType, v: number | bigint): void {
  if (type === 'DOUBLE') out.writeDoubleLE(v as number, at);
  else if (type === 'INT32') out.writeInt32LE(v as number, at);
  else if (typeof v === 'bigint') out.writeBigInt64LE(v, at);
  else {
    // A safe integer's two 32-bit halves, without a BigInt per value.
    const high = Math.floor(v / 4294967296);
    out.writeUInt32LE(v - high * 4294967296, at);
    out.writeInt32LE(high, at + 4);
  }
}

/** Byte arrays: each value's UTF-8 length (4 bytes, little-endian), then its bytes. */
function plainStrings(values: ArrayLike<string>, present: Uint8Array, start: number, end: number, ascii: boolean): Uint8Array {
  if (ascii) {
    // ASCII text is its own UTF-8, and a string of characters below 256 is its own latin1: the
    // page is built as one string (lengths as 4 characters each) and encoded in one call.
    const parts: string[] = [];
    for (let i = start; i < end; i++) {
      if (present[i] === 0) continue;
      const value = values[i]!;
      parts.push(lengthPrefix(value.length), value);
    }
    return Buffer.from(parts.join(''), 'latin1');
  }
  let bound = 0;
  for (let i = start; i < end; i++) if (present[i] === 1) bound += 4 + 3 * values[i]!.length;
  const out = Buffer.allocUnsafe(bound);
  let at = 0;
  for (let i = start; i < end; i++) {
    if (present[i] === 0) continue;
    const written = out.write(values[i]!, at + 4, 'utf8');
    out.writeUInt32LE(written, at);
    at += 4 + written;
  }
  return out.subarray(0, at);
}

/** A length as 4 little-endian bytes spelt as latin1 characters; the short ones cached. */
const prefixes: string[] = [];
function lengthPrefix(length: number): string {
  if (length < 1024) return (prefixes[length] ??= String.fromCharCode(length & 0xff, length >>> 8, 0, 0));
  return String.fromCharCode(length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, length >>> 24);
}

function plainBooleans(values: ArrayLike<boolean>, present: Uint8Array, start: number, end: number): Uint8Array {
  const bits: number[] = [];
  for (let i = start; i < end; i++) if (present[i] === 1) bits.push(values[i] ? 1 : 0);
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => (out[i >> 3]! |= bit << (i & 7)));
  return out;
}

/** RLE booleans: the RLE/bit-packed run's byte length (4 bytes), then the runs. */
function rleBooleans(values: ArrayLike<boolean>, present: Uint8Array, start: number, end: number): Uint8Array {
  const bits: number[] = [];
  for (let i = start; i < end; i++) if (present[i] === 1) bits.push(values[i] ? 1 : 0);
  const runs = new ByteWriter();
  writeRleBitPackedHybrid(runs, bits, 1);
  const out = new ByteWriter();
  out.appendUint32(runs.offset);
  out.appendBytes(runs.getBytes());
  return out.getBytes();
}

function writeDictionaryPage(writer: ByteWriter, type: FlatParquetType, entries: readonly unknown[], ascii: boolean): number {
  const present = new Uint8Array(entries.length).fill(1);
  const bytes = plainPage(type, entries, present, 0, entries.length, 'PLAIN', ascii);
  const compressed = snappyCompress(bytes);
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: 'DICTIONARY_PAGE',
    uncompressed_page_size: bytes.length,
    compressed_page_size: compressed.length,
    dictionary_page_header: { num_values: entries.length, encoding: 'PLAIN' },
  });
  const headerSize = writer.offset - headerStart;
  writer.appendBytes(compressed);
  return headerSize + bytes.length;
}
