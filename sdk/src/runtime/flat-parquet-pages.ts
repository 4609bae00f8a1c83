/**
 * The pages of one column chunk for flat-parquet-writer.ts: data pages (v2: definition levels,
 * then PLAIN values or RLE_DICTIONARY indexes, Snappy-compressed) and the dictionary page, as
 * hyparquet-writer encodes them, with its page headers and RLE/bit-packing.
 */
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import type { FlatColumn, FlatParquetType } from './flat-parquet-writer.js';
import type { Prepared } from './flat-parquet-values.js';
import { snappyCompress } from './snappy-compress.js';

/**
 * The library's page split: values' estimated bytes summed until a page reaches `pageSize`.
 * PLAIN text is measured in UTF-8 bytes (the library encodes it before splitting; its
 * dictionary trial, in flat-parquet-values.ts, measures string lengths).
 *
 * @example
 * ```ts
 * pageBoundaries('DOUBLE', values, prepare(column, values), 1_048_576) // [{ start: 0, end: values.length }] below 131,072 values
 * ```
 */
export function pageBoundaries(type: FlatParquetType, values: ArrayLike<unknown>, prepared: Prepared, pageSize: number): { start: number; end: number }[] {
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

/**
 * Appends one DATA_PAGE_V2 holding rows [start, end) of the chunk; returns its uncompressed
 * size, header included (the chunk's total_uncompressed_size adds these up).
 *
 * @example
 * ```ts
 * uncompressed += writeDataPage(writer, column, values, prepared, 0, values.length, 'PLAIN');
 * ```
 */
export function writeDataPage(
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

/**
 * Appends the chunk's dictionary page (its entries PLAIN, Snappy-compressed); returns its
 * uncompressed size, header included.
 *
 * @example
 * ```ts
 * uncompressed += writeDictionaryPage(writer, 'STRING', ['view', 'click'], true);
 * ```
 */
export function writeDictionaryPage(writer: ByteWriter, type: FlatParquetType, entries: readonly unknown[], ascii: boolean): number {
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
