/**
 * JSON records however they are laid out in a file — JSON Lines, records back to back on one
 * line (Firehose without its newline delimiter), pretty-printed objects, an array of records on
 * one line or many — read as the same records, each with the line it starts on, in any chunking.
 * The oracle is the list of records the test serialised itself (with JSON.stringify) and the line
 * each one was written on, tracked while the text was built.
 */
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';
import { ObjectFormatError } from '../../../sdk/src/sources/text-record-parser.js';

type Json = Record<string, unknown>;

/** Parses `text` delivered in the chunks `cuts` make. */
function parseChunks(text: string, cuts: readonly number[]) {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parser = createJsonlParser();
  const out = [];
  let last = 0;
  for (const p of [...points, text.length]) {
    out.push(...parser.push(text.slice(last, p)));
    last = p;
  }
  out.push(...parser.end());
  return out;
}

const lineCount = (text: string): number => text.split('\n').length - 1;

/** A file in one layout, and the line each record starts on (1-based). */
interface Laid {
  readonly text: string;
  readonly lines: number[];
  /** The records written, when the layout wrote others than it was given. */
  readonly records?: Json[];
}

/** Appends pieces, tracking the current line. */
function builder() {
  let text = '';
  return {
    get line() {
      return lineCount(text) + 1;
    },
    add(piece: string) {
      text += piece;
    },
    get text() {
      return text;
    },
  };
}

const LAYOUTS = {
  'JSON Lines': (records: Json[], eol: string): Laid => {
    const b = builder();
    const lines = records.map((r) => {
      const line = b.line;
      b.add(`${JSON.stringify(r)}${eol}`);
      return line;
    });
    return { text: b.text, lines };
  },
  'back to back on one line (Firehose without a delimiter)': (records: Json[]): Laid => ({
    text: records.map((r) => JSON.stringify(r)).join(''),
    lines: records.map(() => 1),
  }),
  'two records per line, space between': (records: Json[], eol: string): Laid => {
    const b = builder();
    const lines = records.map((r, i) => {
      const line = b.line;
      b.add(JSON.stringify(r) + (i % 2 === 0 ? ' ' : eol));
      return line;
    });
    return { text: b.text, lines };
  },
  'pretty-printed objects (jq .)': (records: Json[], eol: string): Laid => {
    // A first record of no keys is `{}`, one line (as jq writes it): the next line decides.
    const b = builder();
    const lines = records.map((r) => {
      const line = b.line;
      b.add(`${JSON.stringify(r, null, 2).replaceAll('\n', eol)}${eol}`);
      return line;
    });
    return { text: b.text, lines };
  },
  'an array on one line (JSON.stringify(rows))': (records: Json[]): Laid => ({
    text: JSON.stringify(records),
    lines: records.map(() => 1),
  }),
  'an array, pretty-printed': (records: Json[], eol: string): Laid => {
    const b = builder();
    b.add(`[${eol}`);
    const lines = records.map((r, i) => {
      b.add('  ');
      const line = b.line;
      b.add(JSON.stringify(r, null, 2).replaceAll('\n', `${eol}  `) + (i < records.length - 1 ? `,${eol}` : eol));
      return line;
    });
    b.add(`]${eol}`);
    return { text: b.text, lines };
  },
  'an array indented with tabs, spaces before the commas and after the brackets': (records: Json[], eol: string): Laid => {
    // Whitespace JSON allows between any two tokens: a raw newline occurs only between tokens
    // (strings escape theirs), so ",\n" and "\n" are structural and safe to rewrite.
    const b = builder();
    b.add(`[ \t${eol}`);
    const lines = records.map((r, i) => {
      b.add('\t');
      const line = b.line;
      b.add(JSON.stringify(r, null, '\t').replaceAll(',\n', ' ,\n').replaceAll('\n', eol) + (i < records.length - 1 ? ` \t,${eol}` : eol));
      return line;
    });
    b.add(` ]${eol}`);
    return { text: b.text, lines };
  },
  'one array per line (batches)': (records: Json[], eol: string): Laid => {
    const b = builder();
    const lines: number[] = [];
    for (let i = 0; i < records.length; i += 3) {
      const batch = records.slice(i, i + 3);
      for (const _ of batch) lines.push(b.line);
      b.add(`${JSON.stringify(batch)}${eol}`);
    }
    return { text: b.text, lines };
  },
} as const;

