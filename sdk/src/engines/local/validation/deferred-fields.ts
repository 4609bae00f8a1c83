/**
 * zod's part of the rows SQL accepted, when some fields have checks SQL cannot run (a transform,
 * a refine, a preprocess: CompiledChecks.deferred). SQL checked every other field of those rows;
 * zod parses just these fields, and their output fills the row's columns. zod parses each field
 * of an object on its own, so a row gets the verdict and values zod gives it whole. A row whose
 * fields zod refuses — or whose output its column cannot hold — goes back among the rows SQL
 * did not accept, for zod to parse whole: its issues and its quarantine entry are then exactly
 * the zod-only path's.
 *
 * The object's own refinements (refine/superRefine on the z.object) are zod's in the same way:
 * zod then parses each row SQL accepted whole (`whole`), and keeps the values of the deferred
 * fields, if any. A row's other values stay SQL's: zod gives the same for them, SQL having
 * checked them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { DUCKDB_COLUMN_TYPE } from '../../../quality/compile-checks.js';
import type { ColumnDescription } from '../../../quality/describe-schema.js';
import { storedRow, valueAt } from '../../../quality/nested-fields.js';
import { kindFieldsOnly } from '../../../quality/kind-fields.js';
import { printerFor, printSql } from '../../../sql/dialects.js';
import { asc, col, eq, select, table } from '../../../sql/sql-builders.js';
import type { SelectItem } from '../../../sql/sql-node.js';
import type { JsonIntegerPrecision } from '../../../quality/json-integer-precision.js';
import { roundedIntegerLiterals, type RoundedInteger } from '../../../sources/json-integer-literals.js';
import { inUtc } from '../utc-time-zone.js';
import { duckValueToJs } from './duckdb-row-values.js';
import { pendingPages } from './pending-pages.js';
import { openValidRowSink } from './valid-row-appender.js';

export interface DeferredFieldsCheck {
  readonly schema: z.ZodType;
  /** Top-level fields zod checks in the rows SQL accepted, and whose values it gives. */
  readonly deferred: readonly string[];
  /**
   * The schema has object-level refinements: zod parses every row SQL accepted whole, with the
   * whole schema, and `input` gives the whole row (jsonRowInput, or typedInput of every field).
   */
  readonly whole?: boolean;
  /** Every valid column in schema order. */
  readonly columns: readonly ColumnDescription[];
  /** The rows SQL accepted: `_row_id`, then what `input` reads, in `_row_id` order (jsonPending, typedPending). */
  readonly pending: string;
  /** `pending`'s columns after `_row_id` are JSON text (jsonPending, jsonRowPending): read a page's at once. */
  readonly jsonText: boolean;
  /** The deferred fields' input from a pending row's values after `_row_id`; undefined: the whole-row path must read the row. */
  readonly input: (values: readonly unknown[]) => DeferredInput | undefined;
  readonly rawTable: string;
  /** The rows left for zod, created here (as `rawTable`'s columns) when it does not exist yet. */
  readonly rejectedTable: string;
  readonly rejectedTableExists: boolean;
  /** Called with each accepted row's deferred input and zod's output of it (coercion notes). */
  readonly observe: (input: DeferredInput, output: Record<string, unknown>) => void;
  /** Called after each page with the rows checked so far. */
  readonly onProgress?: (rows: number) => void;
  /**
   * Rows SQL accepted that `pending` leaves out (a union's kinds zod has no part in): a query of
   * their values of the given columns, as SQL stored them, then `_row_id`. They join zod's
   * accepted rows in the values table as they are.
   */
  readonly unparsed?: (columns: readonly ColumnDescription[]) => string;
}

/** What zod parses for a row's deferred fields, and the integer literals in them JavaScript rounded (JSON rows). */
export interface DeferredInput {
  readonly value: Record<string, unknown>;
  readonly rounded?: readonly RoundedInteger[];
}

export interface DeferredFieldsResult {
  /** Rows zod checked the deferred fields of. */
  readonly rows: number;
  /** Of those, the rows sent to zod whole (now in the rejected table). */
  readonly backToZod: number;
  /**
   * zod's values of the deferred columns (those columns, then `_row_id`), for the rows it accepted:
   * join it to the accepted rows (replaceDeferredValues), then drop it (dropDeferredValues).
   */
  readonly valuesTable: string;
  /** The deferred fields' columns (nested objects flattened), in schema order. */
  readonly valueColumns: readonly ColumnDescription[];
}

const PENDING_TABLE = '_sluice_deferred_inputs';
const VALUES_TABLE = '_sluice_deferred_values';
const BACK_TABLE = '_sluice_deferred_back';

const quote = (name: string): string => printerFor('duckdb').quoteIdentifier(name);

