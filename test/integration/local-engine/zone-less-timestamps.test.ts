/**
 * Text that names no time zone ('2024-01-01 10:00:00') is read as UTC, as Lambda (TZ=UTC) and
 * Glue's session read it — not in the zone of the machine running the notebook. `new Date()`
 * and so `z.coerce.date()` use the process's zone: a run in New York put such a row five hours
 * later than production did, in another window. The local engine runs zod and map() functions
 * in UTC, and leaves the process's own zone as it found it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-zone-less-'));
  writeFileSync(join(dir, 'events.jsonl'), [
    { id: 'a', ts: '2024-01-01 10:00:00' },
    { id: 'b', ts: '2024-01-01T10:00:00' },
    { id: 'c', ts: '2024-01-01T10:00:00Z' },
    { id: 'd', ts: '2024-01-01T05:00:00-05:00' },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('zone-less timestamps in a process whose zone is not UTC', () => {
  it('the machine really is elsewhere: JS alone reads the text five hours later', () => {
    vi.stubEnv('TZ', 'America/New_York');
    expect(new Date('2024-01-01 10:00:00').toISOString()).toBe('2024-01-01T15:00:00.000Z');
  });

  it('validate() reads them as UTC, like text with Z; the process keeps its zone', async () => {
    vi.stubEnv('TZ', 'America/New_York');
    const result = await pipeline('zones').from(file(join(dir, '*.jsonl'))).validate(z.object({ id: z.string(), ts: z.coerce.date() })).run({ dryRun: true });
    expect(result.preview.toArray().map((r) => [r.id, new Date(Number(r.ts)).toISOString()])).toEqual([
      ['a', '2024-01-01T10:00:00.000Z'], ['b', '2024-01-01T10:00:00.000Z'], ['c', '2024-01-01T10:00:00.000Z'], ['d', '2024-01-01T10:00:00.000Z'],
    ]);
    expect(process.env.TZ).toBe('America/New_York');
    expect(new Date('2024-01-01 10:00:00').toISOString()).toBe('2024-01-01T15:00:00.000Z');
  });

  it('map() runs in UTC too: a Date it builds from zone-less text, and its hours, are UTC', async () => {
    vi.stubEnv('TZ', 'America/New_York');
    const result = await pipeline('zones-map')
      .from(file(join(dir, '*.jsonl')))
      .validate(z.object({ id: z.string(), ts: z.string() }))
      .map((row) => ({ ...row, at: new Date(String(row.ts).replace('Z', '')).getTime(), hour: new Date('2024-01-01 10:00:00').getHours() }), { columns: { at: 'number', hour: 'integer' } })
      .run({ dryRun: true });
    expect(result.preview.toArray().map((r) => [r.id, new Date(Number(r.at)).toISOString(), Number(r.hour)])).toEqual([
      ['a', '2024-01-01T10:00:00.000Z', 10], ['b', '2024-01-01T10:00:00.000Z', 10], ['c', '2024-01-01T10:00:00.000Z', 10], ['d', '2024-01-01T10:00:00.000Z', 10],
    ]);
    expect(process.env.TZ).toBe('America/New_York');
  });
});
