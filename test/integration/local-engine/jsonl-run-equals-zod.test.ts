/**
 * End to end, through the real reader and loader: a run over a JSON Lines file gives exactly
 * what zod's safeParse gives over JSON.parse of each line — the same valid rows with the same
 * values (signs, coercions, defaults), the same quarantined lines with the same issues.
 * fast-path-equivalence.test.ts checks the validation stage on its own; this one also covers
 * what happens to a record on its way there (1e400 once became a valid null on that way).
 * zod runs here in UTC, as sluice runs it (zone-less text such as `[1]` → '1' → 2001-01-01 is a
 * UTC instant on every machine); the suite itself runs in New York time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { zodInUtc } from '../../helpers/zod-in-utc.js';

const Row = z.object({
  id: z.string().min(1).max(6),
  n: z.number().nullable(),
  k: z.number().int().nonnegative().default(3),
  c: z.coerce.number().optional(),
  e: z.enum(['a', 'b']).nullish(),
  ts: z.coerce.date(),
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-jsonl-zod-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Number literals as they appear in files, including the ones JSON.stringify cannot write back.
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom('-0', '-0.0', '0.0', '1e400', '-1e400', '1e-400', '9007199254740993', '1.5', '2.0', '1E2'),
);
const value = fc.oneof(
  numberText,
  fc.constantFrom('null', 'true', '"a"', '"b"', '"c"', '""', '"12"', '" 7 "', '"-0"', '"1e400"', '"😀😀"', '"abcdefg"', '"é"', '"\\u00e9x"', '[1]', '{"x":1}'),
  fc.constantFrom('"2024-01-15T10:00:00Z"', '"2024-01-15"', '"2024-02-30T00:00:00Z"', '"not a date"', '1700000000000'),
);
const fields = ['id', 'n', 'k', 'c', 'e', 'ts'];
// Mostly a valid row with one or two fields replaced (a repeated key: JSON.parse keeps the last),
// so that rows land on both sides of each check; sometimes any mix of fields.
const valid = '"id":"r1","n":1.5,"ts":"2024-01-15T10:00:00Z"';
const pairs = (max: number) => fc.array(fc.tuple(fc.constantFrom(...fields, 'extra'), value), { maxLength: max }).map((p) => p.map(([k, v]) => `"${k}":${v}`));
const line = fc.oneof(
  { weight: 10, arbitrary: pairs(2).map((p) => `{${[valid, ...p].join(',')}}`) },
  { weight: 4, arbitrary: pairs(8).map((p) => `{${p.join(',')}}`) },
  { weight: 1, arbitrary: fc.constantFrom('{"id":', 'not json', '[1]', '  ', '{"id":"a","ts":"2024-01-15"}\r') },
);

type Row = Record<string, unknown>;
/** A value for comparison: -0 shown as such (toEqual does not tell it from 0), except in k, an integer (BIGINT) column, which has no -0. */
const norm = (v: unknown, column: string): unknown =>
  v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v === undefined ? null : Object.is(v, -0) && column !== 'k' ? '-0' : v === 0 ? 0 : v;

describe('a JSON Lines run ≡ zod over each line', () => {
  it('valid rows, quarantined lines and issues are zod\'s', async () => {
    let runNo = 0;
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), async (lines) => {
      const folder = join(dir, `run-${runNo++}`);
      const path = join(dir, `rows-${runNo}.jsonl`);
      writeFileSync(path, lines.join('\n'));
      // The oracle: blank lines are no rows; every other line is JSON.parse'd and given to zod.
      const valid: Row[] = [];
      const quarantined: { line: number; issues: string[] }[] = [];
      lines.forEach((text, i) => {
        if (text.trim() === '') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          quarantined.push({ line: i + 1, issues: ['malformed_record'] });
          return;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          quarantined.push({ line: i + 1, issues: ['malformed_record'] });
          return;
        }
        const result = zodInUtc(() => Row.safeParse(parsed));
        if (result.success) valid.push(Object.fromEntries(Object.keys(Row.shape).map((k) => [k, norm((result.data as Row)[k], k)])));
        else quarantined.push({ line: i + 1, issues: result.error.issues.map((issue) => `${issue.path.join('.')}:${issue.code}:${issue.message}`) });
      });

      const run = await pipeline('jsonl-zod').from(file(path)).validate(Row).run({ zones: folder, failOnGate: false, previewRows: 100, profile: false });
      const rows = run.preview.toArray().map((r) => Object.fromEntries(Object.keys(Row.shape).map((k) => [k, norm(r[k], k)])));
      expect(rows).toEqual(valid);
      const written = run.outputs.quarantine ? readFileSync(run.outputs.quarantine, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; issues: { path: string[]; code: string; message: string }[] }) : [];
      const got = written.map((q) => ({ line: q.line, issues: q.issues[0]?.code === 'malformed_record' ? ['malformed_record'] : q.issues.map((i) => `${i.path.join('.')}:${i.code}:${i.message}`) }));
      expect(got.sort((a, b) => a.line - b.line)).toEqual(quarantined);
      expect(run.counts).toEqual({ in: valid.length + quarantined.length, valid: valid.length, quarantined: quarantined.length });
    }), { numRuns: 20, endOnFailure: true });
  }, 120_000);
});
