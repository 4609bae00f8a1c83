/**
 * A schema that does not fit the data rejects every row. The run must still finish with the
 * report that says which rule failed and a quarantine zone holding every row once, in source
 * order — the rows wait in a temporary file, not in the heap (one million rows held as JS
 * objects took 2.6 GB) — and leave no temporary file behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import type { ProgressEvent } from '../../../sdk/src/pipeline/run-types.js';
import { QUARANTINE_MEMORY_CHARS } from '../../../sdk/src/engines/local/quarantine-spool.js';

const ROWS = 100_000;
let dir: string;
const spoolFolders = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('sluice-quarantine-'));
let before: string[];

beforeAll(async () => {
  before = spoolFolders();
  dir = mkdtempSync(join(tmpdir(), 'sluice-big-quarantine-'));
  const lines: string[] = [];
  // About 25 million characters of JSON lines in the quarantine: past the spool's memory budget.
  for (let i = 0; i < ROWS; i++) lines.push(JSON.stringify({ user_id: `user-${i % 997}`, ts: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), amount: i % 4 === 0 ? 'n/a' : -i - 1, note: 'x'.repeat(60) }));
  writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
  // Parquet (typed rows): two thirds rejected, so the rejected rows come in several pages.
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT i AS id, CASE WHEN i % 3 = 0 THEN i ELSE -i END AS amount FROM range(1, 60001) t(i) ORDER BY i) TO '${join(dir, 'rows.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quarantineLines = (path: string): { object: string; line: number; raw: string; issues: { code: string }[] }[] =>
  readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { object: string; line: number; raw: string; issues: { code: string }[] });

describe('a quarantine larger than memory', () => {
  it('every JSON line rejected: all of them in the zone, in order, with the report and no temporary file left', async () => {
    const Event = z.object({ user_id: z.string(), ts: z.coerce.date(), amount: z.number().nonnegative(), note: z.string() });
    const progress: ProgressEvent[] = [];
    const result = await pipeline('all-rejected').from(file(join(dir, 'events.jsonl'))).validate(Event).run({ zones: join(dir, 'zones-jsonl'), failOnGate: false, onProgress: (e) => progress.push(e) });
    expect(result.counts).toEqual({ in: ROWS, valid: 0, quarantined: ROWS });
    // zod's long share of the run reports how far it is, page by page.
    const zod = progress.filter((e) => e.stage === 'validate' && e.message?.startsWith('zod: '));
    expect(zod.length).toBeGreaterThan(2);
    expect(zod.map((e) => e.done)).toEqual([...zod.map((e) => e.done)].sort((a, b) => a - b));
    expect(zod.at(-1)).toMatchObject({ done: ROWS, total: ROWS, message: 'zod: 100,000 of 100,000 rows SQL did not accept' });
    expect(result.quality.rules.filter((r) => !r.passed).map((r) => [r.rule, r.failingCount])).toEqual([['amount: too_small', ROWS * 0.75], ['amount: invalid_type', ROWS * 0.25]]);
    expect(result.quality.rules[0]!.examples.map((e) => e.line)).toEqual([2, 3, 4]);
    // The premise: more JSON than the spool keeps in memory, so the rows went through its file.
    expect(statSync(result.outputs.quarantine!).size).toBeGreaterThan(QUARANTINE_MEMORY_CHARS);
    const rows = quarantineLines(result.outputs.quarantine!);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(JSON.parse(rows[7]!.raw)).toMatchObject({ user_id: 'user-7', amount: -8 });
    expect(spoolFolders().filter((n) => !before.includes(n))).toEqual([]);
  });

  it('typed rows rejected across several pages: each once, in order', async () => {
    const result = await pipeline('typed-rejected').from(file(join(dir, 'rows.parquet'))).validate(z.object({ id: z.number().int(), amount: z.number().nonnegative() })).run({ zones: join(dir, 'zones-parquet'), failOnGate: false });
    expect(result.counts).toEqual({ in: 60_000, valid: 20_000, quarantined: 40_000 });
    const rows = quarantineLines(result.outputs.quarantine!);
    const expected = Array.from({ length: 60_000 }, (_, i) => i + 1).filter((i) => i % 3 !== 0);
    expect(rows.map((r) => r.line)).toEqual(expected);
    expect(rows.map((r) => (JSON.parse(r.raw) as { id: number }).id)).toEqual(expected);
  });
});
