import type { RawRecord } from './source-object.js';
import { roundedIntegerLiterals } from './json-integer-literals.js';
import { JsonValueFramer, type FramedRecord } from './json-value-framer.js';
import { ObjectFormatError, type TextRecordParser } from './text-record-parser.js';

/**
 * A JSON records parser: JSON Lines, and the other ways JSON records are written to files.
 *
 * - **JSON Lines** (the usual case, and the fast path): one record per non-blank line. Blank
 *   lines are skipped but counted, so `line` is always the line number in the file. A line that
 *   is not valid JSON, or is valid JSON but not an object, becomes a record with an `error` and
 *   no `value`.
 * - **Records back to back on a line** (`{…}{…}`, as Kinesis Data Firehose writes them when its
 *   newline delimiter is off) are one record each, all on that line's number. So are the elements
 *   of a line that is an array (`[{…}, {…}]`). A line that cannot be cut into whole objects (a
 *   truncated record, `{…}oops`, `not json`) stays one malformed record: records are never
 *   guessed out of broken text.
 * - **A JSON document** — pretty-printed objects (`jq .`), or an array of records over many lines
 *   — is recognised by its first non-blank line (`[` or `{` alone, or an array that does not
 *   close on it; or lines of `{}`, records of no keys, then `{` alone) and cut into
 *   records by its structure (json-value-framer.ts), each with the line it starts on. Structure that cannot be cut, or text that ends inside a record or the array,
 *   throws ObjectFormatError: the object is quarantined whole, as a truncated gzip is.
 *
 * @example
 * ```ts
 * const p = createJsonlParser();
 * p.push('{"a":1}\n\n[1]\n{"a"');
 * // [{ line: 1, raw: '{"a":1}', value: { a: 1 } }, { line: 3, raw: '1', error: 'expected a JSON object, got number' }]
 * p.end(); // [{ line: 4, raw: '{"a"', error: 'malformed JSON: ...' }]
 * ```
 */
export function createJsonlParser(): TextRecordParser {
  /**
   * The unfinished line's pieces, none holding a newline. Kept apart and joined once, at its
   * end: appending each chunk to one string and searching it flattened the whole line at every
   * chunk (a 40 MB line took 10 s).
   */
  let pending: string[] = [];
  let line = 1;
  /** Until the first non-blank line is whole, the text read so far (the framer gets it all if the object is a document). */
  let head: string[] | undefined = [];
  const decidingLineEnds = decidingLineWatch();
  const backToBack = backToBackWatch();
  let document: JsonValueFramer | undefined;

  const take = (text: string, out: RawRecord[]): void => {
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() !== '') lineRecords(line, raw, out);
    line++;
  };
  const pushLines = (text: string, out: RawRecord[]): void => {
    let nl = text.indexOf('\n');
    if (nl === -1) {
      if (text !== '') pending.push(text);
      return;
    }
    take(pending.length === 0 ? text.slice(0, nl) : `${pending.join('')}${text.slice(0, nl)}`, out);
    pending = [];
    let start = nl + 1;
    for (nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl), out);
      start = nl + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  };
  /** Decides, once the first non-blank line is whole (or the text ended), how the object is read; returns its records so far. */
  const decide = (): RawRecord[] => {
    const text = head!.join('');
    head = undefined;
    const out: RawRecord[] = [];
    if (startsDocument(text)) {
      document = new JsonValueFramer();
      addFramed(out, document.push(text));
    } else {
      pushLines(text, out);
    }
    return out;
  };
  return {
    push(text) {
      const out: RawRecord[] = [];
      if (document) addFramed(out, document.push(text));
      else if (head) {
        head.push(text);
        // Records back to back on the first line (Firehose without its delimiter: often the whole
        // object is one line of many megabytes) are framed as they stream, not held to the line's end.
        const framed = backToBack(text);
        if (framed) {
          head = undefined;
          document = framed.framer;
          addFramed(out, framed.records);
          return out;
        }
        return decidingLineEnds(text) ? decide() : out;
      } else pushLines(text, out);
      return out;
    },
    end() {
      const out = head ? decide() : [];
      if (document) addFramed(out, document.end());
      else if (pending.length > 0) take(pending.join(''), out);
      pending = [];
      return out;
    },
    get line() {
      return document ? document.currentLine : line;
    },
  };
}

/**
 * Frames the first chunks as records back to back. Once the first line holds two objects
 * (`{…}{…}`), gives back the framer, which has read every chunk so far, and the records it cut:
 * the object is then read on with that framer, the text already framed never framed again.
 * Gives up (undefined from then on) at text that is not objects back to back on one line.
 */
