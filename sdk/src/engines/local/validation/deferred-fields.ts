/**
 * zod's part of the rows SQL accepted, when some fields have checks SQL cannot run (a transform,
 * a refine, a preprocess, a union: CompiledChecks.deferred). SQL checked every other field of
 * those rows; zod parses just these fields, and their output fills the row's columns. zod parses
 * each field of an object on its own, so a row gets the verdict and values zod gives it whole.
 * A row whose fields zod refuses — or whose text holds an integer JavaScript rounds, or whose
 * output its column cannot hold — goes back among the rows SQL did not accept, for zod to parse
 * whole: its issues and its quarantine entry are then exactly the zod-only path's.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { ColumnDescription } from '../../../quality/describe-schema.js';
import { valueAt } from '../../../quality/nested-fields.js';
import { printerFor, printSql } from '../../../sql/dialects.js';
import { asc, col, eq, select, table } from '../../../sql/sql-builders.js';
import type { SelectItem } from '../../../sql/sql-node.js';
import { openValidRowSink } from './valid-row-appender.js';

export interface DeferredFieldsCheck {
  readonly schema: z.ZodType;
  /** Top-level fields zod checks in the rows SQL accepted. */
  readonly deferred: readonly string[];
  /** Every valid column in schema order (the deferred fields' are NULL in `validTable`). */
  readonly columns: readonly ColumnDescription[];
  readonly rawTable: string;
  readonly validTable: string;
  /** The rows left for zod, created here (as `rawTable`'s columns) when SQL accepted every row. */
  readonly rejectedTable: string;
  readonly rejectedTableExists: boolean;
  /** Called with each accepted row's deferred input and zod's output of it (coercion notes). */
  readonly observe: (input: Record<string, unknown>, output: Record<string, unknown>) => void;
}

export interface DeferredFieldsResult {
  /** Rows zod checked the deferred fields of. */
  readonly rows: number;
  /** Of those, the rows sent to zod whole (now in the rejected table, out of the valid one). */
  readonly backToZod: number;
}

/** Rows read back per query: enough for DuckDB's vectors, few enough to hold. */
const PAGE_ROWS = 20_000;
const PENDING_TABLE = '_sluice_deferred_fragments';
const FILLED_TABLE = '_sluice_deferred_values';
const BACK_TABLE = '_sluice_deferred_back';

/**
 * @example
 * ```ts
 * // Event has user_id: z.string().transform((s) => s.toUpperCase()); SQL accepted 217,068 rows
 * const { rows, backToZod } = await checkDeferredFields(connection, { schema: Event, deferred: ['user_id'], columns,
 *   rawTable: 'raw_rows', validTable: 'valid_rows', rejectedTable: '_sluice_rejected', rejectedTableExists: true,
 *   input: (text) => JSON.parse(text), observe: () => {} });
 * // rows 217,068, backToZod 0: valid_rows.user_id now holds 'U00001'…
 * ```
 */
