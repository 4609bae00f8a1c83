/**
 * Rows a `.map()` function throws on are quarantined after validation; the maxInvalidRatio gate
 * must count them like rows the schema rejected (DESIGN §4: gates over the batch's quarantine).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, GateError, pipeline, type RunResult } from '../../../sdk/src/index.js';

const Row = z.object({ id: z.number().int(), name: z.string() });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-map-gate-'));
  // Ten rows, all valid for the schema.
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: i + 1, name: `n${i + 1}` }));
  writeFileSync(join(dir, 'rows.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function throwingOnEvenIds(maxInvalidRatio: number) {
  return pipeline('map-gate')
    .from(file(join(dir, '*.jsonl')))
    .validate(Row, { maxInvalidRatio })
    .map((row) => {
      if (row.id % 2 === 0) throw new Error(`even id ${row.id}`);
      return row;
    });
}

describe('maxInvalidRatio and map() failures', () => {
  it('fails the run when map() quarantines more than the limit, with the merged numbers', async () => {
    const error = await throwingOnEvenIds(0.01).run({ zones: join(dir, 'zones-a') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    const result = (error as GateError).result as RunResult;
    expect(result.counts).toEqual({ in: 10, valid: 5, quarantined: 5 });
    const gate = result.quality.gates.find((g) => g.gate === 'maxInvalidRatio');
    expect(gate).toMatchObject({ passed: false, count: 5, detail: 'quarantined 5 of 10 rows (50%); limit 1%' });
    expect((error as GateError).message).toContain('quarantined 5 of 10 rows (50%)');
  });

  it('passes when the merged ratio is within the limit, and reports it', async () => {
    const result = await throwingOnEvenIds(0.5).run({ zones: join(dir, 'zones-b') });
    expect(result.counts).toEqual({ in: 10, valid: 5, quarantined: 5 });
    expect(result.quality.gates.find((g) => g.gate === 'maxInvalidRatio')).toMatchObject({ passed: true, count: 5, detail: 'quarantined 5 of 10 rows (50%); limit 50%' });
  });
});
