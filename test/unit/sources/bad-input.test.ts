import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { file, listSourceObjects, readObject, type SourceOptions } from '../../../sdk/src/sources/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-bad-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let counter = 0;
async function put(name: string, bytes: Uint8Array | string, options: SourceOptions = {}) {
  const path = join(root, `${counter++}-${name}`);
  await writeFile(path, bytes);
  const node = file(path, options).node;
  const [object] = await listSourceObjects(node);
  return { node, object: object! };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic, poorly compressible lines (so a gzip of them spans many chunks). */
function lines(count: number): string[] {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
  return Array.from({ length: count }, (_, i) => JSON.stringify({ i, pad: Array.from({ length: 6 }, () => next().toString(36)).join('') }));
}

describe('objects that cannot be read as a whole', () => {
  test('a truncated gzip fails with an error naming the object; all raw bytes were read, so it has a hash', async () => {
    const full = gzipSync(lines(50).join('\n'));
    const cut = full.subarray(0, Math.floor(full.length * 0.7));
    const { node, object } = await put('cut.jsonl.gz', cut);
    const result = await readObject(node, object);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(object.key);
    expect(result.error).toMatch(/gzip \(truncated or corrupt\)/);
    expect(result.contentHash).toBe(sha256(cut));
  });

  test('gzip with a corrupt CRC fails', async () => {
    const full = Buffer.from(gzipSync('{"a":1}\n'));
    full[full.length - 8]! ^= 0xff; // first byte of the CRC32 trailer
    const { node, object } = await put('crc.jsonl.gz', full);
    expect(await readObject(node, object)).toMatchObject({ ok: false, error: expect.stringMatching(/gzip/) });
  });

  test('bytes that are not UTF-8 fail the object, saying where', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    for (const [name, bytes] of [['latin1.jsonl', latin1], ['latin1.csv', Buffer.from('a\nok\ncaf\xe9\n', 'latin1')]] as const) {
      const { node, object } = await put(name, bytes);
      const result = await readObject(node, object);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toMatch(/^not valid UTF-8/);
      expect(result.error).toContain(object.key);
    }
  });

  test('a UTF-8 sequence cut at the very end of the object is invalid too', async () => {
    const { node, object } = await put('cut-utf8.jsonl', Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from('é').subarray(0, 1)]));
    expect(await readObject(node, object)).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid UTF-8/) });
  });

  test('a gzip object without .gz says how to read it', async () => {
    const { node, object } = await put('packed.jsonl', gzipSync('{"a":1}\n'));
    const result = await readObject(node, object);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("compression: 'gzip'") });
  });

  test('compression: gzip reads a gzip object of any name', async () => {
    const { node, object } = await put('packed2.jsonl', gzipSync('{"a":1}\n'), { compression: 'gzip' });
    expect(await readObject(node, object)).toMatchObject({ ok: true, records: [{ value: { a: 1 } }] });
  });
});

describe('empty objects', () => {
  test.each([
    ['empty.jsonl', new Uint8Array()],
    ['blank-lines.jsonl', '\n\n  \r\n'],
    ['empty.csv', new Uint8Array()],
    ['empty.jsonl.gz', new Uint8Array()],
    ['empty-stream.csv.gz', gzipSync(new Uint8Array())],
  ])('%s is ok with zero records', async (name, bytes) => {
    const { node, object } = await put(name, bytes);
    const stored = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    expect(await readObject(node, object)).toEqual({ ok: true, records: [], contentHash: sha256(stored), truncatedByLimit: false });
  });
});

describe('limit', () => {
  const all = lines(20_000); // ~0.9 MB of text: many read chunks
  const text = all.join('\n') + '\n';

  test('stops after `limit` records, says so, and did not read the whole object', async () => {
    const { node, object } = await put('big.jsonl', text);
    const result = await readObject(node, object, { limit: 5 });
    expect(result).toMatchObject({ ok: true, truncatedByLimit: true });
    if (!result.ok) return;
    expect(result.records.map((r) => r.raw)).toEqual(all.slice(0, 5));
    // The hash covers only the bytes read: had the whole object been read it would equal this.
    expect(result.contentHash).not.toBe(sha256(Buffer.from(text)));
  });

  test('a gzip object whose tail is corrupt yields the first N records with limit, and fails without', async () => {
    const full = gzipSync(text);
    const corrupt = Buffer.from(full);
    corrupt.fill(0x55, Math.floor(full.length * 0.8)); // trash the last fifth
    const { node, object } = await put('tail.jsonl.gz', corrupt);
    const limited = await readObject(node, object, { limit: 100 });
    expect(limited).toMatchObject({ ok: true, truncatedByLimit: true });
    if (limited.ok) expect(limited.records.map((r) => r.raw)).toEqual(all.slice(0, 100));
    const whole = await readObject(node, object);
    expect(whole).toMatchObject({ ok: false, error: expect.stringMatching(/gzip/) });
  });

  test('a limit at or above the record count reads everything and is not truncated', async () => {
    const { node, object } = await put('three.csv', 'a\n1\n2\n3\n');
    for (const limit of [3, 4, 1000]) {
      const result = await readObject(node, object, { limit });
      expect(result).toMatchObject({ ok: true, truncatedByLimit: false });
      if (result.ok) expect(result.records.map((r) => r.value)).toEqual([{ a: '1' }, { a: '2' }, { a: '3' }]);
    }
    expect(await readObject(node, object, { limit: 2 })).toMatchObject({ ok: true, truncatedByLimit: true, records: [{ line: 2 }, { line: 3 }] });
    expect(await readObject(node, object, { limit: 0 })).toMatchObject({ ok: true, truncatedByLimit: true, records: [] });
  });

  test('records with errors count toward the limit (they are rows of the source)', async () => {
    const { node, object } = await put('errs.jsonl', '{"a":1}\nbad\n[1]\n{"a":2}\n');
    const result = await readObject(node, object, { limit: 3 });
    expect(result.ok && result.records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  test('a limit that is not a non-negative integer is a SourceError', async () => {
    const { node, object } = await put('l.jsonl', '{}\n');
    await expect(readObject(node, object, { limit: -1 })).rejects.toThrow(SourceError);
    await expect(readObject(node, object, { limit: 1.5 })).rejects.toThrow(/non-negative integer/);
  });
});

describe('unreadable files', () => {
  test('a file deleted after listing fails the object, not the run', async () => {
    const { node, object } = await put('gone.jsonl', '{}\n');
    await rm(object.uri);
    expect(await readObject(node, object)).toMatchObject({ ok: false, error: expect.stringContaining(object.uri) });
  });
});
