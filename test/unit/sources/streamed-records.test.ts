/**
 * Records handed over in batches while an object is read (`onRecords`), so that a local run
 * never holds a whole object in memory (a 1 GB JSONL file ran the process out of heap): every
 * record arrives once, in order, the limit holds exactly, and a JSON line split over many
 * small chunks is still one record.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { file, listSourceObjects, readObject } from '../../../sdk/src/sources/index.js';
import { createJsonlParser } from '../../../sdk/src/sources/jsonl-parser.js';
import type { RawRecord } from '../../../sdk/src/sources/source-object.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-streamed-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: i + 1, name: `n${i + 1}` })).join('\n') + '\n';

async function objectOf(name: string, bytes: Buffer) {
  await writeFile(join(root, name), bytes);
  const node = file(join(root, name)).node;
  const [object] = await listSourceObjects(node);
  return { node, object: object! };
}

async function streamed(name: string, bytes: Buffer, limit?: number) {
  const { node, object } = await objectOf(name, bytes);
  const batches: RawRecord[][] = [];
  const result = await readObject(node, object, { ...(limit !== undefined ? { limit } : {}), onRecords: async (batch) => void batches.push(batch) });
  return { result, batches, ids: batches.flat().map((r) => r.value!.id as number) };
}

describe('records streamed in batches', () => {
  it('every record once, in order, in bounded batches (about 20,000: a chunk\'s records more at most), none left in the result', async () => {
    const { result, batches, ids } = await streamed('many.jsonl', Buffer.from(lines(50_001)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(ids).toEqual(Array.from({ length: 50_001 }, (_, i) => i + 1));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(40_000);
    expect(batches.length).toBeGreaterThan(2);
    expect(result.records).toEqual([]);
    expect(result.delivered).toBe(50_001);
  });

  it('a limit is exact, and says the object had more', async () => {
    const { result, ids } = await streamed('limited.jsonl', Buffer.from(lines(50_000)), 30_001);
    expect(ids).toEqual(Array.from({ length: 30_001 }, (_, i) => i + 1));
    expect(result).toMatchObject({ ok: true, truncatedByLimit: true, delivered: 30_001, records: [] });
  });

  it('an object that turns out unreadable after some batches reports it (the caller drops what it got)', async () => {
    const cut = gzipSync(Buffer.from(lines(200_000)));
    const { result, ids } = await streamed('cut.jsonl.gz', cut.subarray(0, Math.floor(cut.length * 0.8)));
    expect(ids.length).toBeGreaterThan(20_000);
    expect(result.ok).toBe(false);
  });
});

describe('a JSON line split over many chunks', () => {
  it('is one record, whatever the chunk boundaries (CRLF split between chunks included)', () => {
    const long = JSON.stringify({ id: 1, text: 'x'.repeat(100_000) });
    const text = `${long}\r\n{"id":2}\n`;
    for (const size of [1, 7, 4096, 65_536]) {
      const parser = createJsonlParser();
      const out: RawRecord[] = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      out.push(...parser.end());
      expect(out.map((r) => [r.line, r.value?.id, r.raw.length]), `chunks of ${size}`).toEqual([[1, 1, long.length], [2, 2, 8]]);
    }
  });
});
