/**
 * Parquet objects whose footer reads but whose data does not decode (a damaged compressed
 * page: "Snappy decompression failure"). The footer probe at read time cannot see them — it
 * reads no data, on purpose, so that a 3M-row file is not scanned twice — and the first read
 * of their pages is the validation scan, where DuckDB's error would fail the whole run.
 *
 * DESIGN §4 asks for the same treatment as any unreadable object: quarantined whole, with the
 * error, while the rest of the batch runs. So when a scan over Parquet fails, each file is
 * decoded on its own, and the ones that fail are named. This costs a second read only on that
 * failure path; a healthy run pays nothing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printerFor } from '../../sql/dialects.js';

export interface ParquetFileRef {
  /** The object's key as the run reports it. */
  readonly object: string;
  /** Where DuckDB reads it (the local file, or the fetched copy of a remote object). */
  readonly path: string;
}

/**
 * Decodes every page of every column of each file and returns the files DuckDB cannot
 * decode, each with DuckDB's error. An empty list means the files are sound, and whatever
 * failed was something else.
 *
 * @example
 * ```ts
 * const bad = await findUndecodableParquetFiles(connection, [{ object: 'a.parquet', path: '/data/a.parquet' }]);
 * // [{ object: 'a.parquet', error: 'Cannot decode a.parquet as Parquet: … Snappy decompression failure' }]
 * ```
 */
export async function findUndecodableParquetFiles(
  connection: DuckDBConnection,
  files: readonly ParquetFileRef[],
): Promise<{ object: string; error: string }[]> {
  const p = printerFor('duckdb');
  const bad: { object: string; error: string }[] = [];
  for (const file of files) {
    try {
      // hash() of every column forces every page to be decoded: count(column) alone would be
      // answered from the footer's statistics without reading any data.
      await connection.run(`SELECT count(*), min(hash(COLUMNS(*))) FROM read_parquet(${p.stringLiteral(file.path)})`);
    } catch (error) {
      bad.push({ object: file.object, error: `Cannot decode ${file.object} as Parquet: ${(error as Error).message}` });
    }
  }
  return bad;
}
