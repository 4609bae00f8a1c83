/**
 * Loads what the sources read into DuckDB's `raw_rows` table, the input of validation.
 * Text objects (jsonl, csv) arrive as decoded records and are appended with the Appender;
 * Parquet objects are read by DuckDB itself, keeping their typed columns.
 */
import { BIGINT, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { ChunkBuffer } from './chunk-buffer.js';
import type { RawRecord } from '../../sources/index.js';
import { printerFor } from '../../sql/dialects.js';
import { POSITION_COLUMNS } from '../../quality/compile-checks.js';
import { exactJson } from './exact-json.js';
import type { RoundedInteger } from '../../sources/json-integer-literals.js';
import { parquetColumns, typeConflicts, type FileColumns, type ParquetFileColumns } from './parquet-column-types.js';
import { caseVariantNames } from './column-case-variants.js';

export const RAW_TABLE = 'raw_rows';

/** Row ids of Parquet rows are fileIndex * 2^40 + row number: unique and in source order. */
const FILE_STRIDE = 1_099_511_627_776;

/**
 * Creates the empty text-representation `raw_rows` table: `_raw` is the record's text (NULL when
 * it is the same as `_json`), `_json` the record as canonical JSON, `_error` why it has none.
 *
 * @example
 * ```ts
 * await createTextRawTable(connection);
 * (await describeTable(connection, 'raw_rows')).map((c) => c.name) // ['_row_id', '_object', '_line', '_raw', '_json', '_error']
 * ```
 */
export async function createTextRawTable(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TABLE ${RAW_TABLE} (_row_id BIGINT, _object VARCHAR, _line BIGINT, _raw VARCHAR, _json VARCHAR, _error VARCHAR)`,
  );
}

/** Rows an appender holds before it hands them to the table (one commit per this many, not per object). */
const APPEND_ROWS_PER_FLUSH = 50_000;

/** Appends text records to `raw_rows` across objects; see `openRawRecordAppender`. */
export interface RawRecordAppender {
  /** Appends one object's records (or a batch of them); `_row_id` continues from `firstRowId`. */
  append(object: string, records: readonly RawRecord[], firstRowId: number): Promise<void>;
  /**
   * Hands what was appended to the table and closes the appender (the next append opens
   * another): call it before the connection runs a query on the table (a DELETE), and at the end.
   */
  close(): void;
}

/**
 * One appender for all of a run's text objects. An appender per object committed once per
 * object, and a commit costs a few milliseconds: a source of 2,000 small files (Firehose
 * writes them by the thousand) spent 3 of its 3.3 s committing ten rows at a time. `_row_id`
 * follows source order (object key, then line) — the tie-breaker for first/last.
 *
 * @example
 * ```ts
 * const appender = openRawRecordAppender(connection);
 * await appender.append('events.jsonl', [
 *   { line: 1, raw: '{"user_id":"u1","amount":3}', value: { user_id: 'u1', amount: 3 } },
 *   { line: 2, raw: '{"user_id":', error: 'Unexpected end of JSON input' },
 * ], 1);
 * appender.close(); // flushes
 * // raw_rows gains (1, 'events.jsonl', 1, NULL, '{"user_id":"u1","amount":3}', NULL)
 * //            and (2, 'events.jsonl', 2, '{"user_id":', NULL, 'Unexpected end of JSON input')
 * ```
 */
export function openRawRecordAppender(connection: DuckDBConnection): RawRecordAppender {
  let appender: DuckDBAppender | undefined;
  let pending = 0;
  const rows = new ChunkBuffer([BIGINT, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR]);
  return {
    async append(object, records, firstRowId) {
      if (records.length === 0) return;
      appender ??= await connection.createAppender(RAW_TABLE);
      let rowId = firstRowId;
      for (const record of records) {
        const json = record.value !== undefined && record.error === undefined ? jsonText(record.value, record.roundedIntegers) : { error: record.error ?? 'record could not be decoded' };
        // A line that is already its own canonical JSON (as JSON.stringify writes it) is stored
        // once: _raw stays NULL and readers take _json for it. Half the text to append and keep.
        const raw = 'text' in json && json.text === record.raw ? null : record.raw;
        rows.push(appender, [BigInt(rowId++), object, BigInt(record.line), raw, 'text' in json ? json.text : null, 'text' in json ? null : json.error]);
      }
      pending += records.length;
      if (pending >= APPEND_ROWS_PER_FLUSH) {
        rows.appendTo(appender);
        appender.flushSync();
        pending = 0;
      }
    },
    close() {
      if (!appender) return;
      const open = appender;
      try {
        rows.appendTo(open);
        open.flushSync();
      } finally {
        appender = undefined;
        pending = 0;
        rows.clear();
        open.closeSync();
      }
    },
  };
}

/**
 * A record's JSON text, or why it has none: JSON.parse reads nesting deeper than the stack
 * allows writing back (a RangeError), and such a record is quarantined, not the run failed.
 */
function jsonText(value: Record<string, unknown>, literals: readonly RoundedInteger[] | undefined): { text: string } | { error: string } {
  try {
    return { text: exactJson(value, literals) };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { error: `the record is nested too deeply to process (${error.message}); flatten it where it is written` };
  }
}

/** What `loadParquetRawTable` found beyond the rows themselves. */
export interface ParquetRawTable {
  /**
   * Columns of the view that some files do not have (column → those objects): the view gives
   * them NULL there, and validation must treat them as missing keys instead, as it would
   * reading the file alone (pass it on as `absentColumns`).
   */
  readonly absentColumns: Record<string, string[]>;
  /**
   * Files left out of the view because the combined table would change their values' types
   * (see parquet-column-types.ts), with the reason: the caller quarantines them whole.
   */
  readonly conflicts: { object: string; error: string }[];
  /**
   * View columns named otherwise in their files (view name → the file's own name): spellings of
   * one name that differ only in case, each in a column of its own (column-case-variants.ts).
   * Validation shows rows to zod, and as raw content, under the files' own names.
   */
  readonly originalNames: Readonly<Record<string, string>>;
}

/**
 * Defines `raw_rows` over local Parquet files (typed columns), in file order then row order.
 *
 * It is a VIEW, not a copy: every later read (validation, profile, aggregation) goes back to
 * the Parquet files, so DuckDB reads only the columns that read needs (projection pushdown).
 * Copying all columns of millions of rows into a table cost more than the whole feature
 * computation. The files must stay in place until the run ends (local files, or the fetched
 * copies of remote objects).
 *
 * `limit` keeps the first rows in source order (whole files, the last one cut short) with a
 * filter on the row number, so that every read of the view sees the same rows. Each file's
 * `rows` (from `probeParquetFile`) saves counting it again.
 *
 * @example
 * ```ts
 * const { absentColumns, conflicts } = await loadParquetRawTable(connection, [{ object: 'flights.parquet', path: '/data/flights.parquet', rows: 3_000_000 }], 10_000);
 * ```
 */
export async function loadParquetRawTable(
  connection: DuckDBConnection,
  files: readonly { object: string; path: string; rows?: number }[],
  limit?: number,
  preferredNames: readonly string[] = [],
): Promise<ParquetRawTable> {
  const conflicts: { object: string; error: string }[] = [];
  let kept = files;
  for (;;) {
    const read = await filesToRead(connection, kept, limit);
    const own: ParquetFileColumns[] = [];
    for (const f of read) own.push(await parquetColumns(connection, f.path));
    // One file has one type per column and, unless two of its names differ only in case, one
    // spelling per name: nothing to reconcile.
    if (read.length < 2 && own.every((o) => o.duckNames.size === 0)) {
      await createParquetView(connection, read);
      return { absentColumns: {}, conflicts, originalNames: {} };
    }
    const { renames, originalNames } = caseVariantNames(own.map((o) => o.columns), preferredNames);
    // The view renames DuckDB's columns: a spelling's alias, or back to the file's own name where
    // DuckDB renamed a second spelling within one file (`ID` read as `ID_1`).
    const viewRenames = own.map((o, i) => new Map([...o.columns.keys()].flatMap((name) => {
      const duck = o.duckNames.get(name) ?? name;
      const view = renames[i]!.get(name) ?? name;
      return duck === view ? [] : [[duck, view] as const];
    })));
    await createParquetView(connection, read.map((f, i) => ({ ...f, renames: viewRenames[i]! })));
    // Each file's columns under the names the view gives them.
    const withColumns = read.map((f, i) => ({ ...f, columns: new Map([...own[i]!.columns].map(([name, type]) => [renames[i]!.get(name) ?? name, type])) }));
    const tableTypes = await viewColumns(connection);
    const found = await typeConflicts(connection, withColumns, tableTypes);
    if (found.length === 0) return { absentColumns: absentColumns(tableTypes, withColumns), conflicts, originalNames };
    // Without the conflicting files the combined types may narrow: build the view again and re-check.
    conflicts.push(...found);
    const failed = new Set(found.map((c) => c.object));
    kept = kept.filter((f) => !failed.has(f.object));
  }
}

/** The view's column names and types (binding it reads footers only, no data). */
async function viewColumns(connection: DuckDBConnection): Promise<FileColumns> {
  const rows = (await connection.runAndReadAll(`DESCRIBE ${RAW_TABLE}`)).getRows();
  return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
}

/** The files a view within `limit` rows reads, each with the filter that cuts the last one short. */
async function filesToRead(
  connection: DuckDBConnection,
  files: readonly { object: string; path: string; rows?: number }[],
  limit: number | undefined,
): Promise<{ object: string; path: string; where: string }[]> {
  let remaining = limit === undefined ? Infinity : Math.max(0, Math.trunc(limit));
  const read: { object: string; path: string; where: string }[] = [];
  for (const f of files) {
    let where = '';
    if (Number.isFinite(remaining)) {
      // The row count comes from the Parquet footer: no data is read.
      const rows = f.rows ?? (await probeParquetFile(connection, f.path));
      const take = Math.min(rows, remaining);
      remaining -= take;
      if (take < rows) where = ` WHERE file_row_number < ${take}`;
    }
    read.push({ object: f.object, path: f.path, where });
    if (remaining <= 0) break;
  }
  return read;
}

/** Creates the view over `files`, each with its filter and its columns' renames (column-case-variants.ts). */
async function createParquetView(
  connection: DuckDBConnection,
  files: readonly { object: string; path: string; where: string; renames?: ReadonlyMap<string, string> }[],
): Promise<void> {
  const p = printerFor('duckdb');
  if (files.length === 0) {
    // Every object was unreadable (they are quarantined whole): an input with no rows and no columns.
    await connection.run(`CREATE OR REPLACE VIEW ${RAW_TABLE} AS SELECT CAST(NULL AS BIGINT) AS _row_id, CAST(NULL AS VARCHAR) AS _object, CAST(NULL AS BIGINT) AS _line WHERE false`);
    return;
  }
  // Row ids encode (file index, row number) without a sort: ordered like the source, cheap at millions of rows.
  const parts = files.map((f, i) => {
    const renamed = [...(f.renames ?? [])].map(([from, to]) => `${p.quoteIdentifier(from)} AS ${p.quoteIdentifier(to)}`);
    return `SELECT CAST(${i} AS BIGINT) * ${FILE_STRIDE} + file_row_number + 1 AS _row_id, ${p.stringLiteral(f.object)} AS _object, ` +
      `CAST(file_row_number + 1 AS BIGINT) AS _line, * EXCLUDE (file_row_number)${renamed.length ? ` RENAME (${renamed.join(', ')})` : ''} ` +
      `FROM read_parquet(${p.stringLiteral(f.path)}, file_row_number = true)${f.where}`;
  });
  // BY NAME: files written with their columns in another order, or without an optional column,
  // line up by name (a missing column is NULL there). A positional UNION would move values
  // into the wrong columns.
  await connection.run(`CREATE OR REPLACE VIEW ${RAW_TABLE} AS ${parts.join(' UNION ALL BY NAME ')}`);
}

/** The view's columns each file lacks, as column → objects. */
function absentColumns(tableTypes: FileColumns, files: readonly { object: string; columns: FileColumns }[]): Record<string, string[]> {
  const absent: Record<string, string[]> = {};
  const columns = [...tableTypes.keys()].filter((name) => !POSITION_COLUMNS.has(name));
  for (const f of files) {
    // Exact names, as zod reads keys: UNION BY NAME also matches `Country` to `country`, but a
    // schema field `country` finds no such key in that file read alone.
    for (const column of columns) if (!f.columns.has(column)) (absent[column] ??= []).push(f.object);
  }
  return absent;
}

/**
 * Checks that DuckDB can read a Parquet file's metadata and returns its row count. Only the
 * footer is read, whatever the file's size, so a file that is not Parquet, truncated, or has a
 * corrupt footer is found before the `raw_rows` view is built over it (where it would fail the
 * whole run). Throws DuckDB's error for such a file, an error for a footer whose row counts
 * disagree, or one naming a data column that collides with the row numbers the view reads; the
 * caller quarantines the object.
 *
 * @example
 * ```ts
 * const rows = await probeParquetFile(connection, '/data/flights.parquet'); // 3000000
 * ```
 */
export async function probeParquetFile(connection: DuckDBConnection, path: string): Promise<number> {
  const p = printerFor('duckdb');
  const reader = await connection.runAndReadAll(`SELECT sum(num_rows) AS n FROM parquet_file_metadata(${p.stringLiteral(path)})`);
  const rows = Number(reader.getRows()[0]![0] ?? 0);
  await checkRowGroupCounts(connection, path, rows);
  const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${p.stringLiteral(path)})`)).getRows().map((r) => String(r[0]));
  if (columns.includes(ROW_NUMBER_COLUMN)) {
    throw new Error(`it has a column named "${ROW_NUMBER_COLUMN}", the name DuckDB's Parquet reader gives the row numbers sluice reads beside the data. Rename that column where the file is written`);
  }
  return rows;
}

