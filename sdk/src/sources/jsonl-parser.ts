import type { RawRecord } from './source-object.js';
import type { TextRecordParser } from './text-record-parser.js';

/**
 * A JSON Lines parser: one record per non-blank line. Blank lines are skipped but counted, so
 * `line` is always the line number in the file. A line that is not valid JSON, or is valid
 * JSON but not an object, becomes a record with an `error` and no `value`.
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
  let pending = '';
  let line = 1;
  const take = (text: string, out: RawRecord[]): void => {
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() !== '') out.push(parseJsonLine(line, raw));
    line++;
  };
  return {
    push(text) {
      const out: RawRecord[] = [];
      let start = 0;
      const data = pending === '' ? text : pending + text;
      // `pending` holds no newline, so scanning starts after it: a very long line arriving in
      // many chunks costs linear time, not quadratic.
      for (let nl = data.indexOf('\n', pending.length); nl !== -1; nl = data.indexOf('\n', start)) {
        take(data.slice(start, nl), out);
        start = nl + 1;
      }
      pending = data.slice(start);
      return out;
    },
    end() {
      const out: RawRecord[] = [];
      if (pending !== '') take(pending, out);
      pending = '';
      return out;
    },
    get line() {
      return line;
    },
  };
}

/**
 * Decodes one JSON Lines record.
 *
 * @example
 * ```ts
 * parseJsonLine(7, '"x"') // { line: 7, raw: '"x"', error: 'expected a JSON object, got string' }
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
  return { line, raw, value: value as Record<string, unknown> };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
