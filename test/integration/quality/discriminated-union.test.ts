/**
 * A z.discriminatedUnion of row kinds takes the SQL fast path kind by kind: SQL accepts a row
 * where the kind its discriminator names accepts it, and takes that kind's values (NULL for the
 * fields the kind lacks). The oracle is zod over each whole row (zod-oracle.ts): the same valid
 * rows and values, the same quarantined rows and issues — a field wrong for the row's kind, a
 * discriminator no kind has, a key a strict kind does not name, a kind with a refinement (whose
 * rows stay zod's) — and, for typed columns, the rows and values of the zod-only path.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { compareWithZodOnly, createJsonRawRows, createTypedRawRows, tableRows, withConnection } from './raw-rows.js';
import { check } from './zod-oracle.js';

const View = z.object({ event: z.literal('view'), user: z.string().min(1), at: z.coerce.date(), page: z.string().max(5).optional(), n: z.int().nonnegative() });
// `n` is an integer in views and any number in purchases: one DOUBLE column.
const Purchase = z.object({ event: z.literal('purchase'), user: z.string().min(1), at: z.coerce.date(), amount: z.number().positive(), currency: z.enum(['EUR', 'USD']).default('EUR'), n: z.number() });
// `amount: z.null()`: a kind whose field is null where another kind's holds numbers.
const Click = z.strictObject({ event: z.enum(['click', 'tap']), user: z.string().min(1), at: z.coerce.date(), target: z.string().nullable(), amount: z.null().optional() });
// A kind with a rule across its fields: its rows are zod's, the other kinds' stay SQL's.
const Refund = z.object({ event: z.literal('refund'), user: z.string(), at: z.coerce.date(), amount: z.number() }).refine((r) => r.amount < 0, { message: 'a refund is negative', path: ['amount'] });
// A kind with a field SQL cannot check (a transform): zod gives its values, in the rows SQL accepts.
const Search = z.object({ event: z.literal('search'), user: z.string().min(1), at: z.coerce.date(), q: z.string().trim().min(1).transform((s) => s.toLowerCase()) });
const Event = z.discriminatedUnion('event', [View, Purchase, Click, Refund, Search]);

const instant = fc.date({ min: new Date(Date.UTC(2024, 0, 1)), max: new Date(Date.UTC(2024, 1, 1)), noInvalidDate: true }).map((d) => d.toISOString());
const field = {
  event: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('view', 'purchase', 'click', 'tap', 'refund', 'search') }, { weight: 1, arbitrary: fc.constantFrom('VIEW', 1, null, '') }),
  user: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c') }, { weight: 1, arbitrary: fc.constantFrom('', 7, null) }),
  at: fc.oneof({ weight: 8, arbitrary: instant }, { weight: 1, arbitrary: fc.constantFrom('soon', null, 1_704_067_200_000) }),
  page: fc.constantFrom('home', 'p', 'toolong', null, 3),
  n: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double({ min: 0, max: 9, noNaN: true }), fc.constantFrom('4', null)),
  amount: fc.oneof(fc.double({ min: -50, max: 100, noNaN: true }), fc.constantFrom(0, null, '3')),
  currency: fc.constantFrom('EUR', 'USD', 'GBP', null),
  target: fc.constantFrom('btn', null, 5),
  extra: fc.constantFrom('x', null),
  q: fc.constantFrom('Q', '', 4),
};
const user = fc.constantFrom('a', 'b', 'c');
/** A row of its kind as a tracker writes it. */
const goodRow = fc.oneof(
  fc.record({ event: fc.constant('view'), user, at: instant, page: fc.constantFrom('home', 'p'), n: fc.nat(40) }, { requiredKeys: ['event', 'user', 'at', 'n'] }),
  fc.record({ event: fc.constant('purchase'), user, at: instant, amount: fc.double({ min: 0.01, max: 100, noNaN: true }), currency: fc.constantFrom('EUR', 'USD'), n: fc.double({ min: 0, max: 9, noNaN: true }) }, { requiredKeys: ['event', 'user', 'at', 'amount', 'n'] }),
  fc.record({ event: fc.constantFrom('click', 'tap'), user, at: instant, target: fc.constantFrom('btn', null), amount: fc.constantFrom(null, 0) }, { requiredKeys: ['event', 'user', 'at', 'target'] }),
  fc.record({ event: fc.constant('refund'), user, at: instant, amount: fc.double({ min: -50, max: 5, noNaN: true }) }),
  fc.record({ event: fc.constant('search'), user, at: instant, q: fc.constantFrom('Shoes', ' x ', '  ', 'ok') }),
);
/** Mostly rows of their kind, some with any value in any key. */
const row = fc.oneof({ weight: 3, arbitrary: goodRow }, { weight: 2, arbitrary: fc.record(field, { requiredKeys: ['user', 'at'] }) }) as fc.Arbitrary<Record<string, unknown>>;
const records = fc.array(row, { minLength: 60, maxLength: 150 }).map((rows) => rows.map((v, i) => ({ object: i % 2 ? 'a.jsonl' : 'b.jsonl', line: i + 1, raw: JSON.stringify(v) })));

