/**
 * zod's pass over the rows SQL did not accept, a page at a time in source order: each row is
 * parsed whole (from its JSON text, or from its typed values), and goes to the valid rows with
 * zod's output, or to the quarantine with zod's issues — or as a malformed record when its text
 * was not a record at all.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { CoercionState, CoercionSurprises } from '../../../quality/coercion-surprises.js';
import { POSITION_COLUMNS } from '../../../quality/compile-checks.js';
import type { ColumnDescription } from '../../../quality/describe-schema.js';
import type { JsonIntegerPrecision } from '../../../quality/json-integer-precision.js';
import type { RowFlattener } from '../../../quality/nested-fields.js';
import { MALFORMED_RECORD, rowIssues } from '../../../quality/quarantine.js';
import type { QuarantinedRow } from '../../../quality/quarantine.js';
import type { RoundedInteger } from '../../../sources/json-integer-literals.js';
import type { QuarantineSpool } from '../quarantine-spool.js';
import { inUtc } from '../utc-time-zone.js';
import { readJsonRow } from './deferred-fields.js';
import { duckValueToJs, duckValueToRaw } from './duckdb-row-values.js';
import { rowToRawJson } from '../../../quality/typed-row-raw.js';
import { rejectedRowPages } from './rejected-rows.js';
import { openValidRowSink } from './valid-row-appender.js';

export interface RejectedRowsParse {
  /** Whether the rejected table exists (rows SQL did not accept, or rows zod sent back). */
  readonly present: boolean;
  readonly schema: z.ZodType;
  /** The table zod's accepted rows are appended to. */
  readonly target: string;
  readonly columns: readonly ColumnDescription[];
  /** JSON rows (`_raw`, `_json`, `_error`), else typed columns. */
  readonly json: boolean;
  /** Typed rows: view column → the file's own name, which zod sees. */
  readonly originalNames?: Readonly<Record<string, string>>;
  /** Typed rows: object → the columns it does not have (absent for zod, not null). */
  readonly absentIn: ReadonlyMap<string, ReadonlySet<string>>;
  readonly precision: JsonIntegerPrecision;
  readonly coerced: CoercionSurprises;
  /** Where the coercion and precision observers record what they saw in accepted rows. */
  readonly coercions: CoercionState;
  /** Stores a nested output one column per field (nested-fields.ts). */
  readonly flatten: RowFlattener | undefined;
  readonly quarantined: QuarantineSpool;
  /** After each page: the rows read so far. */
  readonly onPage?: (checked: number) => void;
}

/**
 * @example
 * ```ts
 * const { zodRows, zodAccepted } = await parseRejectedRows(connection, { present: true, schema: Event, target: 'valid_rows', columns, json: true,
 *   absentIn: new Map(), precision, coerced, coercions: {}, flatten: undefined, quarantined });
 * ```
 */
export async function parseRejectedRows(connection: DuckDBConnection, rows: RejectedRowsParse): Promise<{ zodRows: number; zodAccepted: number }> {
  let zodRows = 0;
  let zodAccepted = 0;
  /** Rows of the pages read so far (zod's and the undecodable ones). */
  let checked = 0;
  // A page at a time, in source order: the rows SQL did not accept can be every row of the
  // input (a schema that does not fit the data), more than memory holds at once.
  for await (const page of rejectedRowPages(connection, rows.present)) {
    // An appender per page, closed before the next page is queried: no query of this
    // connection runs while one of its appenders is open.
    const sink = await openValidRowSink(connection, rows.target, rows.columns);
    const names = page.columnNames();
    // Typed rows have no _raw/_json/_error of the engine's: columns of those names are the data's own.
    const dataColumns = names.filter((n) => !POSITION_COLUMNS.has(n));
    let object = '';
    try {
      // zod in UTC, as Lambda runs it: z.coerce.date() reads zone-less text ('2024-01-01 10:00') alike on any machine.
      inUtc(() => {
        for (let c = 0; c < page.chunkCount; c++) {
          // Column by column, and only the columns a row needs: decoding text is most of what
          // reading a row costs (the raw text is read for quarantined rows only).
          const chunk = page.getChunk(c);
          const vector = (name: string) => chunk.getColumnVector(names.indexOf(name));
          const ids = vector('_row_id');
          const objects = vector('_object');
          const lines = vector('_line');
          const text = rows.json ? { raws: vector('_raw'), jsons: vector('_json'), errors: vector('_error') } : undefined;
          const data = rows.json ? [] : dataColumns.map((name) => ({ name: rows.originalNames?.[name] ?? name, column: name, values: vector(name) }));
          for (let r = 0; r < chunk.rowCount; r++) {
            const rowId = ids.getItem(r) as bigint;
            // NULL where the row before had the same object (rejectedRowPages).
            object = (objects.getItem(r) as string | null) ?? object;
            const line = lines.getItem(r) as bigint;
            let input: unknown;
            let rounded: readonly RoundedInteger[] | undefined;
            /** The raw content, for a quarantined row only. */
            let rawOf: () => string;
            if (text) {
              const jsonText = text.jsons.getItem(r) as string | null;
              rawOf = () => ((text.raws.getItem(r) as string | null) ?? jsonText ?? '');
              const error = text.errors.getItem(r) as string | null;
              if (error !== null) {
                rows.quarantined.add(malformed(object, line, rawOf(), error));
                continue;
              }
              try {
                ({ value: input, rounded } = readJsonRow(jsonText as string, rows.precision));
              } catch (error) {
                rows.quarantined.add(malformed(object, line, rawOf(), `not valid JSON: ${(error as Error).message}`));
                continue;
              }
            } else {
              const absent = rows.absentIn.get(object);
              const present = absent ? data.filter((d) => !absent.has(d.column)) : data;
              // fromEntries defines own properties: a column named "__proto__" stays a plain key.
              input = Object.fromEntries(present.map((d) => [d.name, duckValueToJs(d.values.getItem(r))]));
              rawOf = () => rowToRawJson(Object.fromEntries(present.map((d) => [d.name, duckValueToRaw(d.values.getItem(r))])));
            }
            zodRows++;
            const parsed = rows.schema.safeParse(input);
            if (parsed.success) {
              const output = parsed.data as Record<string, unknown>;
              const unstorable = sink.append(rows.flatten ? rows.flatten(output) : output, rowId, object, line);
              if (unstorable) rows.quarantined.add({ object, line: Number(line), raw: rawOf(), issues: [unstorable] });
              else {
                zodAccepted++;
                rows.coerced.observe(input, output, rows.coercions);
                rows.precision.observe(rounded, input as Record<string, unknown>, output, rows.coercions);
              }
            } else {
              rows.quarantined.add({ object, line: Number(line), raw: rawOf(), issues: rowIssues(parsed.error.issues) });
            }
          }
        }
      });
    } finally {
      sink.close();
    }
    checked += page.rowCount;
    rows.onPage?.(checked);
  }
  return { zodRows, zodAccepted };
}

function malformed(object: string, line: bigint, raw: string, error: string): QuarantinedRow {
  return { object, line: Number(line), raw, issues: [{ path: [], code: MALFORMED_RECORD, message: error }] };
}