/** Text that stresses the framer: brackets, braces, quotes, backslashes and line ends inside strings. */
const tricky = fc.string({ unit: fc.constantFrom('a', '{', '}', '[', ']', '"', '\\', ',', ':', '\n', '\r', ' ', 'é', '😀') });
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(tricky, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const record = fc.dictionary(fc.constantFrom('id', 'user', 'k{', 'q"', 'é'), value, { maxKeys: 4 });

describe('JSON records in any layout', () => {
  for (const [name, lay] of Object.entries(LAYOUTS)) {
    test(`${name}: the same records, with the lines they start on, in any chunking`, () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 7 }), fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 8 }), (given, eol, cuts) => {
          const laid: Laid = lay(given, eol);
          const { text, lines } = laid;
          const records = laid.records ?? given;
          const out = parseChunks(text, cuts);
          expect(out.map((r) => r.error)).toEqual(records.map(() => undefined));
          // JSON.parse(JSON.stringify(r)) is r as JSON spells it (-0 becomes 0).
          expect(out.map((r) => r.value)).toEqual(records.map((r) => JSON.parse(JSON.stringify(r)) as unknown));
          expect(out.map((r) => r.line)).toEqual(lines);
          // Each record's raw text is its own, and decodes to it.
          for (const [i, r] of out.entries()) expect(JSON.parse(r.raw)).toEqual(JSON.parse(JSON.stringify(records[i])));
        }),
        { numRuns: 150 },
      );
    });
  }

  test('an array cut short anywhere before its closing bracket is refused whole, as truncated', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.nat(), (records, pretty, at) => {
        const text = pretty ? JSON.stringify(records, null, 2) : JSON.stringify(records);
        const cut = text.slice(0, at % text.lastIndexOf(']'));
        if (cut.trim() === '') return;
        expect(() => parseChunks(cut, [])).toThrow(ObjectFormatError);
      }),
      { numRuns: 300 },
    );
  });

  test('pretty-printed objects cut inside a record are refused whole; cut between records, the whole ones are read', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat(), (records, at) => {
        const blocks = records.map((r) => `${JSON.stringify(r, null, 2)}\n`);
        const text = blocks.join('');
        const cut = text.slice(0, at % text.length);
        // The first record is pretty-printed only when it has a key: `{}` is a one-line record.
        if (!blocks[0]!.startsWith('{\n')) return;
        let ends = 0;
        // A record is whole once its closing brace is in (its newline need not be).
        const whole = blocks.filter((b) => (ends += b.length) - 1 <= cut.length).length;
        const insideRecord = cut.trimEnd().length > blocks.slice(0, whole).join('').trimEnd().length;
        if (insideRecord) expect(() => parseChunks(cut, [])).toThrow(ObjectFormatError);
        else expect(parseChunks(cut, []).map((r) => r.value)).toEqual(records.slice(0, whole).map((r) => JSON.parse(JSON.stringify(r)) as unknown));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a large object of records back to back on one line (Firehose)', () => {
  it('is cut as it streams: records come out before the line ends, 100,000 of them without overflowing the stack', () => {
    const parser = createJsonlParser();
    const record = (i: number) => JSON.stringify({ id: i, user: `u${i % 7}`, note: 'a {brace} and a "quote"' });
    let emitted = 0;
    let beforeEnd = 0;
    for (let start = 0; start < 100_000; start += 1000) {
      const chunk = Array.from({ length: 1000 }, (_, k) => record(start + k)).join('');
      const out = parser.push(chunk);
      expect(out.map((r) => r.value!.id)).toEqual(Array.from({ length: out.length }, (_, k) => emitted + k));
      emitted += out.length;
      if (start === 0) beforeEnd = emitted;
    }
    emitted += parser.end().length;
    expect(beforeEnd).toBeGreaterThan(900); // the first chunk's records, not held for the line's end
    expect(emitted).toBe(100_000);
  });
});

describe('what cannot be cut into records', () => {
  const refused = (text: string): string => {
    try {
      parseChunks(text, [3, 7]);
    } catch (error) {
      expect(error).toBeInstanceOf(ObjectFormatError);
      return (error as Error).message;
    }
    throw new Error(`not refused: ${JSON.stringify(text)}`);
  };

  it.each([
    ['two elements without a comma', '[\n  {"a": 1}\n  {"a": 2}\n]\n', 'an array element not separated from the one before by a comma ("{" on line 3)'],
    ['a comma before the closing bracket', '[\n  {"a": 1},\n]\n', 'a comma before the closing bracket ("]" on line 3)'],
    ['a leading comma', '[\n  , {"a": 1}\n]\n', 'a comma where an array element should be ("," on line 2)'],
    ['objects separated by commas outside an array', '{\n  "a": 1\n},\n{\n  "a": 2\n}\n', 'a character no record opened ("," on line 3)'],
    ['a record that never closes', '{\n  "a": 1\n', 'ends inside the record that starts on line 1 (an unclosed object or array): the object looks truncated'],
    ['an array that never closes', '[\n  {"a": 1}\n', 'ends inside the array that opens on line 1 (no closing "]"): the object looks truncated'],
  ])('%s', (_, text, message) => {
    expect(refused(text)).toContain(message);
  });

  it('a JSON Lines line that cannot be cut stays one malformed record, and the lines after it are read', () => {
    const out = parseChunks('{"a":1}\n{"a":{"b":2}\n{"a":1}}\n{"a":3}\n', [5]);
    expect(out.map((r) => [r.line, r.value ?? r.error!.replace(/:.*/s, ':…')])).toEqual([
      [1, { a: 1 }],
      [2, 'malformed JSON:…'],
      [3, 'malformed JSON:…'],
      [4, { a: 3 }],
    ]);
    expect(out[1]!.raw).toBe('{"a":{"b":2}');
  });

  it('a line of records back to back with text that is no record between them stays one malformed record', () => {
    for (const text of ['{"a":1}oops{"a":2}', 'not json', '{"a":1} 42']) {
      const out = parseChunks(`${text}\n{"a":3}\n`, []);
      expect(out.map((r) => [r.line, r.raw, r.value ?? r.error!.replace(/:.*/s, ':…')])).toEqual([
        [1, text, 'malformed JSON:…'],
        [2, '{"a":3}', { a: 3 }],
      ]);
    }
  });

  it('array elements that are not objects are records with an error, one each', () => {
    expect(parseChunks('[1, "x", null, {"a": 1}]\n', []).map((r) => [r.raw, r.value ?? r.error])).toEqual([
      ['1', 'expected a JSON object, got number'],
      ['"x"', 'expected a JSON object, got string'],
      ['null', 'expected a JSON object, got null'],
      ['{"a": 1}', { a: 1 }],
    ]);
  });

  it('integers beyond 2^53 in records cut out of a document keep their digits', () => {
    const [first] = parseChunks('[\n  {"id": 9007199254740993}\n]\n', []);
    expect(first!.roundedIntegers).toEqual([{ path: ['id'], digits: '9007199254740993' }]);
  });
});
