/**
 * sluice stores a z.bigint() field in a 64-bit integer column. zod accepts any bigint, e.g.
 * z.coerce.bigint() on "12345678901234567890", which no such column holds. One such row must be
 * quarantined with a reason that says so — not crash the whole run with DuckDB's bare
 * "bigint out of int64 range". The oracle is zod's safeParse plus the int64 bounds, written here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const Row = z.object({ id: z.string(), n: z.coerce.bigint() });
const VALUES = ['1', '-1', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '12345678901234567890', '1.5', 'x'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-bigint-'));
  writeFileSync(join(dir, 'rows.jsonl'), `${VALUES.map((n, i) => JSON.stringify({ id: `r${i}`, n })).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a bigint zod accepts but a 64-bit column cannot hold', () => {
  it('quarantines that row with a reason, and keeps every other row as zod decides', async () => {
    const valid: [string, bigint][] = [];
    const zodRejects: string[] = [];
    const tooBig: string[] = [];
    VALUES.forEach((n, i) => {
      const parsed = Row.safeParse({ id: `r${i}`, n });
      if (!parsed.success) zodRejects.push(`r${i}`);
      else if (parsed.data.n < INT64_MIN || parsed.data.n > INT64_MAX) tooBig.push(`r${i}`);
      else valid.push([`r${i}`, parsed.data.n]);
    });
    expect(tooBig.length).toBeGreaterThan(0);

    const result = await pipeline('bigint').from(file(join(dir, '*.jsonl'))).validate(Row).run({ dryRun: true, failOnGate: false });
    expect(result.counts).toEqual({ in: VALUES.length, valid: valid.length, quarantined: zodRejects.length + tooBig.length });
    expect(result.preview.toArray().map((r) => [r.id, r.n])).toEqual(valid);
    const rule = result.quality.rules.find((r) => r.rule === 'n: not_storable');
    expect(rule?.failingCount).toBe(tooBig.length);
    expect(rule!.examples.map((q) => (JSON.parse(q.raw) as { id: string }).id).sort()).toEqual(tooBig.sort());
    expect(rule!.examples[0]!.issues[0]!.message).toMatch(/64-bit integer.*z\.int64\(\)/);
  });
});
