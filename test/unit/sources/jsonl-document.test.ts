/**
 * A `.json`/`.jsonl` object that is one JSON document, not JSON Lines: a pretty-printed array or
 * object, or a one-line array of objects. Such files were once refused whole (with a jq command to
 * convert them); they are now read, one record per object, each with the line it starts on
 * (json-record-layouts.test.ts holds the property tests). JSON Lines stay JSON Lines.
 */
import { describe, expect, it } from 'vitest';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';

/** Parses `text` in chunks of `size` characters, as streams deliver it. */
function parse(text: string, size = 5) {
  const parser = createJsonlParser();
  const records = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  records.push(...parser.end());
  return records;
}

const summary = (text: string) => parse(text).map((r) => [r.line, r.value ?? r.error]);

describe('a JSON document where JSON Lines are expected', () => {
  it.each([
    ['a pretty-printed array', '[\n  {"a": 1},\n  {"a": 2}\n]\n', [[2, { a: 1 }], [3, { a: 2 }]]],
    ['a pretty-printed array starting on its first object', '[{"a": 1},\n {"a": 2}]\n', [[1, { a: 1 }], [2, { a: 2 }]]],
    ['a pretty-printed object', '{\n  "a": 1\n}\n', [[1, { a: 1 }]]],
    ['a one-line array of objects', '[{"a":1},{"a":2}]\n', [[1, { a: 1 }], [1, { a: 2 }]]],
    ['a one-line array of objects after blank lines, without a final newline', '\n\n[{"a":1},{"a":2}]', [[3, { a: 1 }], [3, { a: 2 }]]],
    ['an empty array', '[]\n', []],
  ])('%s is read, one record per object', (_, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it('pretty-printed records whose first ones have no keys (`{}` on a line of its own) are a document too', () => {
    const pretty = '{}\n{\n  "a": 1\n}\n{\n  "a": 2\n}\n';
    for (const size of [1, 2, 3, 5, 1000]) {
      expect(parse(pretty, size).map((r) => [r.line, r.value ?? r.error])).toEqual([[1, {}], [2, { a: 1 }], [5, { a: 2 }]]);
    }
    expect(summary('\n  {}  \r\n\n{\r\n  "a": 1\r\n}\r\n')).toEqual([[2, {}], [4, { a: 1 }]]);
    expect(summary('{}\n{ }\n{\n  "id": 0\n}\n')).toEqual([[1, {}], [2, {}], [3, { id: 0 }]]);
    // `{}` followed by records on one line each, or alone: JSON Lines.
    expect(summary('{}\n{"a":1}\n')).toEqual([[1, {}], [2, { a: 1 }]]);
    expect(summary('{}')).toEqual([[1, {}]]);
    expect(summary('{}\n')).toEqual([[1, {}]]);
    expect(summary('{}\n\nnot json\n')).toEqual([[1, {}], [3, expect.stringMatching(/^malformed JSON/)]]);
  });

  it('JSON Lines whose first record is an array stay JSON Lines: the array holds records, the other lines are read', () => {
    expect(summary('[{"a":1}]\n{"a":2}\n')).toEqual([[1, { a: 1 }], [2, { a: 2 }]]);
    expect(summary('[1, 2]\n')).toEqual([[1, 'expected a JSON object, got number'], [1, 'expected a JSON object, got number']]);
  });

  it('ordinary JSON Lines are unchanged', () => {
    expect(parse('{"a":1}\n\n{"a":2}\r\n')).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 3, raw: '{"a":2}', value: { a: 2 } },
    ]);
  });
});
