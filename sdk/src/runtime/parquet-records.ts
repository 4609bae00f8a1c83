/**
 * Records of a Parquet landing object: the footer and each row group's column chunks are fetched
 * by range (an unpacked object is never read whole), the group is decoded a slice of rows at a
 * time, and a resumed object starts at the row holding its checkpoint without fetching the row
 * groups before it.
 *
 * A record's `line` is its row number in the file, counted from 1, as a local run numbers a
 * Parquet row; its `raw` (the row as JSON, for the quarantine) is made only when a row is
 * quarantined.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaTree } from 'hyparquet';
import type { RawRecord } from '../sources/source-object.js';
import { rowToRawJson } from '../quality/typed-row-raw.js';
import { PARQUET_CODECS } from './parquet-codecs.js';
import { pageColumnReaders } from './parquet-column-readers.js';
import { columnConverters, PARQUET_PARSERS, rawValue, readableSchema } from './parquet-row-values.js';
import { UnreadableObjectError } from './text-stream.js';

/** Rows handed on at once: their row objects die young, a batch at a time. */
const BATCH_ROWS = 2048;

/** Rows of a row group decoded at once, unless its pages are wider (see parquetRecordBatches). */
const SLICE_ROWS = 8192;

/**
 * Yields the records from row `skip` on (0-based; the records before it were done by an
 * earlier invocation).
 *
 * Memory follows the pages being decoded, not the row group (besides the group's compressed
 * column chunks, fetched once and kept while its slices are read): a row group can be an
 * object's whole content (Kinesis Data Firehose writes one of up to 256 MB). Scalar columns
 * and structs of them (most landing rows are nothing else) are read a page at a time by
 * parquet-column-readers.ts. The others go to hyparquet: a group is decoded a slice of rows at a
 * time, column by column, and rows are made from the columns a batch at a time. hyparquet skips
 * a flat column's pages before a slice without decompressing them and stops after it, but
 * decodes a page whole: when a slice's pages turn out wider than the slice (DuckDB writes one
 * page per column of a row group; 1 MB pages of a narrow column hold 100k+ rows), slices widen
 * to them, so that no page is decoded again for every slice. A list or a map column it decodes
 * whole for any slice, so a group with one is read in one slice: its memory is then the group's
 * decoded columns.
 *
 * @example
 * ```ts
 * for await (const batch of parquetRecordBatches(file, 0)) for (const record of batch) take(record);
 * ```
 * @throws UnreadableObjectError when the object is not a Parquet file DuckDB would read (a bad
 * footer, a corrupt page, text that is not UTF-8). Errors of the reads themselves (S3) pass unchanged.
 */
