import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CsvRowSplitter } from '../../../sdk/src/sources/csv-row-splitter.js';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';

/**
 * The oracle: an RFC 4180 *writer*, written here independently. Whatever rows it writes, the
 * splitter must read back exactly, whatever chunk boundaries the text arrives in.
 */
function writeCsv(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): { text: string; lines: number[] } {
  const lines: number[] = [];
  let line = 1;
  const parts = rows.map((fields) => {
    lines.push(line);
    const text = fields
      .map((f) => (quoteAll || f === '' || /["\r\n]/.test(f) || f.includes(delimiter) ? `"${f.replace(/"/g, '""')}"` : f))
      .join(delimiter);
    // Line numbers count LF line ends inside quoted fields (a CR there is just a character).
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    return text;
  });
  return { text: parts.join(eol) + eol, lines };
}

function splitInto(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(text.slice(last, p));
    last = p;
  }
  chunks.push(text.slice(last));
  return chunks;
}

const fieldChar = fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r', 'é', '😀', '\t');
const field = fc.array(fieldChar, { maxLength: 6 }).map((cs) => cs.join(''));

describe('CsvRowSplitter', () => {
  test('reads back what an RFC 4180 writer wrote, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 })),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (rows, delimiter, eol, quoteAll, cuts) => {
          // The writer quotes empty fields, so a row of one empty field is `""`, not a blank line.
          const { text, lines } = writeCsv(rows, delimiter, eol, quoteAll);
          const splitter = new CsvRowSplitter(delimiter);
          const out = splitInto(text, cuts).flatMap((chunk) => splitter.push(chunk));
          out.push(...splitter.end());
          expect(out.map((r) => r.fields)).toEqual(rows);
          expect(out.map((r) => r.line)).toEqual(lines);
          expect(out.every((r) => r.error === undefined)).toBe(true);
          // `raw` is the row's own text: re-joining with the line ending gives the file back.
          expect(out.map((r) => r.raw).join(eol) + eol).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a CRLF split across chunks ends one row only', () => {
    const s = new CsvRowSplitter(',');
    const rows = [...s.push('a,b\r'), ...s.push('\n1,2\r'), ...s.push('\n'), ...s.end()];
    expect(rows).toEqual([
      { line: 1, raw: 'a,b', fields: ['a', 'b'] },
      { line: 2, raw: '1,2', fields: ['1', '2'] },
    ]);
  });
});

describe('JSON Lines parser', () => {
  test('gives the same records in any chunking', () => {
    const record = fc.dictionary(fc.constantFrom('a', 'b', 'é'), fc.oneof(fc.integer(), fc.string()), { maxKeys: 3 });
    const lineArb = fc.oneof(record.map((r) => JSON.stringify(r)), fc.constantFrom('', '  ', 'oops', '[1]'));
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 8 }), (lines, eol, cuts) => {
        const text = lines.join(eol);
        // Oracle: the records a line-by-line reading of the text gives (an array's elements are
        // records of their own; only compact arrays are generated, so their text is JSON.stringify's).
        const expected = lines
          .map((raw, i) => ({ line: i + 1, raw }))
          .filter((r) => r.raw.trim() !== '')
          .flatMap((r) => {
            const decoded = (raw: string, value: unknown) =>
              value !== null && typeof value === 'object' && !Array.isArray(value) ? { line: r.line, raw, value } : { line: r.line, raw, bad: true };
            try {
              const value: unknown = JSON.parse(r.raw);
              return Array.isArray(value) ? value.map((v: unknown) => decoded(JSON.stringify(v), v)) : [decoded(r.raw, value)];
            } catch {
              return [{ ...r, bad: true }];
            }
          });
        const parser = createJsonlParser();
        const out = splitInto(text, cuts).flatMap((chunk) => parser.push(chunk));
        out.push(...parser.end());
        expect(out.map((r) => (r.error ? { line: r.line, raw: r.raw, bad: true } : { line: r.line, raw: r.raw, value: r.value }))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
