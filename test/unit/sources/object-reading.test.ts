import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { fetchToLocalFile, file, listSourceObjects, readObject, type SourceOptions } from '../../../sdk/src/sources/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-read-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let counter = 0;
/** Writes one object (gzipped when `gzip`) and returns its source node and listed object. */
async function put(name: string, content: string | Uint8Array, options: SourceOptions & { gzip?: boolean } = {}) {
  const { gzip, ...sourceOptions } = options;
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  const stored = gzip ? gzipSync(bytes) : bytes;
  const fileName = `${counter++}-${name}${gzip ? '.gz' : ''}`;
  await writeFile(join(root, fileName), stored);
  const node = file(join(root, fileName), sourceOptions).node;
  const [object] = await listSourceObjects(node);
  return { node, object: object!, stored };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Independent expectations: the records these sample texts hold, written out by hand.
const JSONL_TEXT = '{"id":1,"name":"ann"}\n\n{"id":2,"name":"bé"}\r\n   \n{"id":3,"tags":["x"]}';
const JSONL_EXPECTED = [
  { line: 1, raw: '{"id":1,"name":"ann"}', value: { id: 1, name: 'ann' } },
  { line: 3, raw: '{"id":2,"name":"bé"}', value: { id: 2, name: 'bé' } },
  { line: 5, raw: '{"id":3,"tags":["x"]}', value: { id: 3, tags: ['x'] } },
];
const CSV_TEXT = 'id,name,note\r\n1,ann,"said ""hi"", left"\r\n2,bé,"two\nlines"\r\n\r\n3,,plain\r\n';
const CSV_EXPECTED = [
  { line: 2, raw: '1,ann,"said ""hi"", left"', value: { id: '1', name: 'ann', note: 'said "hi", left' } },
  { line: 3, raw: '2,bé,"two\nlines"', value: { id: '2', name: 'bé', note: 'two\nlines' } },
  { line: 6, raw: '3,,plain', value: { id: '3', name: '', note: 'plain' } },
];

const TSV_TEXT = 'id\tname\tnote\r\n1\tann\t"said ""hi"", left"\r\n2\tbé\t"two\nlines"\r\n\r\n3\t\tplain\r\n';
const TSV_EXPECTED = [
  { ...CSV_EXPECTED[0], raw: '1\tann\t"said ""hi"", left"' },
  { ...CSV_EXPECTED[1], raw: '2\tbé\t"two\nlines"' },
  { ...CSV_EXPECTED[2], raw: '3\t\tplain' },
];

describe('every text format, plain and gzip', () => {
  const cases = [
    ['jsonl', 'events.jsonl', JSONL_TEXT, JSONL_EXPECTED],
    ['ndjson', 'events.ndjson', JSONL_TEXT, JSONL_EXPECTED],
    ['json', 'events.json', JSONL_TEXT, JSONL_EXPECTED],
    ['csv', 'events.csv', CSV_TEXT, CSV_EXPECTED],
    ['tsv', 'events.tsv', TSV_TEXT, TSV_EXPECTED],
  ] as const;
  for (const gzip of [false, true]) {
    test.each(cases)(`%s${gzip ? '.gz' : ''}`, async (_label, name, text, expected) => {
      const { node, object, stored } = await put(name, text, { gzip });
      expect(object.compression).toBe(gzip ? 'gzip' : 'none');
      const result = await readObject(node, object);
      expect(result).toEqual({ ok: true, records: expected, contentHash: sha256(stored), truncatedByLimit: false });
    });
  }

  test('parquet and parquet.gz become local files that hold the same table', async () => {
    const table = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1, 2, 3], type: 'INT32' },
        { name: 'name', data: ['a', 'b é', 'c'], type: 'STRING' },
      ],
    });
    for (const gzip of [false, true]) {
      const { node, object } = await put('table.parquet', new Uint8Array(table), { gzip });
      expect(object.format).toBe('parquet');
      const path = await fetchToLocalFile(node, object, { directory: root });
      expect(path === object.uri).toBe(!gzip); // a plain local file is read in place
      const bytes = await readFile(path);
      expect(Buffer.compare(bytes, Buffer.from(table))).toBe(0);
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      expect(rows).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b é' }, { id: 3, name: 'c' }]);
      if (path !== object.uri) await rm(dirname(path), { recursive: true });
      await expect(readObject(node, object)).rejects.toThrow(SourceError);
    }
  });

  test('a corrupt parquet.gz fails to fetch with a SourceError naming the object', async () => {
    const { node, object, stored } = await put('bad.parquet', 'PAR1 not really', { gzip: true });
    await writeFile(object.uri, stored.subarray(0, stored.length - 6));
    const error = await fetchToLocalFile(node, object).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('SOURCE_OBJECT_UNREADABLE');
    expect((error as Error).message).toContain(object.uri);
  });
});

