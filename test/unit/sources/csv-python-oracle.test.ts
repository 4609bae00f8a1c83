/**
 * sluice's CSV reading against an independent implementation: Python's csv module
 * (python-csv-oracle.ts).
 *
 * - Python writes random tables (quotes, delimiters, every line end inside fields, spaces at
 *   the ends, empty strings, emoji, combining marks, a byte-order mark) with csv.writer;
 * - random texts made of CSV's troublesome pieces (stray quotes, text after a closing quote,
 *   unclosed quotes, lone CRs, blank lines, NUL) are read as they are.
 *
 * Whatever csv.reader reads from those bytes is what sluice must read, whatever chunks the
 * text or the bytes arrive in: splits inside a CRLF pair, inside a quoted field, between `""`,
 * inside a UTF-8 sequence or a surrogate pair. Where csv.reader with `strict=True` refuses a
 * row, sluice must give that row as a record with the matching error (to be quarantined),
 * never drop it or merge it with another.
 *
 * Where sluice documents a rule of its own, the expectation applies it to Python's rows, never
 * to sluice's: a blank line (`[]` from csv.reader) is no row; one leading byte-order mark is
 * dropped (Python decodes as utf-8-sig); a header cell that is blank is named `column<i>`; a
 * header naming a column twice, or malformed, fails the object; a row whose field count differs
 * from the header's is a record with an error; a lone CR inside a quoted field does not count as
 * a line (so line numbers are compared only where the text has no lone CR).
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parserFor, recordBatches } from '../../../sdk/src/runtime/record-reader.js';
import { decompressed, utf8Text } from '../../../sdk/src/runtime/text-stream.js';
import { CsvRowSplitter } from '../../../sdk/src/sources/csv-row-splitter.js';
import { file, readObject, type SourceObject } from '../../../sdk/src/sources/index.js';
import type { RawRecord } from '../../../sdk/src/sources/source-object.js';
import { pythonCsv, writeJobs, type OracleRead } from './python-csv-oracle.js';

/** Pieces a field is made of: the characters CSV treats specially, and text that is hard to split. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'x y', ' ', ',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r', '\n\r') },
  // é precomposed and combining, emoji (a surrogate pair in JS, 4 bytes in UTF-8), a ZWJ
  // family, CJK, a no-break space, a byte-order mark inside the text, NUL, and characters some
  // line splitters (not CSV's) take for line ends: VT, FF, RS, NEL, LINE SEPARATOR.
  { weight: 2, arbitrary: fc.constantFrom('é', 'e\u0301', '😀', '👩‍👩‍👧', '中', '\u00a0', '\ufeff', '\u0000', '\u000b', '\u000c', '\u001e', '\u0085', '\u2028') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
);
const field = fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 5, arbitrary: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')) });

/** A rectangular table (the header is its first row), or now and then a ragged one. */
const table = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 6 })) },
  { weight: 1, arbitrary: fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 6 }) },
);

// Common ones, and ones special inside a regular expression's character class, and beyond ASCII.
const delimiter = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(',', ';', '\t', '|') }, { weight: 1, arbitrary: fc.constantFrom(' ', '^', ']', '-', '\\', '§') });

const writeJob = writeJobs(table, delimiter);

/** Text no writer would produce: stray and unclosed quotes, text after closing quotes, any line end. */
const rawText = fc
  .tuple(
    fc.constantFrom('', '', '\ufeff'),
    fc.array(fc.constantFrom('a', 'b c', ' ', ',', ';', '"', '""', '"x"', '\n', '\r\n', '\r', 'é', '😀', '\u0000', '\u2028', '\u0085'), { maxLength: 16 }),
  )
  .map(([bom, pieces]) => bom + pieces.join(''));

/** Tables or texts per property run: one python3 spawn checks them all. */
const BATCH = 40;
/** A failure names its exact input in the message, so there is no need for slow shrinking (a spawn per step). */
const RUNS = { numRuns: 15, endOnFailure: true } as const;

/**
 * Cut points: some anywhere, some where a split is most likely to go wrong (`interesting`
 * lists those positions; the picks index into it).
 */
const cuts = fc.record({ anywhere: fc.array(fc.nat(), { maxLength: 6 }), picks: fc.array(fc.nat(), { maxLength: 6 }) });
type Cuts = { anywhere: number[]; picks: number[] };