export async function checkDeferredFields(connection: DuckDBConnection, check: DeferredFieldsCheck): Promise<DeferredFieldsResult> {
  const mask = Object.fromEntries(check.deferred.map((name) => [name, true] as const));
  // pick() keeps the object's own settings (strict, loose) and the user's zod instance.
  const fields = (check.schema as unknown as { pick(mask: Record<string, true>): z.ZodType }).pick(mask);
  const filledColumns = check.columns.filter((c) => check.deferred.includes(c.path?.[0] ?? c.name));
  const valueOf = (output: Record<string, unknown>, column: ColumnDescription): unknown => (column.path ? valueAt(output, column.path) : output[column.name]);
  const p = printerFor('duckdb');
  const q = (name: string): string => p.quoteIdentifier(name);

  // Each deferred field's JSON fragment, once, in _row_id order: pages then read only those
  // (short texts, short JSON.parse calls), never the whole row.
  const paths = check.deferred.map((name) => p.stringLiteral(`/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`)).join(', ');
  const fragments = check.deferred.map((_, i) => `l[${i + 1}] AS f${i}`).join(', ');
  await connection.run(
    `CREATE OR REPLACE TEMPORARY TABLE ${q(PENDING_TABLE)} AS SELECT _row_id, ${fragments} FROM ` +
      `(SELECT v._row_id, json_extract(r._json, [${paths}]) AS l FROM ${q(check.validTable)} AS v JOIN ${q(check.rawTable)} AS r ON v._row_id = r._row_id) ORDER BY _row_id`,
  );
  await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${q(FILLED_TABLE)} AS SELECT ${filledColumns.map((c) => q(c.name)).join(', ')}, _row_id FROM ${q(check.validTable)} LIMIT 0`);
  const back: bigint[] = [];
  let rows = 0;
  try {
    let after: bigint | undefined;
    for (;;) {
      const page = await connection.run(
        `SELECT * FROM ${q(PENDING_TABLE)}${after === undefined ? '' : ` WHERE _row_id > ${after}`} ORDER BY _row_id LIMIT ${PAGE_ROWS}`,
      );
      if (page.chunkCount === 0) break;
      // One appender per page, closed before the next query on this connection.
      const sink = await openValidRowSink(connection, FILLED_TABLE, filledColumns, { positions: false });
      let last: bigint | undefined;
      try {
        for (let c = 0; c < page.chunkCount; c++) {
          const chunk = page.getChunk(c);
          const ids = chunk.getColumnVector(0);
          const texts = check.deferred.map((_, i) => chunk.getColumnVector(i + 1));
          for (let r = 0; r < chunk.rowCount; r++) {
            const rowId = ids.getItem(r) as bigint;
            last = rowId;
            rows++;
            const input = fieldsInput(check.deferred, texts.map((t) => t.getItem(r) as string | null));
            const parsed = input === undefined ? undefined : fields.safeParse(input);
            if (input === undefined || !parsed?.success) {
              back.push(rowId);
              continue;
            }
            const output = parsed.data as Record<string, unknown>;
            const flat = Object.fromEntries(filledColumns.map((column) => [column.name, valueOf(output, column)]));
            if (sink.append(flat, rowId, '', 0n)) {
              back.push(rowId); // a value its column cannot hold: zod's whole-row path says so
              continue;
            }
            check.observe(input, output);
          }
        }
      } finally {
        sink.close();
      }
      if (last === undefined) break;
      after = last;
    }
    if (back.length > 0) await sendBack(connection, check, back);
    // The valid rows with zod's values in the deferred columns; the rows sent back drop out (no value row).
    const items: SelectItem[] = [
      ...check.columns.map((c) => ({ expr: col(c.name, filledColumns.includes(c) ? 'd' : 'v'), alias: c.name })),
      { expr: col('_row_id', 'v') }, { expr: col('_object', 'v') }, { expr: col('_line', 'v') },
    ];
    await connection.run(printSql({
      kind: 'createTableAs', name: check.validTable, orReplace: true,
      query: select(items, {
        from: table(check.validTable, 'v'),
        joins: [{ type: 'inner', from: table(FILLED_TABLE, 'd'), on: eq(col('_row_id', 'v'), col('_row_id', 'd')) }],
        orderBy: [asc(col('_row_id', 'v'))],
      }),
    }, 'duckdb'));
  } finally {
    for (const name of [PENDING_TABLE, FILLED_TABLE, BACK_TABLE]) await connection.run(`DROP TABLE IF EXISTS ${q(name)}`);
  }
  return { rows, backToZod: back.length };
}

/**
 * A number fragment with 16 digits in a row may be an integer JavaScript rounds (beyond 2^53),
 * whose digits the whole-row path keeps for the fields that want them (json-integer-precision.ts).
 * With 15 or fewer, JSON.parse of the fragment is the value JSON.parse of the row gives: DuckDB
 * writes other numbers as the same double, and strings as the same text (accepted rows hold no
 * \u escape, see compile-checks.ts).
 */
const LONG_DIGITS = /[0-9]{16}/;

/** The deferred fields' input from their fragments (NULL: the key is missing); undefined when the whole-row path must read the row. */
function fieldsInput(names: readonly string[], fragments: readonly (string | null)[]): Record<string, unknown> | undefined {
  const input: Record<string, unknown> = {};
  for (const [i, name] of names.entries()) {
    const fragment = fragments[i];
    if (fragment === null || fragment === undefined) continue; // missing stays missing, as zod sees it in the whole row
    if (!fragment.startsWith('"') && LONG_DIGITS.test(fragment)) return undefined;
    try {
      input[name] = JSON.parse(fragment) as unknown;
    } catch {
      return undefined;
    }
  }
  return input;
}

/** Moves the rows in `back` to the rejected table (created as the raw table's columns if need be); the valid table loses them when it is rebuilt. */
async function sendBack(connection: DuckDBConnection, check: DeferredFieldsCheck, back: readonly bigint[]): Promise<void> {
  const q = (name: string): string => printerFor('duckdb').quoteIdentifier(name);
  await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${q(BACK_TABLE)} (_row_id BIGINT)`);
  const appender = await connection.createAppender(BACK_TABLE);
  try {
    for (const id of back) {
      appender.appendBigInt(id);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const rows = `SELECT r.* FROM ${q(check.rawTable)} AS r SEMI JOIN ${q(BACK_TABLE)} AS b ON r._row_id = b._row_id`;
  await connection.run(check.rejectedTableExists ? `INSERT INTO ${q(check.rejectedTable)} ${rows}` : `CREATE OR REPLACE TEMPORARY TABLE ${q(check.rejectedTable)} AS ${rows}`);
}