describe('JSON Lines records', () => {
  test('malformed lines and non-objects become records with an error; line numbers stay true', async () => {
    const text = ['{"ok":1}', '{"broken":', '', '[1,2]', '42', '"text"', 'null', 'true', '{"ok":2}  ', '{"a":1}{"b":2}'].join('\n');
    const { node, object } = await put('mixed.jsonl', text);
    const result = await readObject(node, object);
    if (!result.ok) throw new Error(result.error);
    const summary = result.records.map((r) => [r.line, r.value ?? r.error?.replace(/:.*$/s, ':…')]);
    expect(summary).toEqual([
      [1, { ok: 1 }],
      [2, 'malformed JSON:…'],
      // An array's elements are records of their own, as are records back to back on a line.
      [4, 'expected a JSON object, got number'],
      [4, 'expected a JSON object, got number'],
      [5, 'expected a JSON object, got number'],
      [6, 'expected a JSON object, got string'],
      [7, 'expected a JSON object, got null'],
      [8, 'expected a JSON object, got boolean'],
      [9, { ok: 2 }],
      [10, { a: 1 }],
      [10, { b: 2 }],
    ]);
    expect(result.records[1]!.raw).toBe('{"broken":');
    expect(result.records[1]!.error).toMatch(/^malformed JSON: .+/);
    expect(result.records[1]!.value).toBeUndefined();
  });

  test('a "__proto__" key stays data', async () => {
    const { node, object } = await put('proto.jsonl', '{"__proto__":{"polluted":true},"a":1}\n');
    const result = await readObject(node, object);
    if (!result.ok) throw new Error(result.error);
    const value = result.records[0]!.value!;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a UTF-8 byte order mark is not part of the first record', async () => {
    const { node, object } = await put('bom.jsonl', '\uFEFF{"a":1}\n');
    expect(await readObject(node, object)).toMatchObject({ ok: true, records: [{ line: 1, value: { a: 1 } }] });
  });
});

