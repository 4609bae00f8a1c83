/**
 * Parquet files with INT96 instants, which neither DuckDB nor hyparquet-writer writes (Hive,
 * Impala, older Spark, and Kinesis Data Firehose's Parquet conversion do). hyparquet-writer
 * writes each value's 12 bytes as a FIXED_LEN_BYTE_ARRAY(12) column, whose pages are byte for
 * byte an INT96 column's; then the footer is rewritten (parquet-footer.ts) with those columns'
 * physical type set to INT96, their type length dropped.
 *
 * ```ts
 * const bytes = int96ParquetFile([{ name: 'ts', nanos: [0n, null, -1_500n] }], { rowGroupSize: 2 });
 * ```
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { rewriteParquetFooter } from './parquet-footer.js';

const DAY_NANOS = 86_400_000_000_000n;
const UNIX_EPOCH_JULIAN_DAY = 2440588;
/** Thrift ids: FileMetaData.schema (2) and row_groups (4); SchemaElement.type (1), type_length (2); ColumnChunk.meta_data (3); ColumnMetaData.type (1). */
const INT96 = 3;

/** An instant's INT96 bytes: nanoseconds of the day (little-endian, 8 bytes), then the Julian day (4). */
export function int96Bytes(nanosSinceEpoch: bigint): Uint8Array {
  let day = nanosSinceEpoch / DAY_NANOS;
  if (nanosSinceEpoch < day * DAY_NANOS) day -= 1n; // floored: the nanoseconds of the day are never negative
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, nanosSinceEpoch - day * DAY_NANOS, true);
  view.setInt32(8, Number(day) + UNIX_EPOCH_JULIAN_DAY, true);
  return bytes;
}

export function int96ParquetFile(columns: readonly { name: string; nanos: readonly (bigint | null)[] }[], options: { rowGroupSize?: number; pageSize?: number } = {}): Uint8Array {
  const written = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, data: c.nanos.map((n) => (n === null ? null : int96Bytes(n))) })),
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map((c) => ({ name: c.name, type: 'FIXED_LEN_BYTE_ARRAY' as const, type_length: 12, repetition_type: 'OPTIONAL' as const })),
    ],
    statistics: false, // byte-wise bounds would be wrong for instants
    ...options,
  });
  return rewriteParquetFooter(new Uint8Array(written), (decoded) => {
    const footer = decoded as unknown as Footer;
    for (const element of footer.field_2.slice(1)) {
      element.field_1 = INT96;
      delete element.field_2;
    }
    for (const group of footer.field_4) for (const chunk of group.field_1) chunk.field_3.field_1 = INT96;
  });
}

/** The parts of a decoded footer changed here (Thrift field ids). */
interface Footer {
  field_2: { field_1?: number; field_2?: number }[];
  field_4: { field_1: { field_3: { field_1: number } }[] }[];
}
