/**
 * A local run appends a text object's records batch by batch while reading it. When the object
 * proves unreadable after some batches (a gzip stream cut short), the rows already appended
 * must go again: the object counts 0 rows and is quarantined whole, like one that fails at once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-streamed-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i, name: `n${from + i}` })).join('\n') + '\n';

describe('an object found unreadable after batches were appended', () => {
  it('counts no rows and is quarantined whole; the other objects count as read', async () => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'a-good.jsonl'), lines(1, 10));
    const cut = gzipSync(Buffer.from(lines(100, 200_000)));
    writeFileSync(join(dir, 'in', 'b-cut.jsonl.gz'), cut.subarray(0, Math.floor(cut.length * 0.8)));
    const result = await pipeline('streamed').from(file(join(dir, 'in', '*'))).validate(z.object({ id: z.number(), name: z.string() })).run({ zones: join(dir, 'zones'), writeZones: false });
    expect(result.counts).toEqual({ in: 10, valid: 10, quarantined: 0 });
    expect(result.perObject[join(dir, 'in', 'b-cut.jsonl.gz')] ?? { in: 0, valid: 0, quarantined: 0 }).toEqual({ in: 0, valid: 0, quarantined: 0 });
    expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual([join(dir, 'in', 'b-cut.jsonl.gz')]);
  });
});

describe('a quarantine of many rows', () => {
  it('is written whole, one JSON line per row, across the pieces it is encoded in', async () => {
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'rows.jsonl'), Array.from({ length: 25_003 }, (_, i) => JSON.stringify({ id: `not a number ${i}` })).join('\n'));
    const result = await pipeline('quarantined').from(file(join(dir, 'bad', '*.jsonl'))).validate(z.object({ id: z.number() })).run({ zones: join(dir, 'zones-bad'), writeZones: false });
    expect(result.counts).toEqual({ in: 25_003, valid: 0, quarantined: 25_003 });
    const text = readFileSync(result.outputs.quarantine!, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const rows = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number });
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 25_003 }, (_, i) => i + 1));
  });
});