/**
 * Refuses a footer whose row groups do not add up to the file's rows, or say they hold fewer
 * than none: DuckDB reads such a file without an error and returns the rows of the groups it
 * believes (a group whose count is negative, it skips), so rows would be lost without a word.
 * The event stage refuses the same files (parquet-records.ts).
 */
async function checkRowGroupCounts(connection: DuckDBConnection, path: string, fileRows: number): Promise<void> {
  const p = printerFor('duckdb');
  const groups = (
    await connection.runAndReadAll(`SELECT row_group_id, min(row_group_num_rows), max(row_group_num_rows) FROM parquet_metadata(${p.stringLiteral(path)}) GROUP BY row_group_id ORDER BY row_group_id`)
  ).getRows();
  let sum = 0;
  for (const [id, least, most] of groups) {
    if (Number(least) !== Number(most) || Number(least) < 0) {
      throw new Error(`its footer is damaged: row group ${Number(id)} says it holds ${Number(least) === Number(most) ? Number(least) : `${Number(least)} and ${Number(most)}`} rows`);
    }
    sum += Number(least);
  }
  if (groups.length > 0 && sum !== fileRows) throw new Error(`its footer is damaged: its row groups hold ${sum} rows, and it says it holds ${fileRows}`);
}

/** What `read_parquet(..., file_row_number = true)` calls its row-number column. */
const ROW_NUMBER_COLUMN = 'file_row_number';