function splitAt<T extends string | Uint8Array>(whole: T, interesting: number[], { anywhere, picks }: Cuts): T[] {
  const points = anywhere.map((c) => c % (whole.length + 1));
  if (interesting.length > 0) points.push(...picks.map((p) => interesting[p % interesting.length]!));
  const parts: T[] = [];
  let last = 0;
  for (const p of [...new Set(points)].sort((a, b) => a - b)) {
    parts.push(whole.slice(last, p) as T);
    last = p;
  }
  parts.push(whole.slice(last) as T);
  return parts;
}

/** Text positions between `\r\n`, after a quote, and between the halves of a surrogate pair. */
function textInteresting(text: string): number[] {
  const at: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const [a, b] = [text.charCodeAt(i - 1), text.charCodeAt(i)];
    if ((a === 13 && b === 10) || a === 34 || (a >= 0xd800 && a <= 0xdbff)) at.push(i);
  }
  return at;
}

/** Byte positions inside a UTF-8 sequence (the BOM's too), between `\r\n`, and after a quote. */
function byteInteresting(bytes: Uint8Array): number[] {
  const at: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    const [a, b] = [bytes[i - 1]!, bytes[i]!];
    if ((b & 0xc0) === 0x80 || (a === 13 && b === 10) || a === 34) at.push(i);
  }
  return at;
}

interface ExpectedRow {
  readonly fields: string[];
  readonly line: number;
  /** What sluice's error must say, when csv.reader in strict mode refused the row. */
  readonly error?: RegExp;
}

/** Python's strict-mode messages, and the rule sluice documents for the same row. */
function sluiceErrorFor(pythonMessage: string): RegExp {
  if (/expected after/.test(pythonMessage)) return /^unexpected text after the closing quote of field \d+; a field with quotes must be quoted as a whole/;
  if (/unexpected end of data/.test(pythonMessage)) return /^a quoted field opened on line \d+ is never closed$/;
  throw new Error(`the oracle refused a row for a reason these tests do not know: ${pythonMessage}`);
}

/** The rows sluice must split, from the oracle's: all but blank lines, which sluice documents as no row. */
function expectedRows(read: OracleRead, context: string): ExpectedRow[] {
  expect(read.error, `${context}: csv.reader itself failed`).toBeUndefined();
  return read.rows.flatMap((fields, i) => {
    if (fields.length === 0) return [];
    const strict = read.strictErrors[i];
    return [strict ? { fields, line: read.starts[i]!, error: sluiceErrorFor(strict) } : { fields, line: read.starts[i]! }];
  });
}

const hasLoneCr = (text: string) => /\r(?!\n)/.test(text);

/** The text as sluice's readers get it (readObject, the event stage): UTF-8, one leading BOM dropped. */
const decoded = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function checkSplitter(read: OracleRead, delimiter: string, split: Cuts): void {
  const text = decoded(read.bytes);
  const chunks = splitAt(text, textInteresting(text), split);
  const context = `text ${JSON.stringify(text)} in chunks ${JSON.stringify(chunks)}, delimiter ${JSON.stringify(delimiter)}`;
  const splitter = new CsvRowSplitter(delimiter);
  const rows = chunks.flatMap((chunk) => splitter.push(chunk));
  rows.push(...splitter.end());
  const expected = expectedRows(read, context);
  // Every row Python reads is a row of sluice's too, malformed ones included: none lost, none merged.
  expect(rows.length, `${context}: row count`).toBe(expected.length);
  rows.forEach((row, i) => {
    const want = expected[i]!;
    if (want.error) expect(row.error, `${context}: row ${i + 1} must be marked malformed`).toMatch(want.error);
    else {
      expect(row.error, `${context}: row ${i + 1} is well-formed`).toBeUndefined();
      expect(row.fields, `${context}: row ${i + 1}`).toEqual(want.fields);
    }
  });
  if (!hasLoneCr(text)) expect(rows.map((r) => r.line), `${context}: lines`).toEqual(expected.map((r) => r.line));
}

type ExpectedRecord = { line: number; value?: Record<string, string>; error?: string | RegExp };

/**
 * The records `readObject` must give for the oracle's rows by sluice's documented rules, or the
 * error the object must fail with (a header that is malformed or names a column twice).
 */
