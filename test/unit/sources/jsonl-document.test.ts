/**
 * A `.json`/`.jsonl` object that is one JSON document, not JSON Lines: a pretty-printed array or
 * object, or a one-line array of objects alone. Read as lines it was counted as many malformed
 * rows (or one row for many records); now the object is refused whole (ObjectFormatError, which
 * both backends quarantine with the message). JSON Lines whose first record happens to be an
 * array stay JSON Lines: that record is malformed, the others are read.
 */
import { describe, expect, it } from 'vitest';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';
import { ObjectFormatError } from '../../../sdk/src/sources/text-record-parser.js';

/** Parses `text` in chunks of `size` characters, as streams deliver it. */
function parse(text: string, size = 5) {
  const parser = createJsonlParser();
  const records = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  records.push(...parser.end());
  return records;
}

describe('a JSON document where JSON Lines are expected', () => {
  it.each([
    ['a pretty-printed array', '[\n  {"a": 1},\n  {"a": 2}\n]\n'],
    ['a pretty-printed array starting on its first object', '[{"a": 1},\n {"a": 2}]\n'],
    ['a pretty-printed object', '{\n  "a": 1\n}\n'],
    ['a one-line array of objects', '[{"a":1},{"a":2}]\n'],
    ['a one-line array of objects after blank lines, without a final newline', '\n\n[{"a":1},{"a":2}]'],
  ])('%s is refused whole, saying how to convert it', (_, text) => {
    expect(() => parse(text)).toThrow(ObjectFormatError);
    expect(() => parse(text)).toThrow(/one JSON document .* not JSON Lines.*jq -c '\.\[\]'/);
  });

  it('JSON Lines whose first record is an array stay JSON Lines: that record is malformed, the rest are read', () => {
    expect(parse('[{"a":1}]\n{"a":2}\n')).toEqual([
      { line: 1, raw: '[{"a":1}]', error: 'expected a JSON object, got array' },
      { line: 2, raw: '{"a":2}', value: { a: 2 } },
    ]);
    expect(parse('[1, 2]\n')).toEqual([{ line: 1, raw: '[1, 2]', error: 'expected a JSON object, got array' }]);
  });

  it('ordinary JSON Lines are unchanged', () => {
    expect(parse('{"a":1}\n\n{"a":2}\r\n')).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 3, raw: '{"a":2}', value: { a: 2 } },
    ]);
  });
});
