/**
 * A JSON line nested deeper than JavaScript's stack (valid JSON: JSON.parse reads it) cannot
 * be written back as text for DuckDB: JSON.stringify throws a RangeError. That one record must
 * be quarantined as malformed with a reason, while the rest of the batch runs — not fail the
 * run with "Maximum call stack size exceeded".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const DEPTH = 200_000;
const deep = `{"id":"deep","n":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
/** Objects in objects, with an integer JSON.parse rounds at the bottom (sluice looks for those in nested objects). */
const deepObjects = `{"id":"objects","n":${'{"a":'.repeat(DEPTH)}12345678901234567891${'}'.repeat(DEPTH)}}`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-deep-'));
  writeFileSync(join(dir, 'rows.jsonl'), `{"id":"a","n":1}\n${deep}\n{"id":"b","n":2}\n`);
  mkdirSync(join(dir, 'objects'));
  writeFileSync(join(dir, 'objects', 'rows.jsonl'), `{"id":"a","n":1}\n${deepObjects}\n{"id":"b","n":2}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a JSON line nested too deeply to write back', () => {
  it('is quarantined as malformed, and the other rows are validated', async () => {
    // The premise, checked here: the line is valid JSON, and stringifying it overflows the stack.
    expect(() => JSON.stringify(JSON.parse(deep))).toThrow(RangeError);
    const result = await pipeline('deep').from(file(join(dir, '*.jsonl'))).validate(z.object({ id: z.string(), n: z.number() })).run({ zones: join(dir, 'zones'), failOnGate: false });
    expect(result.counts).toEqual({ in: 3, valid: 2, quarantined: 1 });
    expect(result.preview.toArray().map((r) => r.id)).toEqual(['a', 'b']);
    const [quarantined] = readFileSync(result.outputs.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; issues: { code: string; message: string }[] });
    expect(quarantined!.line).toBe(2);
    expect(quarantined!.issues[0]!.code).toBe('malformed_record');
    expect(quarantined!.issues[0]!.message).toMatch(/nested too deeply/);
  });

  it('objects nested as deeply: the same, the line read without overflowing the stack', async () => {
    const result = await pipeline('deep-objects').from(file(join(dir, 'objects', 'rows.jsonl'))).validate(z.object({ id: z.string(), n: z.number() })).run({ zones: join(dir, 'zones-objects'), failOnGate: false });
    expect(result.counts).toEqual({ in: 3, valid: 2, quarantined: 1 });
    const [quarantined] = readFileSync(result.outputs.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; issues: { message: string }[] });
    expect(quarantined!.line).toBe(2);
    expect(quarantined!.issues[0]!.message).toMatch(/nested too deeply/);
  });
});