describe('CSV records', () => {
  async function csv(text: string, options: SourceOptions = {}, columnTypes?: Record<string, 'string' | 'number' | 'integer' | 'boolean' | 'timestamp'>, nullColumns?: string[]) {
    const { node, object } = await put('t.csv', text, options);
    const result = await readObject(node, object, { ...(columnTypes ? { csvColumnTypes: columnTypes } : {}), ...(nullColumns ? { csvNullColumns: nullColumns } : {}) });
    if (!result.ok) throw new Error(result.error);
    return result.records;
  }

  test('quoting edge cases: delimiters, doubled quotes, CRLF and LF inside quotes, empty quoted fields', async () => {
    const records = await csv('a,b,c\n"x,y","he said ""no""",""\n"line1\r\nline2",,""""\n');
    expect(records).toEqual([
      { line: 2, raw: '"x,y","he said ""no""",""', value: { a: 'x,y', b: 'he said "no"', c: '' } },
      { line: 3, raw: '"line1\r\nline2",,""""', value: { a: 'line1\r\nline2', b: '', c: '"' } },
    ]);
  });

  test('ragged rows become records with an error naming both counts', async () => {
    const records = await csv('a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,3,4,5\n1,2,3,4,5,6,7\n');
    expect(records.map((r) => r.error ?? 'ok')).toEqual(['ok', 'row has 5 fields, header has 6', 'row has 7 fields, header has 6']);
    expect(records[1]).toEqual({ line: 3, raw: '1,2,3,4,5', error: 'row has 5 fields, header has 6' });
  });

  test('text after a closing quote and an unclosed quote mark the row', async () => {
    const records = await csv('a,b\n"x"y,1\n2,"never closed\n3,4\n');
    expect(records[0]).toMatchObject({ line: 2, raw: '"x"y,1' });
    expect(records[0]!.error).toMatch(/after the closing quote of field 1/);
    expect(records[1]).toMatchObject({ line: 3, raw: '2,"never closed\n3,4\n' });
    expect(records[1]!.error).toMatch(/opened on line 3 is never closed/);
  });

  test('a quote inside an unquoted field is kept as a character', async () => {
    expect(await csv('a,b\n5" pipe,x\n')).toEqual([{ line: 2, raw: '5" pipe,x', value: { a: '5" pipe', b: 'x' } }]);
  });

  test('a custom delimiter, a header-less file, and lone CR line ends', async () => {
    expect(await csv('1;"a;b"\r2;c', { csv: { delimiter: ';', header: false } })).toEqual([
      { line: 1, raw: '1;"a;b"', value: { column0: '1', column1: 'a;b' } },
      { line: 2, raw: '2;c', value: { column0: '2', column1: 'c' } },
    ]);
  });

  test('column types decode numbers, integers, booleans; an empty typed cell is a missing field; undecodable text stays text', async () => {
    const text = 'n,i,b,t,s\n1.5,42,true,2024-01-01T00:00:00Z,007\n-2e3, 7 ,FALSE,,\n,,,,\nabc,1.5,yes,x,y\n, 9007199254740993 ,  ,\t,\n';
    const records = await csv(text, {}, { n: 'number', i: 'integer', b: 'boolean', t: 'timestamp', s: 'string' });
    expect(records.map((r) => r.value)).toEqual([
      { n: 1.5, i: 42, b: true, t: '2024-01-01T00:00:00Z', s: '007' },
      { n: -2000, i: 7, b: false, s: '' },
      { s: '' },
      { n: 'abc', i: 1.5, b: 'yes', t: 'x', s: 'y' },
      { i: ' 9007199254740993 ', s: '' },
    ]);
    // Left out, not present as undefined: a JSON copy of the record has no such key either.
    expect(Object.keys(records[2]!.value!)).toEqual(['s']);
  });

  test('an empty cell of a column listed in nullColumns is null; text columns keep their empty text', async () => {
    const records = await csv('n,t,s\n,,\n', {}, { n: 'number', t: 'timestamp', s: 'string' }, ['n', 's']);
    expect(records.map((r) => r.value)).toEqual([{ n: null, s: '' }]);
  });

  test('a header-only file and a header with an empty name', async () => {
    expect(await csv('a,b\n')).toEqual([]);
    expect(await csv('a,,c\n1,2,3\n')).toEqual([{ line: 2, raw: '1,2,3', value: { a: '1', column1: '2', c: '3' } }]);
  });

  test('a header that repeats a column fails the whole object', async () => {
    const { node, object } = await put('dup.csv', 'a,b,a\n1,2,3\n');
    const result = await readObject(node, object);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/names the column "a" twice/);
  });

  test('an explicit delimiter wins over the .tsv extension', async () => {
    const { node, object } = await put('x.tsv', 'a,b\n1,2\n', { csv: { delimiter: ',' } });
    expect(await readObject(node, object)).toMatchObject({ ok: true, records: [{ value: { a: '1', b: '2' } }] });
  });
});
