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
import { writeIndexes } from 'hyparquet-writer/src/indexes.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { pageBoundaries, writeDataPage, writeDictionaryPage } from './flat-parquet-pages.js';
import { prepare } from './flat-parquet-values.js';

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
