/**
 * One bad value must not crash the batch (DESIGN §4). A derive() that type-checks yields NULL
 * where a value cannot be computed — text that holds no number, the square root of a negative,
 * the logarithm of zero, division by zero — and the run finishes with every row accounted for.
 * Whatever DuckDB still refuses (BIGINT overflow) is reported as an EngineError naming the
 * derive column, not as DuckDB's bare message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineError, file, pipeline } from '../../../sdk/src/index.js';

const Row = z.object({ id: z.number().int(), email: z.string(), amount: z.number() });

const ROWS = [
  { id: 1, email: 'a@x.com', amount: 0 },
  { id: 2, email: '12.5', amount: 1 },
  { id: 3, email: ' 7 ', amount: 6 },
  { id: 4, email: '', amount: -3 },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-derive-null-'));
  writeFileSync(join(dir, 'rows.jsonl'), `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsOf = () => pipeline('derive-null').from(file(join(dir, '*.jsonl'))).validate(Row);

describe('derive() on values that cannot be computed', () => {
  it('gives NULL for them and keeps every row', async () => {
    const result = await rowsOf()
      .derive({ as_number: 'CAST(email AS double)', root: 'sqrt(amount - 2)', log: 'ln(amount)', ratio: 'id / (amount - amount)' })
      .run({ dryRun: true });
    expect(result.counts).toEqual({ in: 4, valid: 4, quarantined: 0 });
    expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
    const derived = result.preview.toArray().map((r) => ({ id: Number(r.id), as_number: r.as_number, root: r.root, log: r.log, ratio: r.ratio }));
    expect(derived.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, as_number: null, root: null, log: null, ratio: null },
      { id: 2, as_number: 12.5, root: null, log: 0, ratio: null },
      { id: 3, as_number: 7, root: 2, log: Math.log(6), ratio: null },
      { id: 4, as_number: null, root: null, log: null, ratio: null },
    ]);
  });

  it('reports what DuckDB still refuses as an EngineError that names the derive column', async () => {
    const error = await rowsOf()
      .derive({ fine: 'id + 1', huge: 'id * 9007199254740991 * 1000' })
      .run({ dryRun: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('DERIVE_FAILED');
    expect((error as EngineError).message).toMatch(/^steps\[2\]\.derive\.huge: DuckDB could not compute the expression "id \* 9007199254740991 \* 1000" for every row \(.*Overflow.*\)\. /);
  });
});