/**
 * @example
 * ```ts
 * // Event has user_id: z.string().transform((s) => s.toUpperCase()); SQL accepted 217,068 rows
 * const deferred = ['user_id'];
 * const result = await checkDeferredFields(connection, { schema: Event, deferred, columns, jsonText: true,
 *   pending: jsonPending('valid_rows', 'raw_rows', deferred), input: jsonInput(deferred, jsonIntegerPrecision(Event)),
 *   rawTable: 'raw_rows', rejectedTable: '_sluice_rejected', rejectedTableExists: true, observe: () => {} });
 * // result.rows 217,068, result.backToZod 0
 * await replaceDeferredValues(connection, 'valid_rows', columns, result); // valid_rows.user_id now holds 'U00001'…
 * await dropDeferredValues(connection);
 * ```
 */
export async function checkDeferredFields(connection: DuckDBConnection, check: DeferredFieldsCheck): Promise<DeferredFieldsResult> {
  const mask = Object.fromEntries(check.deferred.map((name) => [name, true] as const));
  // pick() keeps the object's own settings (strict, loose) and the user's zod instance, and
  // leaves out the object's refinements: with those, zod needs the whole row (`whole`).
  const fields = check.whole ? check.schema : (check.schema as unknown as { pick(mask: Record<string, true>): z.ZodType }).pick(mask);
  const valueColumns = check.columns.filter((c) => check.deferred.includes(c.path?.[0] ?? c.name));
  // zod's output is the row to append as it is, unless a nested object's fields are columns, or
  // a loose kind of a union kept keys it does not name (kind-fields.ts).
  const only = check.whole ? kindFieldsOnly(check.schema) : undefined;
  const nested = valueColumns.some((c) => c.path)
    ? (output: Record<string, unknown>) => Object.fromEntries(valueColumns.map((c) => [c.name, c.path ? valueAt(output, c.path) : output[c.name]]))
    : (output: Record<string, unknown>) => output;
  const flat = storedRow(only, nested)!;

  // Only _row_id when zod gives no values (only the row's refinements): the rows it accepted.
  await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${quote(VALUES_TABLE)} (${[...valueColumns.map((c) => `${quote(c.name)} ${DUCKDB_COLUMN_TYPE[c.type]}`), '_row_id BIGINT'].join(', ')})`);
  const back: bigint[] = [];
  let rows = 0;
  try {
    // The inputs once, in _row_id order: pages then read only those, never the whole row.
    for await (const page of pendingPages(connection, PENDING_TABLE, check.pending, { jsonText: check.jsonText })) {
      // One appender per page, closed before the next query on this connection. None when zod
      // gives no values (only the row's refinements): the rows it accepts are added at the end.
      const sink = valueColumns.length > 0 ? await openValidRowSink(connection, VALUES_TABLE, valueColumns, { positions: false }) : undefined;
      try {
        // zod in UTC, as the whole-row path runs it (utc-time-zone.ts): a transform or refine
        // that reads zone-less text decides alike on any machine.
        inUtc(() => {
          const values: unknown[] = [];
          for (let r = 0; r < page.rowIds.length; r++) {
            const rowId = page.rowIds[r]!;
            rows++;
            page.values(r, values);
            const input = check.input(values);
            const parsed = input === undefined ? undefined : fields.safeParse(input.value);
            if (input === undefined || !parsed?.success) {
              back.push(rowId);
              continue;
            }
            const output = parsed.data as Record<string, unknown>;
            if (sink?.append(flat(output), rowId, '', 0n /* no positions in this table */)) {
              back.push(rowId); // a value its column cannot hold: zod's whole-row path says so
              continue;
            }
            check.observe(input, output);
          }
        });
      } finally {
        sink?.close();
      }
      check.onProgress?.(rows);
    }
    if (back.length > 0) await sendBack(connection, check, back);
    if (valueColumns.length === 0) {
      // In one statement rather than a row at a time: the rows zod accepted are those it did not send back.
      await connection.run(`INSERT INTO ${quote(VALUES_TABLE)} SELECT _row_id FROM ${quote(PENDING_TABLE)}${back.length > 0 ? ` ANTI JOIN ${quote(BACK_TABLE)} USING (_row_id)` : ''}`);
    }
    if (check.unparsed) await connection.run(`INSERT INTO ${quote(VALUES_TABLE)} ${check.unparsed(valueColumns)}`);
  } catch (error) {
    await dropDeferredValues(connection);
    throw error;
  } finally {
    for (const name of [PENDING_TABLE, BACK_TABLE]) await connection.run(`DROP TABLE IF EXISTS ${quote(name)}`);
  }
  return { rows, backToZod: back.length, valuesTable: VALUES_TABLE, valueColumns };
}

/**
 * JSON rows: each deferred field's JSON fragment, for the rows in `validTable` (SQL accepted them).
 *
 * @example
 * ```ts
 * jsonPending('valid_rows', 'raw_rows', ['user_id'])
 * // SELECT _row_id, l[1] AS f0 FROM (SELECT v._row_id, json_extract(r._json, ['/user_id']) AS l FROM … JOIN …) ORDER BY _row_id
 * ```
 */
export function jsonPending(validTable: string, rawTable: string, deferred: readonly string[]): string {
  const p = printerFor('duckdb');
  const paths = deferred.map((name) => p.stringLiteral(`/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`)).join(', ');
  const fragments = deferred.map((_, i) => `l[${i + 1}] AS f${i}`).join(', ');
  return `SELECT _row_id, ${fragments} FROM (SELECT v._row_id, json_extract(r._json, [${paths}]) AS l FROM ${quote(validTable)} AS v JOIN ${quote(rawTable)} AS r ON v._row_id = r._row_id) ORDER BY _row_id`;
}

/** 16 digits in a row: the least an integer literal JavaScript rounds has (2^53 has 16); with fewer, the fragments need no second look. */
const LONG_DIGITS = /[0-9]{16}/;

/**
 * JSON rows: the deferred fields' input from their fragments (NULL: the key is missing, as zod
 * sees it in the whole row). JSON.parse of a fragment is the value JSON.parse of the row gives:
 * DuckDB writes numbers as the same double and strings as the same text (accepted rows hold no
 * \u escape, see compile-checks.ts), and keeps the digits of integer literals of any length, so
 * the literals JavaScript rounds are found in the fragments as in the row, and `precision` gives
 * them to the fields that keep digits, as the whole-row path does (json-integer-precision.ts).
 *
 * @example
 * ```ts
 * jsonInput(['user_id', 'tag'], precision)(['"u1"', null])      // { value: { user_id: 'u1' } }
 * jsonInput(['id'], precision)(['12345678901234567890']).value // { id: '12345678901234567890' } for a z.coerce.string() id
 * ```
 */
export function jsonInput(deferred: readonly string[], precision: JsonIntegerPrecision): (fragments: readonly unknown[]) => DeferredInput | undefined {
  return (fragments) => {
    const value: Record<string, unknown> = {};
    let longDigits = false;
    for (let i = 0; i < deferred.length; i++) {
      const fragment = fragments[i] as string | null;
      if (fragment === null) continue;
      try {
        value[deferred[i]!] = JSON.parse(fragment) as unknown;
      } catch {
        return undefined; // the whole-row path quarantines the row with JSON.parse's message
      }
      longDigits ||= LONG_DIGITS.test(fragment);
    }
    if (!longDigits) return { value };
    const text = `{${deferred.flatMap((name, i) => (fragments[i] === null ? [] : [`${JSON.stringify(name)}:${fragments[i] as string}`])).join(',')}}`;
    const rounded = roundedIntegerLiterals(text, value);
    return rounded ? { value: precision.input(value, rounded), rounded } : { value };
  };
}

/**
 * JSON rows zod parses whole (`whole`): `_json` of the rows in `validTable` (SQL accepted them).
 *
 * @example
 * ```ts
 * jsonRowPending('valid_rows', 'raw_rows')
 * // SELECT v._row_id, r._json FROM "valid_rows" AS v JOIN "raw_rows" AS r ON v._row_id = r._row_id ORDER BY _row_id
 * ```
 */
export function jsonRowPending(validTable: string, rawTable: string, where?: string): string {
  return `SELECT v._row_id, r._json FROM ${quote(validTable)} AS v JOIN ${quote(rawTable)} AS r ON v._row_id = r._row_id${where ? ` WHERE ${where}` : ''} ORDER BY _row_id`;
}

/**
 * A JSON row as zod is given it, from its `_json`: `JSON.parse`, and the digits of integer
 * literals JavaScript rounds given to the fields that keep them (raw-loader.ts keeps them in
 * `_json`). Throws `JSON.parse`'s error for text that is not JSON. The whole-row path and the
 * pass after SQL read rows alike through it.
 *
 * @example
 * ```ts
 * readJsonRow('{"id":"e1","n":3}', precision) // { value: { id: 'e1', n: 3 } }
 * ```
 */
export function readJsonRow(text: string, precision: JsonIntegerPrecision): DeferredInput {
  const value = JSON.parse(text) as Record<string, unknown>;
  const rounded = roundedIntegerLiterals(text, value);
  return rounded ? { value: precision.input(value, rounded), rounded } : { value };
}

/**
 * JSON rows zod parses whole: the row from its `_json`, as the whole-row path reads it.
 *
 * @example
 * ```ts
 * jsonRowInput(precision)(['{"id":"e1","n":3}']) // { value: { id: 'e1', n: 3 } }
 * ```
 */
export function jsonRowInput(precision: JsonIntegerPrecision): (values: readonly unknown[]) => DeferredInput | undefined {
  return (values) => {
    try {
      return readJsonRow(values[0] as string, precision);
    } catch {
      return undefined; // the whole-row path quarantines the row with JSON.parse's message
    }
  };
}

/** A deferred field of typed rows: its column (absent: no object has it), and the objects that lack it. */
export interface TypedDeferredField {
  readonly name: string;
  /** The key zod sees it under (a file may spell the column otherwise, see column-case-variants.ts). */
  readonly key: string;
  readonly column?: string;
  readonly absentIn: readonly string[];
}

/**
 * Typed rows: for the rows `accepted` selects, each deferred field's value and whether the row's
 * object lacks its column.
 *
 * @example
 * ```ts
 * typedPending('raw_rows', '"amount" >= 0', [{ name: 'user', key: 'user', column: 'user', absentIn: [] }])
 * // SELECT _row_id, "user" AS v0, FALSE AS m0 FROM "raw_rows" WHERE "amount" >= 0 ORDER BY _row_id
 * ```
 */
export function typedPending(rawTable: string, accepted: string, fields: readonly TypedDeferredField[]): string {
  const p = printerFor('duckdb');
  const items = fields.flatMap((f, i) => [
    `${f.column === undefined ? 'NULL' : quote(f.column)} AS v${i}`,
    `${f.column === undefined ? 'TRUE' : f.absentIn.length ? `_object IN (${f.absentIn.map((o) => p.stringLiteral(o)).join(', ')})` : 'FALSE'} AS m${i}`,
  ]);
  return `SELECT _row_id, ${items.join(', ')} FROM ${quote(rawTable)} WHERE ${accepted} ORDER BY _row_id`;
}

/**
 * Typed rows: the deferred fields' input from their values and missing flags, converted as the
 * whole-row path converts them.
 *
 * @example
 * ```ts
 * typedInput([{ name: 'user', key: 'user', column: 'user', absentIn: [] }])(['u1', false]) // { value: { user: 'u1' } }
 * ```
 */
export function typedInput(fields: readonly TypedDeferredField[]): (values: readonly unknown[]) => DeferredInput {
  return (values) => {
    const value: Record<string, unknown> = {};
    for (const [i, field] of fields.entries()) {
      if (values[2 * i + 1] === true) continue;
      value[field.key] = duckValueToJs(values[2 * i] as Parameters<typeof duckValueToJs>[0]);
    }
    return { value };
  };
}

/**
 * Replaces the deferred columns of `validTable` (a table of the rows SQL accepted) with zod's
 * values; the rows sent back drop out, having no values row. Keeps `_row_id` order.
 *
 * @example
 * ```ts
 * await replaceDeferredValues(connection, 'valid_rows', columns, result);
 * ```
 */
export async function replaceDeferredValues(connection: DuckDBConnection, validTable: string, columns: readonly ColumnDescription[], result: DeferredFieldsResult): Promise<void> {
  const items: SelectItem[] = [
    ...columns.map((c) => ({ expr: col(c.name, result.valueColumns.includes(c) ? 'd' : 'v'), alias: c.name })),
    { expr: col('_row_id', 'v') }, { expr: col('_object', 'v') }, { expr: col('_line', 'v') },
  ];
  await connection.run(printSql({
    kind: 'createTableAs', name: validTable, orReplace: true,
    query: select(items, {
      from: table(validTable, 'v'),
      joins: [{ type: 'inner', from: table(result.valuesTable, 'd'), on: eq(col('_row_id', 'v'), col('_row_id', 'd')) }],
      orderBy: [asc(col('_row_id', 'v'))],
    }),
  }, 'duckdb'));
}

/**
 * Drops the table of zod's deferred values once the valid rows hold them.
 *
 * @example
 * ```ts
 * await dropDeferredValues(connection);
 * ```
 */
export async function dropDeferredValues(connection: DuckDBConnection): Promise<void> {
  await connection.run(`DROP TABLE IF EXISTS ${quote(VALUES_TABLE)}`);
}

/** Moves the rows in `back` to the rejected table (created as the raw table's columns if need be). */
async function sendBack(connection: DuckDBConnection, check: DeferredFieldsCheck, back: readonly bigint[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${quote(BACK_TABLE)} (_row_id BIGINT)`);
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
  const rows = `SELECT r.* FROM ${quote(check.rawTable)} AS r SEMI JOIN ${quote(BACK_TABLE)} AS b ON r._row_id = b._row_id`;
  await connection.run(check.rejectedTableExists ? `INSERT INTO ${quote(check.rejectedTable)} ${rows}` : `CREATE OR REPLACE TEMPORARY TABLE ${quote(check.rejectedTable)} AS ${rows}`);
}
