/**
 * The rows zod checks after SQL (deferred-fields.ts), read back from DuckDB a page at a time, in
 * `_row_id` order. JSON text is read a whole column of a page at once — DuckDB joins it into one
 * value, split here at the line breaks JSON text never holds raw — because the client decodes
 * each text value on its own, and that per-value cost was a quarter of the pass (244 of 1,014 ms
 * for the demo's 217,068 rows). Other columns are read value by value.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EngineError } from '../../../errors.js';
import { printerFor } from '../../../sql/dialects.js';

/** One page: `rowIds[i]` and `values(i)` (the columns after `_row_id`) of its rows. */
export interface PendingPage {
  readonly rowIds: readonly bigint[];
  /** Fills `into` with row `i`'s values (NULL as null). */
  values(i: number, into: unknown[]): void;
}

export interface PendingPagesOptions {
  /**
   * The columns after `_row_id` hold JSON text, or NULL: no value has a raw line break, and
   * none is empty (so the empty text can stand for NULL).
   */
  readonly jsonText: boolean;
  /** Rows per page (default 20,000): enough for DuckDB's vectors, few enough to hold. */
  readonly pageRows?: number;
  /** Text per page, in characters (default 16M): a page of large rows holds fewer of them. */
  readonly pageChars?: number;
}

const quote = (name: string): string => printerFor('duckdb').quoteIdentifier(name);

/**
 * Creates `table` from `query` (its first column `_row_id`, its rows in `_row_id` order), then
 * yields its pages in that order.
 *
 * @example
 * ```ts
 * for await (const page of pendingPages(connection, '_pending', 'SELECT _row_id, _json FROM …', { jsonText: true })) {
 *   const values: unknown[] = [];
 *   for (let i = 0; i < page.rowIds.length; i++) { page.values(i, values); zod.safeParse(JSON.parse(values[0] as string)); }
 * }
 * ```
 */
export async function* pendingPages(connection: DuckDBConnection, table: string, query: string, options: PendingPagesOptions): AsyncGenerator<PendingPage> {
  const pageRows = options.pageRows ?? 20_000;
  const pageChars = options.pageChars ?? 16 * 1024 * 1024;
  await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${quote(table)} AS ${query}`);
  const columns = (await connection.runAndReadAll(`DESCRIBE ${quote(table)}`)).getRowObjectsJS().map((r) => String(r.column_name)).slice(1);
  // Fewer rows to a page when the longest row's text would make pageRows of them too many characters.
  const longest = options.jsonText && columns.length > 0
    ? Number((await connection.runAndReadAll(`SELECT max(${columns.map((c) => `coalesce(length(CAST(${quote(c)} AS VARCHAR)), 0)`).join(' + ')}) AS n FROM ${quote(table)}`)).getRowObjectsJS()[0]!.n ?? 0)
    : 0;
  const rowsPerPage = Math.max(1, Math.min(pageRows, Math.floor(pageChars / Math.max(1, longest))));
  // Each page's first _row_id: a page is the rows from one to the next (the table is in _row_id order).
  const starts = (await connection.runAndReadAll(`SELECT _row_id FROM ${quote(table)} QUALIFY (row_number() OVER (ORDER BY _row_id) - 1) % ${rowsPerPage} = 0 ORDER BY _row_id`))
    .getRowObjectsJS().map((r) => r._row_id as bigint);
  for (const [i, from] of starts.entries()) {
    const range = `_row_id >= ${from}${i + 1 < starts.length ? ` AND _row_id < ${starts[i + 1]}` : ''}`;
    yield options.jsonText ? await textPage(connection, table, columns, range) : await vectorPage(connection, table, range);
  }
}

async function textPage(connection: DuckDBConnection, table: string, columns: readonly string[], range: string): Promise<PendingPage> {
  const texts = columns.map((c) => `string_agg(coalesce(CAST(${quote(c)} AS VARCHAR), ''), chr(10) ORDER BY _row_id)`);
  const result = await connection.runAndReadAll(`SELECT string_agg(CAST(_row_id AS VARCHAR), ',' ORDER BY _row_id), ${texts.join(', ')} FROM ${quote(table)} WHERE ${range}`);
  const [ids, ...joined] = result.getRows()[0]! as (string | null)[];
  const rowIds = (ids ?? '').split(',').map((id) => BigInt(id));
  const split = joined.map((text) => (text ?? '').split('\n'));
  for (const [c, values] of split.entries()) {
    // A line break inside a value would shift every row after it: refuse rather than misread.
    if (values.length !== rowIds.length) throw new EngineError('PENDING_TEXT_LINE_BREAK', `Column ${columns[c]} of the rows zod checks after SQL held a raw line break, which JSON text never does: this is a bug in sluice, please report it with the source's format.`);
  }
  return {
    rowIds,
    values(i, into) {
      for (let c = 0; c < split.length; c++) {
        const text = split[c]![i]!;
        into[c] = text === '' ? null : text;
      }
    },
  };
}

async function vectorPage(connection: DuckDBConnection, table: string, range: string): Promise<PendingPage> {
  const result = await connection.run(`SELECT * FROM ${quote(table)} WHERE ${range} ORDER BY _row_id`);
  const rowIds: bigint[] = [];
  // The page's chunks, each with the row its first row is; values are read from them on demand
  // (an array per row was most of this pass's garbage).
  const chunks: { first: number; vectors: ReturnType<ReturnType<typeof result.getChunk>['getColumnVector']>[] }[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const vectors = Array.from({ length: chunk.columnCount }, (_, v) => chunk.getColumnVector(v));
    chunks.push({ first: rowIds.length, vectors });
    const ids = vectors[0]!;
    for (let r = 0, n = chunk.rowCount; r < n; r++) rowIds.push(ids.getItem(r) as bigint);
  }
  let at = 0; // rows are asked for in order: the chunk of the last one is the place to start
  return {
    rowIds,
    values(i, into) {
      if (i < chunks[at]!.first) at = 0;
      while (at + 1 < chunks.length && chunks[at + 1]!.first <= i) at++;
      const { first, vectors } = chunks[at]!;
      for (let v = 1; v < vectors.length; v++) into[v - 1] = vectors[v]!.getItem(i - first);
    },
  };
}
