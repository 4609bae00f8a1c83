/**
 * CSV labels read against an independent implementation: Python's csv module
 * (../sources/python-csv-oracle.ts). Labels are the ground truth of a training set, so a labels
 * file is read exactly or not at all: every row Python's csv.reader reads is a label row, with
 * the same cells, or the read fails with LABELS_UNREADABLE naming the file, the line and the fix.
 *
 * The expectation applies the documented rules to Python's rows, never to sluice's:
 * - a blank line (`[]` from csv.reader) is no row; one leading byte-order mark is dropped;
 * - the first row is the header; a blank header cell is named `column<i>` (as the sources name it);
 * - a header naming a column twice, a row whose field count differs from the header's, and a row
 *   strict csv.reader refuses (text after a closing quote, a quote never closed) fail the read at
 *   the first such row in the text;
 * - an empty cell is null; a cell of a text column (the entity id) is its text; any other cell
 *   that is a plain decimal number is that number, unless it is an integer past 2^53.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { readLabelSource, type LabelRows } from '../../../sdk/src/retrieval/label-source-reader.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { file } from '../../../sdk/src/sources/index.js';
import { pythonCsv, writeJobs, type OracleRead } from '../sources/python-csv-oracle.js';
import { tempDirs, writeStore } from './store-fixture.js';

const dirs = tempDirs(afterAll);
let dir: string;
beforeAll(async () => {
  dir = await dirs.make();
});

/** How the labels file is named and configured: the delimiter comes from the extension or the csv option. */
interface Naming {
  /** False: a `,` file is `.csv` and a tab file `.tsv`, with no csv option (the sources' rule picks the delimiter). */
  readonly configured: boolean;
}

let fileCount = 0;
/** Writes the bytes to a fresh labels file and reads it as a training set reads its labels. */
async function readLabels(bytes: Uint8Array, delimiter: string, textColumns: readonly string[], naming: Naming = { configured: true }): Promise<LabelRows> {
  const implicit = !naming.configured && (delimiter === ',' || delimiter === '\t');
  const path = join(dir, `labels-${++fileCount}.${delimiter === '\t' && implicit ? 'tsv' : 'csv'}`);
  await writeFile(path, bytes);
  const source = implicit ? file(path) : file(path, { csv: { delimiter, header: true } });
  return readLabelSource(source.node, undefined, textColumns);
}

/** Where and why the read must fail: the line of the first bad row and what the message says of it. */
interface ExpectedFailure {
  readonly line: number;
  readonly says: RegExp;
}
type Expected = LabelRows | ExpectedFailure;

/** The documented number rule, written out from its description (not imported). */
function typed(cell: string): unknown {
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(cell)) return cell;
  const n = Number(cell);
  return /^-?\d+$/.test(cell) && !Number.isSafeInteger(n) ? cell : n;
}

/** What strict csv.reader's message means, in the words sluice's message must use. */
function malformedSays(pythonMessage: string): RegExp {
  if (/expected after/.test(pythonMessage)) return /unexpected text after the closing quote of field \d+.*quoted as a whole, with inner quotes doubled/s;
  if (/unexpected end of data/.test(pythonMessage)) return /a quoted field opened on line \d+ is never closed.*close the quote/s;
  throw new Error(`the oracle refused a row for a reason these tests do not know: ${pythonMessage}`);
}

/** The header names sluice gives the oracle's first row. */
const headerNames = (fields: readonly string[]): string[] => fields.map((name, i) => (name.trim() === '' ? `column${i}` : name));

/** The label rows (or the failure) the documented rules give for what Python read. */
function expectedLabels(read: OracleRead, textColumns: readonly string[]): Expected {
  expect(read.error, 'csv.reader itself failed').toBeUndefined();
  const rows = read.rows.flatMap((fields, i) => (fields.length === 0 ? [] : [{ fields, line: read.starts[i]!, strict: read.strictErrors[i] ?? null }]));
  const [header, ...body] = rows;
  if (!header) return { columns: [], rows: [] };
  if (header.strict) return { line: header.line, says: /header.*malformed/s };
  const names = headerNames(header.fields);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) return { line: header.line, says: /names the column .* twice.*[Rr]ename/s };
  const text = new Set(textColumns);
  const out: Record<string, unknown>[] = [];
  for (const { fields, line, strict } of body) {
    if (strict) return { line, says: malformedSays(strict) };
    if (fields.length !== names.length) return { line, says: new RegExp(`has ${fields.length} fields?, but the header has ${names.length}`) };
    out.push(Object.fromEntries(names.map((name, j) => {
      const cell = fields[j]!;
      return [name, cell === '' ? null : text.has(name) ? cell : typed(cell)];
    })));
  }
  return { columns: names, rows: out };
}