describe('a discriminated union of row kinds on the fast path', () => {
  it('gives zod-over-the-whole-row results for random rows of every kind', async () => {
    let sqlRows = 0;
    let zodRows = 0;
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const fastPath = await check(Event, input, true);
      expect(fastPath.sqlRows + fastPath.zodRows).toBe(input.length);
      sqlRows += fastPath.sqlRows;
      zodRows += fastPath.zodRows;
    }), { numRuns: 10, endOnFailure: true });
    // SQL decided rows of the kinds it can check; zod the rest (refunds, bad rows).
    expect(sqlRows).toBeGreaterThan(100);
    expect(zodRows).toBeGreaterThan(100);
  }, 240_000);

  it('with a refinement of the union itself: zod parses every row SQL accepted, and its verdict stands', async () => {
    // A rule across kinds' fields, as people write them on the union.
    const Ruled = Event.superRefine((r, ctx) => {
      if (r.user === 'c' && r.event !== 'purchase') ctx.addIssue({ code: 'custom', message: 'c only buys', path: ['user'] });
    });
    let refused = 0;
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const fastPath = await check(Ruled, input, true);
      expect(fastPath.deferred).toMatchObject({ wholeRows: true });
      expect(fastPath.deferred?.kinds).toBeUndefined();
      refused += fastPath.deferred!.rows - fastPath.sqlRows;
    }), { numRuns: 6, endOnFailure: true });
    expect(refused).toBeGreaterThan(20);
  }, 240_000);

  it('in hand-written JSON too (spaces, repeated keys left to zod)', async () => {
    await fc.assert(fc.asyncProperty(records, async (input) => {
      const spaced = input.map((r, i) => ({ ...r, raw: i % 7 === 0 ? r.raw.replace(/^\{/, '{"event":"view",') : r.raw.replace(/,"/g, ', "') }));
      await check(Event, spaced, false);
    }), { numRuns: 6, endOnFailure: true });
  }, 240_000);

  it('rows of a kind SQL cannot check are zod\'s by design, not reported as rows SQL did not read', async () => {
    // An object-level overwrite() may return another row: SQL leaves the kind to zod.
    const Link = z.object({ event: z.literal('link'), user: z.string(), at: z.coerce.date() }).overwrite((r) => r);
    // Seven fraction digits: text SQL does not read as a date, which zod reads (and truncates).
    const at = '2024-01-01T00:00:00.1234567Z';
    const rows = [{ event: 'link', user: 'u1', at }, { event: 'view', user: 'u2', at, n: 1 }, { event: 'view', user: 'u3', at: '2024-01-01T00:00:00Z', n: 1 }];
    await withConnection(async (c) => {
      await createJsonRawRows(c, rows.map((v, i) => ({ object: 'e.jsonl', line: i + 1, raw: JSON.stringify(v) })));
      const result = await runValidationStage(c, { schema: z.discriminatedUnion('event', [View, Link]), representation: 'json', profile: false });
      expect(result.fastPath).toMatchObject({ sqlRows: 1, zodRows: 2 });
      expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
      // The view's date is news (SQL could have read it, and did not); the link's is not.
      expect(result.report.fastPath.zodAccepted).toEqual([{ field: 'at', rows: 1, example: `"${at}"` }]);
      expect(formatQualityReport(result.report)).toMatch(/event="link": the object schema has a check SQL cannot express \(overwrite\)/);
    });
  });

  it('clean rows of the kinds SQL checks are all SQL\'s, with each kind\'s values and NULL for the fields it lacks; zod runs the refinement of the kind that has one', async () => {
    const rows = [
      { event: 'view', user: 'u1', at: '2024-01-01T00:00:00Z', n: 3 },
      { event: 'purchase', user: 'u2', at: '2024-01-01T01:00:00Z', amount: 9.5, n: 2.5 },
      { event: 'tap', user: 'u3', at: '2024-01-01T02:00:00Z', target: null, amount: null },
      { event: 'refund', user: 'u4', at: '2024-01-01T03:00:00Z', amount: -9.5 },
    ];
    await withConnection(async (c) => {
      await createJsonRawRows(c, rows.map((v, i) => ({ object: 'e.jsonl', line: i + 1, raw: JSON.stringify(v) })));
      const result = await runValidationStage(c, { schema: Event, representation: 'json', profile: false });
      // zod parses only the rows of the kinds it has a part in: here the refund.
      expect(result.fastPath).toMatchObject({ sqlRows: 4, zodRows: 0, deferred: { fields: ['q'], rows: 1, wholeRows: true, kinds: ['event="refund"', 'event="search"'] } });
      expect(result.counts).toEqual({ in: 4, valid: 4, quarantined: 0 });
      const valid = await tableRows(c, 'valid_rows');
      expect(valid.map(({ event, user, page, n, amount, currency, target }) => ({ event, user, page, n, amount, currency, target }))).toEqual([
        { event: 'view', user: 'u1', page: null, n: 3, amount: null, currency: null, target: null },
        { event: 'purchase', user: 'u2', page: null, n: 2.5, amount: 9.5, currency: 'EUR', target: null },
        { event: 'tap', user: 'u3', page: null, n: null, amount: null, currency: null, target: null },
        { event: 'refund', user: 'u4', page: null, n: null, amount: -9.5, currency: null, target: null },
      ]);
      expect(formatQualityReport(result.report)).toContain(`fast path: SQL accepted 4 rows (zod checked q and the row's refinements in the 1 row of event="refund", event="search"); zod checked 0`);
    });
  });

  it('discriminators that are numbers or missing, a nested object, a loose kind: the rows and values of the zod-only path', async () => {
    // zod finds the kind by the discriminator's value itself: 1 is not "1", and a kind whose
    // discriminator is optional takes the rows without one.
    const Odd = z.discriminatedUnion('v', [
      z.object({ v: z.literal(1), n: z.int().min(0).transform((n) => n * 2) }),
      z.object({ v: z.literal(2).optional(), s: z.string().max(3).optional().transform((t) => t?.toUpperCase()), geo: z.object({ c: z.string().length(2) }).nullable() }),
      z.looseObject({ v: z.literal([3, 4]), flag: z.boolean().default(false) }),
    ]);
    const oddRow = fc.record({
      v: fc.constantFrom(1, 2, 3, 4, '1', 2.5, null, true),
      n: fc.oneof(fc.integer({ min: -3, max: 9 }), fc.constantFrom(1.5, '2')),
      s: fc.constantFrom('ab', 'abcd', 3),
      geo: fc.constantFrom({ c: 'DE' }, { c: 'D' }, null, 'x', {}),
      flag: fc.constantFrom(true, false, 'yes'),
    }, { requiredKeys: [] });
    let sqlRows = 0;
    let stray = 0;
    await fc.assert(fc.asyncProperty(fc.array(oddRow, { minLength: 40, maxLength: 100 }), async (generated) => {
      const input = generated.map((v, i) => ({ object: 'o.jsonl', line: i + 1, raw: JSON.stringify(v) }));
      for (const canonicalJson of [true, false]) {
        await withConnection(async (c) => {
          const { fast, fastRows } = await compareWithZodOnly(c, () => createJsonRawRows(c, input), Odd, { representation: 'json', canonicalJson });
          sqlRows += fast.fastPath.sqlRows;
          // A loose kind's row with another kind's field: stored without it.
          stray += fastRows.filter((r) => (r.v === 3 || r.v === 4) && r.n === null && /"n":/.test(input[Number(r._line) - 1]!.raw)).length;
          expect(fast.fastPath.deferred?.fields).toContain('n');
        });
      }
    }), { numRuns: 8, endOnFailure: true });
    expect(sqlRows).toBeGreaterThan(50);
    expect(stray).toBeGreaterThan(5);
  }, 240_000);

  it('typed columns (as Parquet gives them): the rows and values of the zod-only path', async () => {
    let valid = 0;
    let sql = 0;
    let searches = 0;
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 30, maxLength: 80 }), async (rows) => {
      await withConnection(async (c) => {
        const columns = { event: 'VARCHAR', user: 'VARCHAR', at: 'VARCHAR', page: 'VARCHAR', n: 'DOUBLE', amount: 'DOUBLE', currency: 'VARCHAR', target: 'VARCHAR', q: 'VARCHAR' } as const;
        const { fast, fastRows } = await compareWithZodOnly(c, () => createTypedRawRows(c, columns, rows, ['at']), Event);
        if (fast.fastPath.deferred) expect(fast.fastPath.deferred.kinds).toEqual(['event="refund"', 'event="search"']);
        valid += fast.counts.valid;
        sql += fast.fastPath.sqlRows;
        // A search's q as zod transformed it (lower case), from the pass over just the searches.
        searches += fastRows.filter((r) => r.event === 'search' && typeof r.q === 'string' && r.q === r.q.toLowerCase()).length;
      });
    }), { numRuns: 8, endOnFailure: true });
    expect(valid).toBeGreaterThan(20);
    expect(sql).toBeGreaterThan(10);
    expect(searches).toBeGreaterThan(3);
  }, 120_000);
});
