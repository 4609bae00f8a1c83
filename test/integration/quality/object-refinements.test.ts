/**
 * The object's own refinements (refine/superRefine on the z.object) no longer send every row to
 * zod: SQL decides the fields, and zod parses whole only the rows SQL accepted, for its verdict.
 * The oracle is zod over each whole row (zod-oracle.ts): the same valid rows with the same
 * values, the same quarantined rows with the same issues — whether a field is wrong, the
 * refinement fails, or both — with and without fields zod checks on their own beside it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';
import { check } from './zod-oracle.js';
import { zodOnly } from '../../helpers/zod-only.js';

const Fields = z.object({
  id: z.string().min(1),
  kind: z.enum(['view', 'buy']),
  amount: z.number().nonnegative().nullable(),
  start: z.coerce.date(),
  end: z.coerce.date().optional(),
});

/** Cross-field rules, as people write them: the commonest reason a real schema has a refine. */
const Refined = Fields
  .refine((r) => r.kind !== 'buy' || r.amount !== null, { message: 'a purchase needs an amount', path: ['amount'] })
  .superRefine((r, ctx) => {
    if (r.end !== undefined && r.end < r.start) ctx.addIssue({ code: 'custom', message: 'ends before it starts', path: ['end'] });
    // Sees the row zod outputs, keys included: an absent optional key is no key at all.
    if (Object.keys(r).length === 5 && r.kind === 'view') ctx.addIssue({ code: 'custom', message: 'a view has no end' });
  });

/** The same, with a field SQL cannot check beside the refinements (its values come from zod). */
const RefinedWithTransform = Fields.extend({ id: z.string().min(1).transform((s) => s.toUpperCase()) })
  .refine((r) => r.id !== 'X', { message: 'not X', path: ['id'] });

/** A passthrough object whose rule reads a key the schema does not name: zod must see the row's own keys. */
const Loose = z.looseObject(Fields.shape).refine((r) => !('coupon' in r) || r.kind === 'buy', { message: 'only a purchase carries a coupon', path: ['coupon'] });

const instant = fc.date({ min: new Date(Date.UTC(2024, 0, 1)), max: new Date(Date.UTC(2024, 1, 1)), noInvalidDate: true }).map((d) => d.toISOString());
const field = {
  id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'b', 'x', 'X') }, { weight: 1, arbitrary: fc.constantFrom('', 7, null) }),
  kind: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('view', 'buy') }, { weight: 1, arbitrary: fc.constantFrom('click', null) }),
  amount: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(null, null, -1, '3')),
  start: fc.oneof({ weight: 6, arbitrary: instant }, { weight: 1, arbitrary: fc.constantFrom('soon', null) }),
  end: fc.oneof(instant, fc.constantFrom('never', null)),
};
const row = fc.record({ ...field, coupon: fc.constantFrom('C1', null) }, { requiredKeys: ['id', 'kind', 'amount', 'start'] });
const records = fc.array(row, { minLength: 40, maxLength: 120 }).map((rows) => rows.map((v, i) => ({ object: i % 2 ? 'a.jsonl' : 'b.jsonl', line: i + 1, raw: JSON.stringify(v) })));