const hasLoneCr = (bytes: Uint8Array) => /\r(?!\n)/.test(new TextDecoder().decode(bytes));

/** Reads the oracle's bytes as labels and checks them against its rows. */
async function check(read: OracleRead, delimiter: string, naming: Naming): Promise<void> {
  const first = read.rows.find((r) => r.length > 0);
  // The first column is the entity id: kept as text, as a training set keeps it.
  const textColumns = first ? [headerNames(first)[0]!] : [];
  const expected = expectedLabels(read, textColumns);
  const context = `bytes ${JSON.stringify(new TextDecoder().decode(read.bytes))}, delimiter ${JSON.stringify(delimiter)}, ${naming.configured ? 'configured' : 'by extension'}`;
  const reading = readLabels(read.bytes, delimiter, textColumns, naming);
  if ('says' in expected) {
    const error = await reading.then(
      (rows) => expect.unreachable(`${context}: read ${JSON.stringify(rows)}, expected a failure at line ${expected.line}`),
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(error.code, `${context}: ${error.message}`).toBe('LABELS_UNREADABLE');
    expect(error.message, context).toMatch(expected.says);
    expect(error.message, context).toMatch(/labels-\d+\.[ct]sv/);
    // A lone CR inside a quoted field is a line end to Python, not to sluice's line count.
    if (!hasLoneCr(read.bytes)) expect(error.message, context).toMatch(new RegExp(`\\b[Ll]ine ${expected.line}\\b`));
    return;
  }
  const labels = await reading;
  expect({ columns: labels.columns, rows: labels.rows }, context).toEqual(expected);
}

/** Pieces a field is made of: CSV's special characters, text that is hard to split, and number-like text. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'x y', ' ', ',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r') },
  { weight: 3, arbitrary: fc.constantFrom('0', '1', '-', '.', '5', 'e', '12345678901234567891', '2.5', '007', '-0') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'e\u0301', '😀', '中', '\u00a0', '\ufeff', '\ufffd', '\u2028') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
);
const field = fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 5, arbitrary: fc.array(piece, { maxLength: 3 }).map((p) => p.join('')) });

/** A rectangular table (its first row the header, then at least one label), or now and then a ragged or empty one. */
const table = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 2, maxLength: 6 })) },
  { weight: 1, arbitrary: fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 6 }) },
);

const writeJob = writeJobs(table, fc.constantFrom(',', ',', ';', '\t', '\t', '|', ' ', '^', '§'));

/** Text no writer would produce: stray and unclosed quotes, text after closing quotes, blank lines, ragged rows. */
const rawText = fc
  .tuple(
    fc.constantFrom('', '', '\ufeff'),
    fc.array(fc.constantFrom('a', 'b c', '1', ' ', ',', ';', '"', '""', '"x"', '\n', '\n', '\r\n', '\r', 'é', '😀'), { maxLength: 16 }),
  )
  .map(([bom, pieces]) => bom + pieces.join(''));

/** Tables or texts per property run: one python3 spawn checks them all. */
const BATCH = 40;
/** A failure names its exact input in the message, so there is no need for slow shrinking (a spawn per step). */
const RUNS = { numRuns: 15, endOnFailure: true } as const;

describe("CSV labels agree with Python's csv module", () => {
  test('what csv.writer wrote (QUOTE_MINIMAL / QUOTE_ALL, CRLF / LF, with or without a BOM) is read row for row, cell for cell', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(writeJob, fc.boolean()), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const reads = pythonCsv(cases.map(([job]) => job));
        for (const [k, [job, configured]] of cases.entries()) {
          expect(reads[k]!.strictErrors.every((e) => e === null), 'csv.writer wrote a row strict csv.reader refuses').toBe(true);
          await check(reads[k]!, job.delimiter, { configured });
        }
      }),
      RUNS,
    );
  });

  test('malformed text: read exactly as csv.reader reads it, or refused at the first row strict csv.reader refuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(rawText, fc.constantFrom(',', ';'), fc.boolean()), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const reads = pythonCsv(cases.map(([text, delimiter]) => ({ bytes: new TextEncoder().encode(text), delimiter })));
        for (const [k, [, delimiter, configured]] of cases.entries()) await check(reads[k]!, delimiter, { configured });
      }),
      RUNS,
    );
  });
});

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Python's reading of a hand case, to show each expectation is csv.reader's. */
function python(text: string, delimiter = ','): { rows: string[][]; strictErrors: (string | null)[] } {
  const [read] = pythonCsv([{ bytes: utf8(text), delimiter }]);
  return { rows: read!.rows, strictErrors: read!.strictErrors };
}

