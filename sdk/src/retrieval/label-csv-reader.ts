/**
 * CSV labels, split by the sources' own RFC 4180 row splitter (the one checked against Python's
 * csv module), so a labels file and a pipeline source read the same text the same way.
 *
 * Why not `createCsvParser` whole: it turns a bad row into a record for the quarantine and types
 * cells for zod. Labels are the ground truth of a training set and are never quarantined: a row
 * that cannot be read exactly fails the read, at the first such row, with the file, the line and
 * the fix; and cells are typed here by the labels' own rule (`labelCell`).
 */
import { SourceError } from '../errors.js';
import { csvHeaderNames, repeatedName } from '../sources/csv-parser.js';
import { CsvRowSplitter, type CsvRow } from '../sources/csv-row-splitter.js';
import type { LabelRows } from './label-source-reader.js';

/** How to read one CSV labels object. */
export interface LabelCsvOptions {
  /** Named in every error. */
  readonly uri: string;
  /** As the sources pick it: `csvDelimiterFor(key, node.csv?.delimiter)`. */
  readonly delimiter: string;
  /** False: the columns are `column0`, `column1`, ... and the first row is a label, as in the sources. */
  readonly header: boolean;
  /** Columns kept exactly as written (the entity id: the store keys by its text, so `1.0` must not become `1`). */
  readonly textColumns: readonly string[];
}

/**
 * Reads CSV text into label rows. An empty cell is null; a cell of a text column is its text;
 * any other cell that is a plain decimal number becomes that number (`labelCell`). A blank line
 * is no row; a quoted field may span lines.
 *
 * @example
 * ```ts
 * readLabelCsv('entity_id,y\n1.0,2\n', { uri: 'labels.csv', delimiter: ',', header: true, textColumns: ['entity_id'] })
 * // { columns: ['entity_id', 'y'], rows: [{ entity_id: '1.0', y: 2 }] }
 * readLabelCsv('entity_id,y\n2,3,4\n', { uri: 'labels.csv', delimiter: ',', header: true, textColumns: [] })
 * // throws LABELS_UNREADABLE: Line 2 of the labels file labels.csv has 3 fields, but the header has 2 ...
 * ```
 * @throws SourceError `LABELS_UNREADABLE` for a header that is malformed or names a column twice, a row
 *   whose field count differs from the header's, or a row that is not valid CSV (a quote never closed,
 *   text after a closing quote).
 */
export function readLabelCsv(text: string, options: LabelCsvOptions): LabelRows {
  const splitter = new CsvRowSplitter(options.delimiter);
  const rows = splitter.push(text);
  rows.push(...splitter.end());
  const [first] = rows;
  if (!first) return { columns: [], rows: [] };
  const columns = options.header ? headerColumns(first, options.uri) : first.fields.map((_, i) => `column${i}`);
  const keep = new Set(options.textColumns);
  const out: Record<string, unknown>[] = [];
  for (const row of options.header ? rows.slice(1) : rows) {
    checkRow(row, columns.length, options);
    // fromEntries defines own properties, so a column named "__proto__" stays a plain column.
    out.push(Object.fromEntries(columns.map((name, j) => [name, labelCell(row.fields[j]!, keep.has(name))])));
  }
  return { columns, rows: out };
}

/**
 * One cell's value. A plain decimal number becomes a number, except an integer a double cannot
 * hold exactly: past 2^53 an integer is almost always an identifier, and rounding it would change
 * which row it names (12345678901234567891 would become ...7000). A decimal fraction is a
 * measurement, read to the nearest double as any CSV reader does.
 */
function labelCell(cell: string, keepText: boolean): unknown {
  if (cell === '') return null;
  if (keepText || !/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(cell)) return cell;
  const n = Number(cell);
  return /^-?\d+$/.test(cell) && !Number.isSafeInteger(n) ? cell : n;
}

/** The header's names, by the sources' rule: a blank cell is `column<i>`; a name used twice is refused. */
function headerColumns(row: CsvRow, uri: string): string[] {
  if (row.error) {
    throw new SourceError('LABELS_UNREADABLE', `The labels file ${uri} cannot be read: its CSV header on line ${row.line} is malformed: ${row.error}. ${fixFor(row.error, ' in the header')}`);
  }
  const names = csvHeaderNames(row.fields);
  const twice = repeatedName(names);
  if (twice !== undefined) {
    throw new SourceError(
      'LABELS_UNREADABLE',
      `The labels file ${uri} cannot be read: its CSV header on line ${row.line} names the column ${JSON.stringify(twice)} twice, and each label column keeps its own values under its name. Rename one of them.`,
    );
  }
  return names;
}

function checkRow(row: CsvRow, width: number, options: LabelCsvOptions): void {
  const where = `Line ${row.line} of the labels file ${options.uri}`;
  if (row.error) {
    throw new SourceError('LABELS_UNREADABLE', `${where} is not valid CSV (${excerpt(row.raw)}): ${row.error}. ${fixFor(row.error, ', or drop the row')}`);
  }
  if (row.fields.length !== width) {
    const count = `${row.fields.length} field${row.fields.length === 1 ? '' : 's'}`;
    throw new SourceError(
      'LABELS_UNREADABLE',
      `${where} has ${count}, but the ${options.header ? 'header' : 'first row'} has ${width}: ${excerpt(row.raw)}. ` +
        `Labels must be read exactly, so sluice does not guess which column a value belongs to: give the row ${width} fields ` +
        `(quote any field that holds ${JSON.stringify(options.delimiter)}), or drop it.`,
    );
  }
}

/** What to do about a row the splitter marked malformed; `where` follows the advice (a header cannot be dropped). */
function fixFor(error: string, where: string): string {
  const quoting = 'a field holding a quote, the delimiter or a line break is quoted as a whole, with inner quotes doubled: "say ""hi"", then go"';
  const what = /never closed/.test(error) ? 'close the quote' : 'quote that field as a whole';
  return `Labels must be read exactly, so sluice does not guess what was meant: ${what}${where} (${quoting}).`;
}

/** A row's text for a message: JSON-quoted (line breaks and tabs visible), cut short if long. */
function excerpt(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}