export async function* parquetRecordBatches(file: AsyncBuffer, skip: number): AsyncGenerator<RawRecord[]> {
  const { buffer, fetchFailure, nextGroup } = groupReads(file);
  const unreadable = (error: unknown, what: string): never => {
    const failure = fetchFailure(error);
    if (failure) throw failure;
    throw new UnreadableObjectError(`not a readable Parquet file: ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  };
  const metadata = await parquetMetadataAsync(buffer).catch((error: unknown) => unreadable(error, 'its footer'));
  let schema: SchemaTree;
  let converters: ReturnType<typeof columnConverters>;
  try {
    checkRowCounts(metadata);
    schema = parquetSchema(metadata);
    converters = columnConverters(schema);
  } catch (error) {
    return unreadable(error, 'its footer');
  }
  const names = converters.map((c) => c.name);
  const readable = readableSchema(metadata);
  let start = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const end = start + Number(group.num_rows);
    if (end <= skip) {
      start = end; // done by an earlier invocation: not even fetched
      continue;
    }
    nextGroup();
    // Scalars and structs of them are read page by page here; hyparquet reads the rest.
    const flat = await pageColumnReaders(buffer, schema, group).catch((error: unknown) => unreadable(error, `row group ${index}`));
    const hyparquetColumns = names.filter((_, c) => !flat[c]);
    // hyparquet reads a nested column's whole chunk for every slice it is asked for: one slice then.
    const nestedLeft = schema.children.some((child, c) => !flat[c] && child.children.length > 0);
    try {
      for (const reader of flat) reader?.skip(Math.max(0, skip - start));
    } catch (error) {
      unreadable(error, `row group ${index}`);
    }
    // Segment limits count bytes too: each row its share of the group's uncompressed size.
    const size = Math.max(1, Math.round(Number(group.total_byte_size) / Math.max(1, Number(group.num_rows))));
    let sliceRows = nestedLeft ? Number(group.num_rows) : SLICE_ROWS;
    for (let rowStart = Math.max(start, skip), rowEnd = 0; rowStart < end; rowStart = rowEnd) {
      rowEnd = Math.min(end, rowStart + sliceRows);
      const columns = new Map<string, ColumnChunk[]>(hyparquetColumns.map((n) => [n, []]));
      let widest = 0;
      if (hyparquetColumns.length > 0) {
        await parquetRead({
          file: buffer, metadata: readable, rowStart, rowEnd, utf8: false, geoparquet: false,
          ...(hyparquetColumns.length < names.length ? { columns: hyparquetColumns } : {}),
          parsers: PARQUET_PARSERS, compressors: PARQUET_CODECS,
          onChunk: (chunk) => {
            columns.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, values: chunk.columnData });
            widest = Math.max(widest, chunk.rowEnd - chunk.rowStart);
          },
        }).catch((error: unknown) => unreadable(error, `row group ${index}`));
      }
      // A slice's pages, joined, span the slice and at most a page on either side.
      if (widest > 2 * sliceRows) sliceRows = widest;
      const cursors = converters.map(({ name }, c) => flat[c] ?? new ColumnCursor(columns.get(name)!));
      for (let from = rowStart; from < rowEnd; from += BATCH_ROWS) {
        const batch: RawRecord[] = [];
        for (let row = from; row < Math.min(rowEnd, from + BATCH_ROWS); row++) {
          const value: Record<string, unknown> = {};
          try {
            for (let c = 0; c < converters.length; c++) {
              const { name, convert } = converters[c]!;
              const cursor = cursors[c]!;
              const v = cursor instanceof ColumnCursor ? convert(cursor.at(row)) : cursor.next();
              // A column named "__proto__" stays a plain key (assignment would set the prototype).
              if (name === '__proto__') Object.defineProperty(value, name, { value: v, enumerable: true, writable: true, configurable: true });
              else value[name] = v;
            }
          } catch (error) {
            return unreadable(error, `row ${row + 1}`);
          }
          batch.push(new ParquetRecord(row + 1, value, size));
        }
        yield batch;
      }
    }
    start = end;
  }
}

/** Decoded values of one column from `rowStart` (the file's row number, 0-based) on. */
interface ColumnChunk {
  readonly rowStart: number;
  readonly values: ArrayLike<unknown>;
}

/** A column's value at each row, for rows asked in ascending order. */
class ColumnCursor {
  private chunk = 0;

  constructor(private readonly chunks: readonly ColumnChunk[]) {}

  /** @throws Error when the column has no value at the row: its pages hold fewer rows than the footer says. */
  at(row: number): unknown {
    while (this.chunk < this.chunks.length) {
      const { rowStart, values } = this.chunks[this.chunk]!;
      if (row < rowStart) break;
      if (row < rowStart + values.length) return values[row - rowStart];
      this.chunk++;
    }
    throw new Error(`a column's pages hold no value for row ${row + 1}`);
  }
}

/**
 * Refuses a footer whose row groups do not add up to the file's rows (or have no row count, or
 * a negative one): read as it stands, such a file would lose rows without a word. A local run
 * refuses it too (raw-loader.ts), where DuckDB alone would read it short.
 */
function checkRowCounts(metadata: FileMetaData): void {
  let rows = 0n;
  for (const [index, group] of metadata.row_groups.entries()) {
    if (typeof group.num_rows !== 'bigint') throw new Error(`row group ${index} has no row count`);
    if (group.num_rows < 0n) throw new Error(`row group ${index} says it holds ${group.num_rows} rows`);
    rows += group.num_rows;
  }
  if (rows !== BigInt(metadata.num_rows)) throw new Error(`its row groups hold ${rows} rows, and it says it holds ${metadata.num_rows}`);
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
 * The buffer hyparquet reads through: the current row group's reads are kept, so that its
 * slices fetch its column chunks once (`nextGroup()` lets them go). It also remembers the errors
 * its reads threw: those are S3's (the object changed or went away, a network error) and must
 * reach the handler as they are, to be retried, not be taken for a damaged file.
 */
function groupReads(file: AsyncBuffer): { buffer: AsyncBuffer; fetchFailure: (error: unknown) => unknown; nextGroup: () => void } {
  const failures = new Set<unknown>();
  let kept = new Map<string, Promise<ArrayBuffer>>();
  const read = async (start: number, end: number | undefined): Promise<ArrayBuffer> => {
    try {
      return await file.slice(start, end);
    } catch (error) {
      failures.add(error);
      throw error;
    }
  };
  const buffer: AsyncBuffer = {
    byteLength: file.byteLength,
    slice: (start, end) => {
      const key = `${start}-${end}`;
      let bytes = kept.get(key);
      if (!bytes) kept.set(key, (bytes = read(start, end)));
      return bytes;
    },
  };
  return {
    buffer,
    // A failed read may surface as another error (hyparquet reads chunks side by side): any read
    // that failed is the cause.
    fetchFailure: (error) => (failures.has(error) ? error : failures.values().next().value),
    nextGroup: () => {
      kept = new Map();
    },
  };
}