/** The LABELS_UNREADABLE error a read fails with. */
async function failure(reading: Promise<unknown>): Promise<{ code: string; message: string }> {
  return reading.then(
    (rows) => expect.unreachable(`read ${JSON.stringify(rows)}; expected LABELS_UNREADABLE`),
    (e: unknown) => e as { code: string; message: string },
  );
}

describe('the cases the audit found', () => {
  it('a row whose one cell is an empty quoted string is a row (its cell null), not dropped', async () => {
    const text = 'entity_id\n""\nx\n';
    expect(python(text).rows).toEqual([['entity_id'], [''], ['x']]);
    expect(await readLabels(utf8(text), ',', ['entity_id'])).toEqual({ columns: ['entity_id'], rows: [{ entity_id: null }, { entity_id: 'x' }] });
  });

  it('a quote inside an unquoted cell is a character; it does not open a quote that swallows the file', async () => {
    const text = 'entity_id,y\na"b,1\nc,2\n';
    expect(python(text)).toEqual({ rows: [['entity_id', 'y'], ['a"b', '1'], ['c', '2']], strictErrors: [null, null, null] });
    expect(await readLabels(utf8(text), ',', ['entity_id'])).toEqual({ columns: ['entity_id', 'y'], rows: [{ entity_id: 'a"b', y: 1 }, { entity_id: 'c', y: 2 }] });
  });

  it('a quote never closed fails the read at the line it opens, with the fix', async () => {
    const text = 'entity_id,y\n"never,1\n2,3\n';
    expect(python(text).strictErrors[1]).toMatch(/unexpected end of data/);
    const error = await failure(readLabels(utf8(text), ',', ['entity_id']));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/^Line 2 of the labels file .*labels-\d+\.csv/);
    expect(error.message).toMatch(/a quoted field opened on line 2 is never closed/);
    expect(error.message).toMatch(/close the quote/);
  });

  it('a quote never closed in the header fails the read too', async () => {
    const error = await failure(readLabels(utf8('"entity_id,y\n1,2\n'), ',', ['entity_id']));
    expect(error).toMatchObject({ code: 'LABELS_UNREADABLE', message: expect.stringMatching(/line 1 .*never closed/s) });
  });

  it('text after a closing quote ("a"b, which Python would read as ab) fails the read', async () => {
    const text = 'entity_id,y\nu,1\n"a"b,2\n';
    expect(python(text)).toMatchObject({ rows: [['entity_id', 'y'], ['u', '1'], ['ab', '2']], strictErrors: [null, null, expect.stringMatching(/expected after/)] });
    const error = await failure(readLabels(utf8(text), ',', ['entity_id']));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/^Line 3 of the labels file /);
    expect(error.message).toMatch(/unexpected text after the closing quote of field 1/);
    expect(error.message).toMatch(/quoted as a whole, with inner quotes doubled/);
  });

  it('a row with fewer fields than the header fails the read (it is not padded with nulls)', async () => {
    const error = await failure(readLabels(utf8('entity_id,y\nu,1\n1\n'), ',', ['entity_id']));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/^Line 3 of the labels file .* has 1 field, but the header has 2/);
    expect(error.message).toMatch(/give the row 2 fields .*or drop it/s);
  });

  it('a row with more fields than the header fails the read (the extra cell is not dropped)', async () => {
    const error = await failure(readLabels(utf8('entity_id,y\n2,3,4\n'), ',', ['entity_id']));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/^Line 2 of the labels file .* has 3 fields, but the header has 2.*"2,3,4"/s);
    expect(error.message).toMatch(/quote any field that holds ","/);
  });

  it('a header naming a column twice fails the read (the second would overwrite the first)', async () => {
    const error = await failure(readLabels(utf8('id,id\n1,2\n'), ',', []));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/labels-\d+\.csv/);
    expect(error.message).toMatch(/line 1 names the column "id" twice/);
    expect(error.message).toMatch(/[Rr]ename one of them/);
  });

  it('a .tsv labels file without a csv option is split on tabs, as the sources split it', async () => {
    const text = 'entity_id\tnote\ty\nu,1\ta, b\t2\n';
    expect(python(text, '\t').rows).toEqual([['entity_id', 'note', 'y'], ['u,1', 'a, b', '2']]);
    expect(await readLabels(utf8(text), '\t', ['entity_id'], { configured: false })).toEqual({
      columns: ['entity_id', 'note', 'y'],
      rows: [{ entity_id: 'u,1', note: 'a, b', y: 2 }],
    });
  });

  it('a configured delimiter wins over the .tsv extension, as in the sources', async () => {
    const path = join(dir, 'semicolons.tsv');
    await writeFile(path, 'entity_id;y\nu\t1;2\n');
    expect(await readLabelSource(file(path, { csv: { delimiter: ';' } }).node, undefined, ['entity_id'])).toEqual({ columns: ['entity_id', 'y'], rows: [{ entity_id: 'u\t1', y: 2 }] });
  });

  it('bytes that are not UTF-8 fail the read with the line and the fix (they are not replaced with U+FFFD)', async () => {
    const latin1 = Uint8Array.from([...utf8('entity_id,y\nu,1\ncaf'), 0xe9, ...utf8(',2\n')]);
    const error = await failure(readLabels(latin1, ',', ['entity_id']));
    expect(error.code).toBe('LABELS_UNREADABLE');
    expect(error.message).toMatch(/labels-\d+\.csv is not UTF-8/);
    expect(error.message).toMatch(/line 3\b/);
    expect(error.message).toMatch(/save it as UTF-8/i);
  });

  it('a U+FFFD written as UTF-8 is text like any other', async () => {
    expect(await readLabels(utf8('entity_id,y\n\ufffd,1\n'), ',', ['entity_id'])).toEqual({ columns: ['entity_id', 'y'], rows: [{ entity_id: '\ufffd', y: 1 }] });
  });

  it('one leading byte-order mark is dropped, as the sources drop it', async () => {
    expect(await readLabels(utf8('\ufeffentity_id,y\nu,1\n'), ',', ['entity_id'])).toEqual({ columns: ['entity_id', 'y'], rows: [{ entity_id: 'u', y: 1 }] });
  });

  it('blank lines are no rows; a quoted field spanning lines is one cell, and lines after it are counted', async () => {
    const text = 'entity_id,note\n\nu,"a\nb"\n\nv,x\nw\n';
    expect(python(text).rows).toEqual([['entity_id', 'note'], [], ['u', 'a\nb'], [], ['v', 'x'], ['w']]);
    const error = await failure(readLabels(utf8(text), ',', ['entity_id']));
    expect(error.message).toMatch(/^Line 7 of the labels file /);
    expect(await readLabels(utf8(text.replace('w\n', '')), ',', ['entity_id'])).toEqual({
      columns: ['entity_id', 'note'],
      rows: [{ entity_id: 'u', note: 'a\nb' }, { entity_id: 'v', note: 'x' }],
    });
  });

  it('{ csv: { header: false } } is honoured: the first row is a label, not a header', async () => {
    const path = join(dir, 'no-header.csv');
    await writeFile(path, 'u,1\nv,2\n');
    expect(await readLabelSource(file(path, { csv: { delimiter: ',', header: false } }).node, undefined, ['column0'])).toEqual({
      columns: ['column0', 'column1'],
      rows: [{ column0: 'u', column1: 1 }, { column0: 'v', column1: 2 }],
    });
  });

  it('JSON-lines labels that are not UTF-8 fail the same way', async () => {
    const path = join(dir, 'latin1.jsonl');
    await writeFile(path, Uint8Array.from([...utf8('{"entity_id":"caf'), 0xe9, ...utf8('"}\n')]));
    const error = await failure(readLabelSource(file(path).node));
    expect(error).toMatchObject({ code: 'LABELS_UNREADABLE', message: expect.stringMatching(/latin1\.jsonl is not UTF-8.*line 1\b/s) });
  });
});