function expectedRecords(rows: ExpectedRow[], header: boolean): ExpectedRecord[] | RegExp {
  if (rows.length === 0) return [];
  const first = rows[0]!;
  if (header && first.error) return /^the CSV header on line \d+ is malformed/;
  const names = header ? first.fields.map((name, i) => (name.trim() === '' ? `column${i}` : name)) : first.fields.map((_, i) => `column${i}`);
  if (new Set(names).size !== names.length) return /names the column ".*" twice/s;
  const reference = header ? 'header has' : 'the first row has';
  return (header ? rows.slice(1) : rows).map(({ fields, line, error }) => {
    if (error) return { line, error };
    if (fields.length !== names.length) return { line, error: `row has ${fields.length} fields, ${reference} ${names.length}` };
    return { line, value: Object.fromEntries(names.map((n, i) => [n, fields[i]!])) };
  });
}

type Read = { ok: true; records: RawRecord[] } | { ok: false; error: string };

/** A local run's reader. */
async function viaReadObject(chunks: Uint8Array[], delimiter: string, header: boolean): Promise<Read> {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const object: SourceObject = { key: 'oracle/t.csv', uri: '/oracle/t.csv', size, format: 'csv', compression: 'none' };
  const node = file('/oracle/never-read.csv', { csv: { delimiter, header } }).node;
  // A Readable of exactly these chunks (objectMode: it neither merges nor drops any).
  return readObject(node, object, { open: async () => Readable.from(chunks.map((c) => Buffer.from(c)), { objectMode: true }) });
}

/** The Lambda event stage's reader, composed as process-object.ts composes it. */
async function viaEventStage(chunks: Uint8Array[], delimiter: string, header: boolean): Promise<Read> {
  const node = file('/oracle/never-read.csv', { csv: { delimiter, header } }).node;
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  const records: RawRecord[] = [];
  try {
    for await (const batch of recordBatches(utf8Text(decompressed(body(), 'none')), parserFor('oracle/t.csv', 'csv', node, undefined))) records.push(...batch);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, records };
}

async function checkByteReaders(read: OracleRead, delimiter: string, header: boolean, split: Cuts): Promise<void> {
  const chunks = splitAt(read.bytes, byteInteresting(read.bytes), split);
  const expected = expectedRecords(expectedRows(read, `bytes ${JSON.stringify(decoded(read.bytes))}`), header);
  const lines = !hasLoneCr(decoded(read.bytes));
  const shape = (r: RawRecord | ExpectedRecord) => ({
    ...(lines ? { line: r.line } : {}),
    ...(r.error !== undefined ? { error: typeof r.error === 'string' ? r.error : expect.stringMatching(r.error) } : { value: r.value }),
  });
  for (const [reader, readBytes] of [['readObject', viaReadObject], ['event stage', viaEventStage]] as const) {
    const context = `${reader}: bytes ${JSON.stringify(decoded(read.bytes))} in chunks of ${JSON.stringify(chunks.map((c) => c.length))}, delimiter ${JSON.stringify(delimiter)}, header ${header}`;
    const result = await readBytes(chunks, delimiter, header);
    if (expected instanceof RegExp) {
      expect(result, context).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
      continue;
    }
    expect(result.ok ? 'ok' : result.error, context).toBe('ok');
    if (result.ok) expect(result.records.map(shape), context).toEqual(expected.map(shape));
  }
}

describe("CSV reading agrees with Python's csv module", () => {
  test('the row splitter reads what csv.writer wrote as csv.reader does, in any chunking of the text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(writeJob, cuts), { minLength: BATCH, maxLength: BATCH }), (cases) => {
        const reads = pythonCsv(cases.map(([job]) => job));
        cases.forEach(([job, split], k) => {
          expect(reads[k]!.strictErrors.every((e) => e === null), 'csv.writer wrote a row strict csv.reader refuses').toBe(true);
          checkSplitter(reads[k]!, job.delimiter, split);
        });
      }),
      RUNS,
    );
  });

  test('readObject and the event stage give the records csv.reader reads from what csv.writer wrote, in any chunking of the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(writeJob, cuts), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const reads = pythonCsv(cases.map(([job]) => job));
        for (const [k, [job, split]] of cases.entries()) await checkByteReaders(reads[k]!, job.delimiter, true, split);
      }),
      RUNS,
    );
  });

  test('malformed text: every row csv.reader reads is a row of sluice, well-formed ones equal, refused ones marked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(rawText, fc.constantFrom(',', ';'), fc.boolean(), cuts), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const reads = pythonCsv(cases.map(([text, delimiter]) => ({ bytes: new TextEncoder().encode(text), delimiter })));
        for (const [k, [, delimiter, header, split]] of cases.entries()) {
          checkSplitter(reads[k]!, delimiter, split);
          await checkByteReaders(reads[k]!, delimiter, header, split);
        }
      }),
      RUNS,
    );
  });
});
