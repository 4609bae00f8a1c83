/**
 * Records of a Parquet landing object, a row group at a time: the footer and each row group's
 * column chunks are fetched by range (an unpacked object is never read whole), and a resumed
 * object starts at the row group holding its checkpoint without fetching the ones before it.
 *
 * A record's `line` is its row number in the file, counted from 1, as a local run numbers a
 * Parquet row; its `raw` (the row as JSON, for the quarantine) is made only when a row is
 * quarantined.
 */
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer } from 'hyparquet';
import type { RawRecord } from '../sources/source-object.js';
import { rowToRawJson } from '../quality/typed-row-raw.js';
import { PARQUET_CODECS } from './parquet-codecs.js';
import { PARQUET_PARSERS, rawValue, readableSchema, rowConverter } from './parquet-row-values.js';
import { UnreadableObjectError } from './text-stream.js';

/** Rows handed on at once: converted rows die young, a batch at a time. */
const BATCH_ROWS = 2048;

/**
 * Yields the records from row `skip` on (0-based; the records before it were done by an
 * earlier invocation).
 *
 * @example
 * ```ts
 * for await (const batch of parquetRecordBatches(file, 0)) for (const record of batch) take(record);
 * ```
 * @throws UnreadableObjectError when the object is not a Parquet file DuckDB would read (a bad
 * footer, a corrupt page, text that is not UTF-8). Errors of the reads themselves (S3) pass unchanged.
 */
export async function* parquetRecordBatches(file: AsyncBuffer, skip: number): AsyncGenerator<RawRecord[]> {
  const { buffer, fetchFailure } = watchedReads(file);
  const unreadable = (error: unknown, what: string): never => {
    const failure = fetchFailure(error);
    if (failure) throw failure;
    throw new UnreadableObjectError(`not a readable Parquet file: ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  };
  const metadata = await parquetMetadataAsync(buffer).catch((error: unknown) => unreadable(error, 'its footer'));
  const convert = rowConverter(parquetSchema(metadata));
  const readable = readableSchema(metadata);
  let start = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const end = start + Number(group.num_rows);
    if (end > skip) {
      const rowStart = Math.max(start, skip);
      const rows = await parquetReadObjects({
        file: buffer, metadata: readable, rowStart, rowEnd: end, utf8: false, geoparquet: false,
        parsers: PARQUET_PARSERS, compressors: PARQUET_CODECS,
      }).catch((error: unknown) => unreadable(error, `row group ${index}`));
      // Segment limits count bytes too: each row its share of the group's uncompressed size.
      const size = Math.max(1, Math.round(Number(group.total_byte_size) / Math.max(1, Number(group.num_rows))));
      for (let offset = 0; offset < rows.length; offset += BATCH_ROWS) {
        const batch: RawRecord[] = [];
        for (let i = offset; i < Math.min(rows.length, offset + BATCH_ROWS); i++) {
          let value: Record<string, unknown>;
          try {
            value = convert(rows[i]!);
          } catch (error) {
            unreadable(error, `row ${rowStart + i + 1}`);
          }
          batch.push(new ParquetRecord(rowStart + i + 1, value!, size));
        }
        yield batch;
      }
    }
    start = end;
  }
}

/** A row: its values, and its raw JSON text made when asked for (a quarantined row). */
class ParquetRecord implements RawRecord {
  constructor(
    readonly line: number,
    readonly value: Record<string, unknown>,
    readonly size: number,
  ) {}

  get raw(): string {
    return rowToRawJson(rawValue(this.value) as Record<string, unknown>);
  }
}

/**
 * The buffer hyparquet reads through, remembering the errors its reads threw: those are S3's
 * (the object changed or went away, a network error) and must reach the handler as they are, to
 * be retried, not be taken for a damaged file.
 */
function watchedReads(file: AsyncBuffer): { buffer: AsyncBuffer; fetchFailure: (error: unknown) => unknown } {
  const failures = new Set<unknown>();
  const buffer: AsyncBuffer = {
    byteLength: file.byteLength,
    slice: async (start, end) => {
      try {
        return await file.slice(start, end);
      } catch (error) {
        failures.add(error);
        throw error;
      }
    },
  };
  // A failed read may surface as another error (hyparquet reads chunks side by side): any read
  // that failed is the cause.
  return { buffer, fetchFailure: (error) => (failures.has(error) ? error : failures.values().next().value) };
}
