import type { RawRecord } from './source-object.js';
import { roundedIntegerLiterals } from './json-integer-literals.js';
import { ObjectFormatError, type TextRecordParser } from './text-record-parser.js';

/**
 * A JSON Lines parser: one record per non-blank line. Blank lines are skipped but counted, so
 * `line` is always the line number in the file. A line that is not valid JSON, or is valid
 * JSON but not an object, becomes a record with an `error` and no `value`. An object that is one
 * JSON document instead — a pretty-printed array or object, or a one-line array of objects and
 * nothing else — throws ObjectFormatError: it is quarantined whole, with the way to convert it,
 * rather than counted as many malformed rows (or one row for many records).
 *
 * @example
 * ```ts
 * const p = createJsonlParser();
 * p.push('{"a":1}\n\n[1]\n{"a"');
 * // [{ line: 1, raw: '{"a":1}', value: { a: 1 } }, { line: 3, raw: '[1]', error: 'expected a JSON object, got array' }]
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
  /** No non-blank line yet: the first one tells a JSON document from JSON Lines. */
  let first = true;
  /** A first line that is a whole array of objects: a one-line JSON document unless another line follows. */
  let heldArray: RawRecord | undefined;
  const take = (text: string, out: RawRecord[]): void => {
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() !== '') {
      const record = parseJsonLine(line, raw);
      if (first) {
        first = false;
        const opening = raw.trim();
        // '[' or '{' alone (or an unfinished '[{…'): a pretty-printed JSON document, which read
        // as lines would be a malformed record per line.
        if (opening === '[' || opening === '{' || (record.error?.startsWith('malformed JSON') && opening.startsWith('['))) throw documentError();
        if (isArrayOfObjects(raw)) {
          heldArray = record;
          line++;
          return;
        }
      } else if (heldArray) {
        out.push(heldArray);
        heldArray = undefined;
      }
      out.push(record);
    }
    line++;
  };
  return {
    push(text) {
      const out: RawRecord[] = [];
      let nl = text.indexOf('\n');
      if (nl === -1) {
        if (text !== '') pending.push(text);
        return out;
      }
      take(pending.length === 0 ? text.slice(0, nl) : `${pending.join('')}${text.slice(0, nl)}`, out);
      pending = [];
      let start = nl + 1;
      for (nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        take(text.slice(start, nl), out);
        start = nl + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
      return out;
    },
    end() {
      const out: RawRecord[] = [];
      if (pending.length > 0) take(pending.join(''), out);
      pending = [];
      if (heldArray) throw documentError();
      return out;
    },
    get line() {
      return line;
    },
  };
}

function documentError(): ObjectFormatError {
  return new ObjectFormatError(
    "it is one JSON document (an array or an object spread over lines), not JSON Lines, where each line is one JSON object: read as lines, every line would be a malformed record. Write it as JSON Lines, e.g. jq -c '.[]' data.json > data.jsonl",
  );
}

function isArrayOfObjects(raw: string): boolean {
  if (!raw.trimStart().startsWith('[')) return false;
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) && value.length > 0 && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
  } catch {
    return false;
  }
}

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
