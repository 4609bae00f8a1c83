/**
 * Property: whatever a declared `.map()` returns for its columns — values of every JS type,
 * the edges of each (NaN, ±Infinity, -0, integers past 2^53, bigints, Invalid Date), null and
 * missing keys — the event stage quarantines exactly the rows a local run over the same object
 * quarantines, with the same issues. The oracle is the local run; each side applies its own
 * code (row-transformer.ts, transform-stage.ts) to its own representation of the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const Row = z.object({ id: z.number().int(), amount: z.number(), ts: z.coerce.date() });
const TEXT = [1, 2, 3, 4, 5].map((id) => JSON.stringify({ id, amount: id * 1.5, ts: `2024-01-0${id}T12:00:00Z` })).join('\n') + '\n';

const COLUMNS = { n: 'integer', x: 'number', s: 'string', b: 'boolean', t: 'timestamp' } as const;
type Column = keyof typeof COLUMNS;

/** What a map may put in a column, by index (a fresh value per call: Dates are mutable). */
const VALUES: (() => unknown)[] = [
  () => 3, () => -0, () => 2.5, () => Number.NaN, () => Infinity, () => 2 ** 53 + 2, () => 2 ** 63, () => 7n, () => 2n ** 63n,
  () => '3', () => '', () => 'text', () => true, () => false, () => new Date(0), () => new Date(Number.NaN),
  () => null, () => undefined, () => ({ a: 1 }), () => [1],
];

/** A value that fits each column, chosen often enough that some rows keep every value. */
const FITTING: Record<Column, () => unknown> = { n: () => 4, x: () => 1.25, s: () => 'ok', b: () => true, t: () => new Date(86_400_000) };
const valueOf = (column: Column, pick: number): unknown => (pick < 0 ? FITTING[column]() : VALUES[pick]!());

const dir = mkdtempSync(join(tmpdir(), 'sluice-map-types-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the event stage quarantines the rows a local run quarantines, with the same issues, for any returned values', async () => {
  let run = 0;
  const seen = { valid: 0, quarantined: 0 };
  // -1: a fitting value (weight 3), else an index into VALUES.
  const pick = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat({ max: VALUES.length - 1 }) });
  const choice = fc.record(Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, pick])) as Record<Column, fc.Arbitrary<number>>);
  await fc.assert(
    fc.asyncProperty(fc.array(choice, { minLength: 5, maxLength: 5 }), fc.boolean(), async (byRow, rewriteAmount) => {
      const returned = (id: number): Record<string, unknown> => Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, valueOf(c as Column, byRow[id - 1]![c as Column])]));
      const pipelineFor = (path: string) =>
        pipeline('map-types-property')
          .from(file(path))
          .validate(Row)
          // Half the runs also put the chosen `s` value into the schema's number column.
          .map((r) => ({ ...r, ...returned(r.id), ...(rewriteAmount ? { amount: valueOf('x', byRow[r.id - 1]!.s) } : {}) }), { columns: COLUMNS });
      const name = `rows-${run++}.jsonl`;
      const local = await localDecision(dir, pipelineFor, name, TEXT);
      expect(local.counts.in).toBe(5);
      seen.valid += local.counts.valid;
      seen.quarantined += local.counts.quarantined;
      expect(await eventStageDecision(pipelineFor, name, TEXT)).toEqual(local);
    }),
    { numRuns: 40, seed: 20261127 },
  );
  // Not a vacuous property: the runs saw rows kept and rows refused.
  expect(seen.valid).toBeGreaterThan(0);
  expect(seen.quarantined).toBeGreaterThan(0);
}, 120_000);
