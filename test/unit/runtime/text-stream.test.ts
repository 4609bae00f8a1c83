import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { recordBatches } from '../../../sdk/src/runtime/record-reader.js';
import { decompressed, UnreadableObjectError, utf8Text } from '../../../sdk/src/runtime/text-stream.js';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Uint8Array, size: number, compression: 'auto' | 'gzip' | 'none' = 'auto'): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of recordBatches(utf8Text(decompressed(chunks(bytes, size), compression)), createJsonlParser())) {
    for (const r of batch) out.push(r.raw);
  }
  return out;
}

const text = Array.from({ length: 200 }, (_, i) => JSON.stringify({ i, s: `żółw ${i} 日本 👍` })).join('\n') + '\n';
const expected = text.trim().split('\n');

describe('streaming decode', () => {
  it('reads the same records whatever the chunking (multi-byte characters split across chunks)', async () => {
    for (const size of [1, 3, 7, 64, 4096]) expect(await readAll(new TextEncoder().encode(text), size)).toEqual(expected);
  });

  it('gunzips by magic number, with or without a .gz name', async () => {
    const gz = gzipSync(text);
    for (const size of [1, 5, 1000]) expect(await readAll(gz, size)).toEqual(expected);
  });

  it('a truncated gzip stream makes the object unreadable', async () => {
    const gz = gzipSync(text);
    await expect(readAll(gz.subarray(0, gz.length - 20), 100)).rejects.toBeInstanceOf(UnreadableObjectError);
  });

  it('a declared gzip that is not gzip is unreadable', async () => {
    await expect(readAll(new TextEncoder().encode(text), 100, 'gzip')).rejects.toBeInstanceOf(UnreadableObjectError);
  });

  it('the unreadable-object errors say what to do (they are what the quarantine error document shows)', async () => {
    const gz = gzipSync(text);
    await expect(readAll(gz.subarray(0, gz.length - 20), 100)).rejects.toThrow(/upload .* again/);
    await expect(readAll(Uint8Array.from([0x7b, 0xff, 0x7d, 0x0a]), 2)).rejects.toThrow(/re-encode .*iconv/);
    await expect(readAll(Uint8Array.from([0x7b, 0x7d, 0x0a, 0xe6, 0x97]), 2)).rejects.toThrow(/re-encode .*iconv/);
  });

  it('bytes that are not UTF-8 make the object unreadable, also when the object ends mid-character', async () => {
    await expect(readAll(Uint8Array.from([0x7b, 0xff, 0x7d, 0x0a]), 2)).rejects.toThrow(/not valid UTF-8/);
    await expect(readAll(Uint8Array.from([0x7b, 0x7d, 0x0a, 0xe6, 0x97]), 2)).rejects.toThrow(/UTF-8/);
  });
});