function backToBackWatch(): (chunk: string) => { framer: JsonValueFramer; records: FramedRecord[] } | undefined {
  let framer: JsonValueFramer | undefined = new JsonValueFramer();
  const records: FramedRecord[] = [];
  let opened = false;
  return (chunk) => {
    if (!framer) return undefined;
    if (!opened) {
      const first = NON_BLANK.exec(chunk)?.[0];
      opened = first !== undefined;
      // An array's elements are cut line by line (lineRecords) or as a document (startsDocument).
      if (opened && first !== '{') framer = undefined;
    }
    try {
      // Blank chunks too: the framer counts their lines.
      for (const record of framer?.push(chunk) ?? []) records.push(record);
    } catch {
      framer = undefined; // not records back to back: the line decides
    }
    if (!framer || records.length < 2) return undefined;
    const [first, second] = records as [FramedRecord, FramedRecord];
    if (second.line === first.line && second.text.startsWith('{')) return { framer, records };
    framer = undefined;
    return undefined;
  };
}

/**
 * Watches the first chunks for the end of the line that decides how the object is read: the
 * first non-blank one, or after lines of `{}` (records of no keys, which jq prints on one line
 * in a pretty-printed file too) the first other one. Chunks are not joined (a first line of
 * many megabytes arrives in many chunks); of a line only its first characters are looked at.
 */
function decidingLineWatch(): (chunk: string) => boolean {
  let decided = false;
  /** The start of the line the last chunk ended inside (a few characters tell `{}` from others). */
  let carry = '';
  return (chunk) => {
    if (decided) return true;
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; start = nl + 1, nl = chunk.indexOf('\n', start)) {
      const line = `${carry}${chunk.slice(start, Math.min(nl, start + 16))}`.trim();
      carry = '';
      if (line !== '' && !EMPTY_RECORD.test(line)) return (decided = true);
    }
    if (carry.length < 16) carry += chunk.slice(start, start + 16);
    return false;
  };
}

const EMPTY_RECORD = /^\{\s*\}$/;

const NON_BLANK = /\S/;

/**
 * Whether the object is one JSON document rather than JSON Lines, from its first non-blank
 * line: `[` or `{` alone (pretty-printed), or an array that does not close on that line. A first
 * line that is a whole value (a one-line array included) is JSON Lines — except lines of `{}`
 * followed by `{` alone: pretty-printed records whose first ones have no keys.
 */
function startsDocument(text: string): boolean {
  let emptyRecords = 0;
  for (const line of nonBlankLines(text)) {
    if (EMPTY_RECORD.test(line)) {
      emptyRecords++;
      continue;
    }
    if (emptyRecords > 0) return line === '{';
    if (line === '[' || line === '{') return true;
    if (!line.startsWith('[')) return false;
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  }
  return false;
}

/** The non-blank lines of `text`, trimmed, one at a time. */
function* nonBlankLines(text: string): Generator<string> {
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl === -1 ? text.length : nl).trim();
    if (line !== '') yield line;
    if (nl === -1) return;
    start = nl + 1;
  }
}

/** Adds a line's records to `out`: the line itself (the fast path), or the values it holds back to back, or a one-line array's elements. */
function lineRecords(line: number, raw: string, out: RawRecord[]): void {
  const record = parseJsonLine(line, raw);
  if (record.value !== undefined) {
    out.push(record);
    return;
  }
  const array = record.error === ARRAY_ERROR;
  let values: FramedRecord[] | undefined;
  if (array || record.error?.startsWith('malformed JSON')) {
    try {
      const framer = new JsonValueFramer(line);
      values = framer.push(raw);
      for (const value of framer.end()) values.push(value);
    } catch (error) {
      if (!(error instanceof ObjectFormatError)) throw error; // else not cut into whole values: one malformed record
    }
  }
  // A malformed line is cut only into several objects (or arrays of them): text such as
  // `not json` or `{"a":1}oops` stays one malformed record, never several.
  if (values && (array || (values.length >= 2 && values.every(opensRecord)))) addFramed(out, values);
  else out.push(record);
}

function opensRecord(value: FramedRecord): boolean {
  return value.text.startsWith('{') || value.text.startsWith('[');
}

/** Decodes framed records into `out` (a loop: a spread of a line's 100,000 records overflows the call stack). */
function addFramed(out: RawRecord[], values: readonly FramedRecord[]): void {
  for (const v of values) out.push(parseJsonLine(v.line, v.text));
}

const ARRAY_ERROR = 'expected a JSON object, got array';

/**
 * Decodes one JSON Lines record. An integer literal that `JSON.parse` rounded (beyond 2^53) is
 * listed in `roundedIntegers`, with its digits as written.
 *
 * @example
 * ```ts
 * parseJsonLine(7, '"x"') // { line: 7, raw: '"x"', error: 'expected a JSON object, got string' }
 * parseJsonLine(8, '{"id":9007199254740993}').roundedIntegers // [{ path: ['id'], digits: '9007199254740993' }]
 * ```
 */
export function parseJsonLine(line: number, raw: string): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { line, raw, error: `malformed JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { line, raw, error: `expected a JSON object, got ${jsonKind(value)}` };
  }
  const record = value as Record<string, unknown>;
  const roundedIntegers = roundedIntegerLiterals(raw, record);
  return roundedIntegers ? { line, raw, value: record, roundedIntegers } : { line, raw, value: record };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
