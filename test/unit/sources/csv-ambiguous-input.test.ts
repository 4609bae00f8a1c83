/**
 * CSV where RFC 4180 is silent or ambiguous, read end to end. sluice need not read these as
 * Python's csv module does, but it follows its documented rules (csv-row-splitter.ts,
 * csv-parser.ts) and never loses a row silently: every row Python's csv.reader finds in the
 * file (an independent count) is a row sluice counts in, and `in = valid + quarantined`, with
 * each quarantined row's reason saying what is wrong.
 *
 * The expected records and reasons are written out by hand from those rules (ambiguous-csv-cases.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { listSourceObjects, readObject } from '../../../sdk/src/sources/index.js';
import { query } from '../../helpers/duckdb-query.js';
import { CASES, type Case } from './ambiguous-csv-cases.js';
import { pythonCsv } from './python-csv-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-csv-ambiguous-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows Python's csv.reader finds after the header in each case's file (blank lines are not rows), read in one spawn. */
const PYTHON_DATA_ROWS = new Map(
  pythonCsv(CASES.map((c) => ({ bytes: new TextEncoder().encode(c.bytes), delimiter: ',' }))).map((read, i) => [
    CASES[i]!.bytes,
    Math.max(0, read.rows.filter((r) => r.length > 0).length - 1),
  ]),
);
const pythonDataRows = (bytes: string): number => PYTHON_DATA_ROWS.get(bytes)!;

const Row = z.object({ id: z.string(), name: z.string() });

describe('ambiguous CSV, read by readObject', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const path = join(dir, 'objects', `${name}.csv`);
    mkdirSync(join(dir, 'objects'), { recursive: true });
    writeFileSync(path, c.bytes);
    const node = file(path).node;
    const [object] = await listSourceObjects(node);
    const result = await readObject(node, object!);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records.length, 'every row Python finds is a record').toBe(pythonDataRows(c.bytes));
    expect(result.records.filter((r) => r.value).map((r) => r.value)).toEqual(c.valid);
    const bad = result.records.filter((r) => r.error !== undefined);
    expect(bad.map((r) => r.line)).toEqual(c.quarantined.map((q) => q.line));
    bad.forEach((r, i) => expect(r.error).toMatch(c.quarantined[i]!.reason));
  });
});

describe('ambiguous CSV, through a pipeline run', () => {
  interface Quarantined {
    object: string;
    line: number | null;
    issues: { code: string; message: string }[];
  }

  test('per object: rows in = rows Python finds = valid + quarantined, and each quarantined row says why', async () => {
    const input = join(dir, 'run', 'in');
    mkdirSync(input, { recursive: true });
    for (const c of CASES) writeFileSync(join(input, `${c.name}.csv`), c.bytes);
    // A header naming a column twice cannot be read as rows at all: the object is quarantined whole.
    writeFileSync(join(input, 'duplicate-header.csv'), 'id,name,id\n1,a,2\n');
    const zones = join(dir, 'run', 'zones');
    const result = await pipeline('csv-ambiguous').from(file(join(input, '*.csv'))).validate(Row).run({ zones });

    const quarantine = join(zones, 'quarantine');
    const rejected = (existsSync(quarantine) ? readdirSync(quarantine).filter((f) => f.endsWith('.jsonl')) : [])
      .flatMap((f) => readFileSync(join(quarantine, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Quarantined));
    for (const c of CASES) {
      const key = join(input, `${c.name}.csv`);
      const counts = result.perObject[key];
      expect(counts, c.name).toEqual({ in: pythonDataRows(c.bytes), valid: c.valid.length, quarantined: c.quarantined.length });
      const mine = rejected.filter((q) => q.object === key).sort((a, b) => a.line! - b.line!);
      expect(mine.map((q) => q.line), c.name).toEqual(c.quarantined.map((q) => q.line));
      mine.forEach((q, i) => {
        expect(q.issues.map((issue) => issue.code), c.name).toEqual(['malformed_record']);
        expect(q.issues[0]!.message, c.name).toMatch(c.quarantined[i]!.reason);
      });
    }
    const whole = rejected.filter((q) => q.object === join(input, 'duplicate-header.csv'));
    expect(whole).toMatchObject([{ line: null, issues: [{ code: 'unreadable_object', message: expect.stringMatching(/names the column "id" twice/) }] }]);

    const sum = (pick: (c: Case) => number) => CASES.reduce((n, c) => n + pick(c), 0);
    expect(result.counts).toEqual({ in: sum((c) => pythonDataRows(c.bytes)), valid: sum((c) => c.valid.length), quarantined: sum((c) => c.quarantined.length) });
    expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
    // The valid rows as stored, NUL, CR and an inner byte-order mark included. Compared as
    // UTF-8 hex, so that no text decoder on the way back (Arrow's, hyparquet's drop a leading
    // U+FEFF of each value) can hide or cause a difference.
    const stored = await query(`SELECT hex(id) AS id, hex(name) AS name FROM read_parquet('${join(zones, 'validated')}/**/*.parquet')`);
    const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase();
    const sorted = (rows: { id: string; name: string }[]) => rows.map((r) => `${r.id} ${r.name}`).sort();
    expect(sorted(stored as { id: string; name: string }[])).toEqual(sorted(CASES.flatMap((c) => c.valid).map((r) => ({ id: hex(r.id), name: hex(r.name) }))));
  });
});
