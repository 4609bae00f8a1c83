import { roundedIntegerDigits, type RoundedInteger } from './json-integer-literals.js';
import { CsvRowSplitter, type CsvRow } from './csv-row-splitter.js';
import type { CsvColumnType, RawRecord } from './source-object.js';
import { ObjectFormatError, type TextRecordParser } from './text-record-parser.js';

/** Options of `createCsvParser`. */
export interface CsvParserOptions {
  readonly delimiter: string;
  /** When false, columns are named `column0`, `column1`, ... (as DuckDB names them). */
  readonly header: boolean;
  /** Decode these columns from text; the others stay strings. */
  readonly columnTypes?: Readonly<Record<string, CsvColumnType>>;
  /**
   * Typed columns whose empty cell is `null` (the schema accepts null but not a missing
   * field). Every other typed column's empty cell is a missing field: the record has no such
   * key, so `.optional()` and `.default()` apply and a required field fails as zod says (its
   * coercion of nothing: "received NaN", "received Date", never 0 or 1970).
   */
  readonly nullColumns?: readonly string[];
}

/**
 * A CSV parser producing one record per data row. Values are strings, except for columns
 * that `columnTypes` types: numeric text becomes a number (non-numeric text stays a string,
 * so validation reports it with the original value), and `true`/`false` become booleans.
 * Timestamps stay text (the schema coerces them). An empty (or blank) cell of a typed column
 * is a missing value: the field is left out of the record, or is `null` for the columns in
 * `nullColumns`. Why not always null: `z.coerce.date()` turns null into 1970-01-01 and
 * `z.coerce.number()` into 0, silently, and `.optional()` / `.default()` do not apply to null.
 * A text column keeps its cell as written, `''` included (text is text; `z.string().min(1)`
 * refuses a blank one). A row whose field count differs from the header's becomes a record with an
 * error. A header that repeats a column name fails the whole object (`ObjectFormatError`).
 *
 * @example
 * ```ts
 * const p = createCsvParser({ delimiter: ',', header: true, columnTypes: { n: 'integer' } });
 * p.push('id,n\na,1\nb,\nc,2,3\n');
 * // [{ line: 2, raw: 'a,1', value: { id: 'a', n: 1 } },
 * //  { line: 3, raw: 'b,', value: { id: 'b' } },
 * //  { line: 4, raw: 'c,2,3', error: 'row has 3 fields, header has 2' }]
 * ```
 */
export function createCsvParser(options: CsvParserOptions): TextRecordParser {
  const splitter = new CsvRowSplitter(options.delimiter);
  let columns: string[] | undefined;
  let decoders: ((text: string) => unknown)[] = [];
  const nulls = new Set(options.nullColumns ?? []);
  const toRecords = (rows: CsvRow[]): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const row of rows) {
      if (columns === undefined) {
        if (options.header) {
          columns = headerColumns(row);
          decoders = columns.map((name) => decoderFor(options.columnTypes?.[name], nulls.has(name)));
          continue;
        }
        columns = row.fields.map((_, i) => `column${i}`);
        decoders = columns.map((name) => decoderFor(options.columnTypes?.[name], nulls.has(name)));
      }
      out.push(toRecord(row, columns, decoders, options.header));
    }
    return out;
  };
  return {
    push: (text) => toRecords(splitter.push(text)),
    end: () => toRecords(splitter.end()),
    get line() {
      return splitter.line;
    },
  };
}

function headerColumns(row: CsvRow): string[] {
  if (row.error) throw new ObjectFormatError(`the CSV header on line ${row.line} is malformed: ${row.error}`);
  const names = csvHeaderNames(row.fields);
  const twice = repeatedName(names);
  if (twice !== undefined) {
    throw new ObjectFormatError(`the CSV header on line ${row.line} names the column "${twice}" twice; column names must be unique`);
  }
  return names;
}

/**
 * A CSV header's column names: an empty cell gets DuckDB's positional name, so the column is
 * still reachable.
 *
 * @example
 * ```ts
 * csvHeaderNames(['id', '', 'n']) // ['id', 'column1', 'n']
 * ```
 */
export function csvHeaderNames(fields: readonly string[]): string[] {
  return fields.map((name, i) => (name.trim() === '' ? `column${i}` : name));
}

/**
 * The first name that comes twice (a header no reader can take apart), if any.
 *
 * @example
 * ```ts
 * repeatedName(['id', 'n', 'id']) // 'id'
 * ```
 */
export function repeatedName(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

function toRecord(row: CsvRow, columns: string[], decoders: ((text: string) => unknown)[], header: boolean): RawRecord {
  const { line, raw } = row;
  if (row.error) return { line, raw, error: row.error };
  if (row.fields.length !== columns.length) {
    const reference = header ? 'header has' : 'the first row has';
    return { line, raw, error: `row has ${row.fields.length} fields, ${reference} ${columns.length}` };
  }
  // fromEntries defines own properties, so a column named "__proto__" stays a plain column.
  const entries: [string, unknown][] = [];
  let roundedIntegers: RoundedInteger[] | undefined;
  for (const [i, name] of columns.entries()) {
    const decoded = decoders[i]!(row.fields[i]!);
    if (decoded === MISSING) continue;
    entries.push([name, decoded]);
    // A number column's cell beyond 2^53 whose digits Number() lost, noted as JSON Lines notes it.
    const digits = typeof decoded === 'number' ? roundedIntegerDigits(row.fields[i]!, decoded) : undefined;
    if (digits !== undefined) (roundedIntegers ??= []).push({ path: [name], digits });
  }
  const value = Object.fromEntries(entries);
  return roundedIntegers ? { line, raw, value, roundedIntegers } : { line, raw, value };
}

/** What a decoder returns for a cell that leaves its field out of the record. */
const MISSING = Symbol('missing');

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function decoderFor(type: CsvColumnType | undefined, blankIsNull: boolean): (text: string) => unknown {
  const blank = blankIsNull ? null : MISSING;
  switch (type) {
    case undefined:
    case 'string':
      return (text) => text;
    case 'number':
      return (text) => {
        const t = text.trim();
        if (t === '') return blank;
        return NUMERIC.test(t) ? Number(t) : text;
      };
    case 'integer':
      return (text) => {
        const t = text.trim();
        if (t === '') return blank;
        if (!NUMERIC.test(t)) return text;
        // Beyond 2^53 a number would silently change value: keep the text so validation reports it.
        const n = Number(t);
        return Number.isInteger(n) && !Number.isSafeInteger(n) ? text : n;
      };
    case 'boolean':
      return (text) => {
        const t = text.trim().toLowerCase();
        if (t === '') return blank;
        return t === 'true' ? true : t === 'false' ? false : text;
      };
    case 'timestamp':
      return (text) => (text.trim() === '' ? blank : text);
  }
}