describe("the object's refinements, run by zod on the rows SQL accepted", () => {
  it('give zod-over-the-whole-row results for random rows', async () => {
    let wholeRows = 0;
    let refused = 0;
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const fastPath = await check(Refined, input, true);
      expect(fastPath.deferred).toMatchObject({ fields: [], wholeRows: true });
      expect(fastPath.sqlRows + fastPath.zodRows).toBe(input.length);
      wholeRows += fastPath.deferred!.rows;
      // Rows SQL accepted and zod then refused whole are among zodRows, and the refinements fail some.
      refused += fastPath.deferred!.rows - fastPath.sqlRows;
    }), { numRuns: 10, endOnFailure: true });
    expect(wholeRows).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(20);
  }, 240_000);

  it('with a field zod checks on its own beside them, and in hand-written JSON', async () => {
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const fastPath = await check(RefinedWithTransform, input, true);
      expect(fastPath.deferred).toMatchObject({ fields: ['id'], wholeRows: true });
      const spaced = input.map((r) => ({ ...r, raw: r.raw.replace(/,"/g, ', "') }));
      await check(Refined, spaced, false);
    }), { numRuns: 6, endOnFailure: true });
  }, 240_000);

  it("on a passthrough object, with the row's unknown keys in view", async () => {
    let refused = 0;
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const fastPath = await check(Loose as unknown as z.ZodObject<any>, input, true);
      expect(fastPath.deferred).toMatchObject({ fields: [], wholeRows: true });
      refused += fastPath.deferred!.rows - fastPath.sqlRows;
    }), { numRuns: 6, endOnFailure: true });
    expect(refused).toBeGreaterThan(20); // views with a coupon key
  }, 240_000);

  it('clean rows: SQL takes every one, zod reads them once and refuses none, and the report says what zod did', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `u${i}`, kind: i % 2 ? 'buy' : 'view', amount: i % 2 ? i : null, start: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() }));
    await withConnection(async (c) => {
      await createJsonRawRows(c, rows.map((v, i) => ({ object: 'clean.jsonl', line: i + 1, raw: JSON.stringify(v) })));
      const progress: unknown[] = [];
      const result = await runValidationStage(c, { schema: Refined, representation: 'json', profile: false, onDeferredProgress: (...args) => progress.push(args) });
      expect(result.fastPath).toMatchObject({ sqlRows: 300, zodRows: 0, deferred: { fields: [], rows: 300, wholeRows: true } });
      expect(progress.at(-1)).toEqual([300, 300, ["the row's refinements"]]);
      expect((await tableRows(c, 'valid_rows')).map((r) => r.id)).toEqual(rows.map((r) => r.id));
      expect(formatQualityReport(result.report)).toContain("fast path: SQL accepted 300 rows (zod checked the row's refinements in each); zod checked 0");
    });
  });

  for (const [label, schema] of [['a z.object', Refined], ['a passthrough object (its unknown column in view)', Loose]] as const) it(`typed columns (as Parquet gives them), ${label}: the rows and values of the zod-only path`, async () => {
    let valid = 0;
    // Every typed row has an `end` key (a NULL column is a null to zod, and z.coerce.date() makes
    // it 1970): mostly purchases that end after they start, so that most rows pass the refinements.
    const typedRow = fc.tuple(row, fc.nat(3), fc.integer({ min: -2, max: 30 })).map(([r, k, days]) => ({
      ...r,
      kind: k === 0 ? r.kind : 'buy',
      end: typeof r.start === 'string' && k < 3 && !Number.isNaN(Date.parse(r.start)) ? new Date(Date.parse(r.start) + days * 86_400_000).toISOString() : r.end,
    }));
    await fc.assert(fc.asyncProperty(fc.array(typedRow, { minLength: 30, maxLength: 60 }), async (rows) => {
      await withConnection(async (c) => {
        const load = async () => {
          // Parquet-like columns: text, a DOUBLE, TIMESTAMPs (NULL where the JSON value was not one).
          await c.run('CREATE OR REPLACE TABLE staged (_row_id BIGINT, _object VARCHAR, _line BIGINT, id VARCHAR, kind VARCHAR, amount DOUBLE, start VARCHAR, "end" VARCHAR, coupon VARCHAR)');
          const appender = await c.createAppender('staged');
          rows.forEach((r, i) => {
            const text = (v: unknown) => (typeof v === 'string' ? v : null);
            for (const v of [BigInt(i + 1), 'p.parquet', BigInt(i + 1), text(r.id), text(r.kind), typeof r.amount === 'number' ? r.amount : null, text(r.start), text(r.end), text(r.coupon)]) {
              if (v === null) appender.appendNull();
              else if (typeof v === 'bigint') appender.appendBigInt(v);
              else if (typeof v === 'number') appender.appendDouble(v);
              else appender.appendVarchar(v);
            }
            appender.endRow();
          });
          appender.closeSync();
          await c.run('CREATE OR REPLACE TABLE raw_rows AS SELECT * REPLACE (TRY_CAST(start AS TIMESTAMP) AS start, TRY_CAST("end" AS TIMESTAMP) AS "end") FROM staged');
        };
        await load();
        const fast = await runValidationStage(c, { schema, representation: 'typed', profile: false });
        const fastRows = await tableRows(c, 'valid_rows');
        await load();
        const whole = await runValidationStage(c, { schema: zodOnly(schema), representation: 'typed', profile: false });
        expect(whole.fastPath.sqlRows).toBe(0);
        expect(fast.fastPath.deferred).toMatchObject({ fields: [], wholeRows: true });
        expect(fastRows).toEqual(await tableRows(c, 'valid_rows'));
        expect(fast.counts).toEqual(whole.counts);
        expect(fast.quarantined.rows()).toEqual(whole.quarantined.rows());
        valid += fast.counts.valid;
      });
    }), { numRuns: 8, endOnFailure: true });
    expect(valid).toBeGreaterThan(30);
  }, 120_000);
});