describe('through trainingSet(...).fetch()', () => {
  const D = Date.UTC(2024, 0, 5);
  let root: string;
  beforeAll(async () => {
    root = await dirs.make();
    await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'v', type: 'VARCHAR' }], rows: ['a"b', 'c'].map((id) => ({ entity_id: id, feature_ts: D, values: [`features of ${id}`] })) }]);
  });

  it('a label whose id holds a quote joins its own features; a ragged labels file fails the fetch', async () => {
    const good = join(root, 'labels.csv');
    await writeFile(good, 'entity_id,ts,y\na"b,2024-01-05T12:00:00Z,1\nc,2024-01-05T12:00:00Z,0\n');
    const table = await trainingSet(root, { labels: file(good), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine() });
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      { entity_id: 'a"b', ts: '2024-01-05T12:00:00Z', y: 1, g__v: 'features of a"b' },
      { entity_id: 'c', ts: '2024-01-05T12:00:00Z', y: 0, g__v: 'features of c' },
    ]);

    const ragged = join(root, 'ragged.csv');
    await writeFile(ragged, 'entity_id,ts,y\nc,2024-01-05T12:00:00Z\n');
    const error = await failure(trainingSet(root, { labels: file(ragged), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine() }));
    expect(error).toMatchObject({ code: 'LABELS_UNREADABLE', message: expect.stringMatching(/^Line 2 of the labels file .*ragged\.csv has 2 fields, but the header has 3/) });
  });
});
