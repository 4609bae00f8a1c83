/**
 * CSV files where RFC 4180 is silent or ambiguous, each with what sluice's documented rules
 * (csv-row-splitter.ts, csv-parser.ts) make of it under the schema `{ id: string, name: string }`:
 * the valid rows and the quarantined ones, written out by hand. Shared by the tests that read
 * them locally and through the event stage.
 */
export const AFTER_QUOTE = /^unexpected text after the closing quote of field 2; a field with quotes must be quoted as a whole, with inner quotes doubled/;

export interface Case {
  readonly name: string;
  readonly bytes: string;
  /** The valid rows, in order. */
  readonly valid: readonly { id: string; name: string }[];
  /** The quarantined rows: where each starts and why. */
  readonly quarantined: readonly { line: number; reason: RegExp }[];
}

export const CASES: readonly Case[] = [
  {
    // Lenient where nothing is lost: a quote inside an unquoted field is a character.
    name: 'stray-quote',
    bytes: 'id,name\n1,a"b\n2,5" pipe\n3,b""\n',
    valid: [{ id: '1', name: 'a"b' }, { id: '2', name: '5" pipe' }, { id: '3', name: 'b""' }],
    quarantined: [],
  },
  {
    // Python reads "a"b as ab, guessing; sluice quarantines the row rather than guess.
    name: 'text-after-closing-quote',
    bytes: 'id,name\n1,"a"b\n2,"x" \n3,ok\n',
    valid: [{ id: '3', name: 'ok' }],
    quarantined: [{ line: 2, reason: AFTER_QUOTE }, { line: 3, reason: AFTER_QUOTE }],
  },
  {
    // The rest of the file is inside the quote: one row (Python too), quarantined with all of it as raw.
    name: 'unterminated-quote',
    bytes: 'id,name\n1,ok\n2,"never closed\n3,swallowed\n',
    valid: [{ id: '1', name: 'ok' }],
    quarantined: [{ line: 3, reason: /^a quoted field opened on line 3 is never closed$/ }],
  },
  {
    name: 'unterminated-quote-no-newline',
    bytes: 'id,name\n1,"',
    valid: [],
    quarantined: [{ line: 2, reason: /^a quoted field opened on line 2 is never closed$/ }],
  },
  {
    // Classic Mac line ends; a CR inside quotes is a character.
    name: 'lone-cr',
    bytes: 'id,name\r1,a\r2,"b\rc"\r3,d',
    valid: [{ id: '1', name: 'a' }, { id: '2', name: 'b\rc' }, { id: '3', name: 'd' }],
    quarantined: [],
  },
  {
    name: 'mixed-line-ends',
    bytes: 'id,name\r\n1,a\n2,b\r3,c\r\n',
    valid: [{ id: '1', name: 'a' }, { id: '2', name: 'b' }, { id: '3', name: 'c' }],
    quarantined: [],
  },
  {
    // The leading byte-order mark is dropped, so the first column is `id`, not `\ufeffid`;
    // one further on is text.
    name: 'bom',
    bytes: '\ufeffid,name\r\n1,\ufeffa\r\n',
    valid: [{ id: '1', name: '\ufeffa' }],
    quarantined: [],
  },
  {
    name: 'nul-byte',
    bytes: 'id,name\n1,a\0b\n2,"\0"\n',
    valid: [{ id: '1', name: 'a\0b' }, { id: '2', name: '\0' }],
    quarantined: [],
  },
  {
    // Blank lines are no rows; a line of spaces is a row of one field.
    name: 'blank-and-space-lines',
    bytes: 'id,name\n\n1,a\r\n\r\n   \n2,b\n\n',
    valid: [{ id: '1', name: 'a' }, { id: '2', name: 'b' }],
    quarantined: [{ line: 5, reason: /^row has 1 fields, header has 2$/ }],
  },
  {
    name: 'ragged',
    bytes: 'id,name\n1\n2,b,c\n3,c\n,\n',
    valid: [{ id: '3', name: 'c' }, { id: '', name: '' }],
    quarantined: [{ line: 2, reason: /^row has 1 fields, header has 2$/ }, { line: 3, reason: /^row has 3 fields, header has 2$/ }],
  },
  { name: 'header-only', bytes: 'id,name\r\n', valid: [], quarantined: [] },
  { name: 'header-only-no-newline', bytes: 'id,name', valid: [], quarantined: [] },
  { name: 'empty', bytes: '', valid: [], quarantined: [] },
];

