/**
 * The rows SQL did not accept: kept in a temporary table for zod, read back a page at a time,
 * and given a second look for instants with digits below the millisecond.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { printerFor, printSql } from '../../../sql/dialects.js';
import type { Query } from '../../../sql/sql-node.js';
import { asc, bin, col, eq, isNull, lit, select, table } from '../../../sql/sql-builders.js';
import { compileChecks } from '../../../quality/compile-checks.js';
import type { CompiledChecks, Representation } from '../../../quality/compile-checks.js';
import { refusedPatterns } from './refused-patterns.js';
import { notAccepted, validRowsQuery } from './valid-rows-sql.js';

/** The temporary table of the rows SQL did not accept, while zod reads them. */
export const REJECTED_TABLE = '_sluice_rejected';

/**
 * JSON rows: the raw rows the valid table does not have.
 *
 * @example
 * ```ts
 * await connection.run(printSql({ kind: 'createTableAs', name: REJECTED_TABLE, orReplace: true, temporary: true, query: rejectedRowsQuery('raw_rows', 'valid_rows') }, 'duckdb'));
 * ```
 */
export function rejectedRowsQuery(rawTable: string, validTable: string): Query {
  return select([{ expr: { kind: 'star', table: 'r' } }], {
    from: table(rawTable, 'r'),
    joins: [{ type: 'left', from: table(validTable, 'v'), on: eq(col('_row_id', 'r'), col('_row_id', 'v')) }],
    where: isNull(col('_row_id', 'v')),
  });
}

/** Rows of a page of the rejected rows: enough to keep DuckDB's vectors busy, few enough to hold. */
const REJECTED_PAGE_ROWS = 20_000;

/**
 * The rejected rows in `_row_id` order, a page at a time (none when `present` is false); `_object` is NULL where it repeats the row before's.
 *
 * @example
 * ```ts
 * for await (const page of rejectedRowPages(connection, true)) console.log(page.rowCount);
 * ```
 */
export async function* rejectedRowPages(connection: DuckDBConnection, present: boolean): AsyncGenerator<Awaited<ReturnType<DuckDBConnection['run']>>> {
  if (!present) return;
  let after: bigint | undefined;
  for (;;) {
    const rows = printSql(select([{ expr: { kind: 'star' } }], {
      from: table(REJECTED_TABLE),
      ...(after === undefined ? {} : { where: bin('>', col('_row_id'), lit(after)) }),
      orderBy: [asc(col('_row_id'))],
      limit: REJECTED_PAGE_ROWS,
    }), 'duckdb');
    // `_object` only where it changes (NULL where the row before has the same): an object's
    // name is the same long text on each of its rows, and decoding it for each cost more than
    // the rest of a row.
    const page = await connection.run(
      `SELECT * EXCLUDE (_object), CASE WHEN _object IS NOT DISTINCT FROM lag(_object) OVER (ORDER BY _row_id) THEN NULL ELSE _object END AS _object FROM (${rows}) ORDER BY _row_id`,
    );
    let last: bigint | undefined;
    for (let c = 0; c < page.chunkCount; c++) {
      const chunk = page.getChunk(c);
      if (chunk.rowCount > 0) last = chunk.getColumnVector(page.columnNames().indexOf('_row_id')).getItem(chunk.rowCount - 1) as bigint;
    }
    if (last === undefined) return;
    yield page;
    after = last;
  }
}

/**
 * The second look SQL takes at the rows it did not accept, before zod: compiled once more to
 * accept microsecond instants with digits below the millisecond (floored, as zod sees them).
 * The first look keeps such columns an identity read, which every reader of the valid rows
 * pays for; data that carries microseconds (Python's datetime, Spark) then only costs this
 * pass over its rows instead of zod on each. Moves the rows it accepts from the rejected table
 * into `target` (the table of zod's accepted rows); returns how many.
 *
 * @example
 * ```ts
 * const moved = await acceptFlooredInstants(connection, checks, schema, representation, zodTable('valid_rows'));
 * ```
 */
export async function acceptFlooredInstants(connection: DuckDBConnection, strict: CompiledChecks, schema: z.ZodType, representation: Representation, target: string): Promise<number> {
  const floored = compileChecks(schema, representation, { floorSubMillisecondInstants: true });
  if (JSON.stringify(floored.accept) === JSON.stringify(strict.accept) || (await refusedPatterns(connection, floored.patterns)).size > 0) return 0;
  const p = printerFor('duckdb');
  const inserted = await connection.runAndReadAll(`INSERT INTO ${p.quoteIdentifier(target)} ${printSql(validRowsQuery(floored, REJECTED_TABLE), 'duckdb')}`);
  const moved = Number(inserted.getRows()[0]?.[0] ?? 0);
  if (moved > 0) {
    const rest = select([{ expr: { kind: 'star' } }], { from: table(REJECTED_TABLE), where: notAccepted(floored) });
    await connection.run(printSql({ kind: 'createTableAs', name: REJECTED_TABLE, orReplace: true, temporary: true, query: rest }, 'duckdb'));
  }
  return moved;
}
