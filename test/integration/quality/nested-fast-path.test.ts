/**
 * Nested z.object fields in the SQL fast path: over random records (objects present, missing,
 * null, of the wrong type (also where every field inside is optional), with extra keys, keys that need JSON-pointer escapes, fields nested
 * two deep), the stage keeps exactly zod's rows with zod's values, stored flat, and quarantines
 * exactly zod's rows with zod's issues; SQL accepts every row zod accepts, since each check here
 * has a SQL form. The oracle is zod's safeParse of each record, flattened here by hand.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const Row = z.object({
  id: z.string(),
  user: z.object({
    name: z.string().min(2),
    'a/b': z.number().int().optional(),
    geo: z.object({ cc: z.enum(['DE', 'FR']), 'c~d': z.boolean().default(false) }).nullable(),
  }),
  meta: z.object({ v: z.number().nullable() }).strict().optional(),
  prefs: z.object({ theme: z.string().optional() }).optional(),
});
type Out = z.output<typeof Row>;

const flat = (o: Out) => ({
  id: o.id,
  user_name: o.user.name,
  'user_a/b': o.user['a/b'] ?? null,
  user_geo_cc: o.user.geo?.cc ?? null,
  'user_geo_c~d': o.user.geo?.['c~d'] ?? null,
  meta_v: o.meta?.v ?? null,
  prefs_theme: o.prefs?.theme ?? null,
});

const absent = Symbol('absent');
const slot = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad }, { weight: 1, arbitrary: fc.constant(absent) });
const object = (entries: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(entries).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== absent)));

const geo = object({ cc: slot(fc.constantFrom('DE', 'FR'), fc.constantFrom('de', 'XX', 1, null)), 'c~d': slot(fc.boolean(), fc.constantFrom('true', 0, null)), extra: slot(fc.constant('kept out'), fc.constant([1])) });
const user = object({
  name: slot(fc.constantFrom('ann', 'bo', 'é😀'), fc.constantFrom('a', '', 7, null, { x: 1 })),
  'a/b': slot(fc.integer({ min: -5, max: 5 }), fc.constantFrom(1.5, '3', 2 ** 53, null)),
  geo: slot(fc.oneof(geo, fc.constant(null)), fc.constantFrom('DE', [1], 0)),
});
// Doubles JSON.stringify writes as integers beyond 2^53 (1234567890123456800 for …768) are left
// out: SQL leaves those to zod, to note digits they might have lost (integer-precision.test.ts).
const double = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !(Math.abs(d) > Number.MAX_SAFE_INTEGER && /^-?\d+$/.test(JSON.stringify(d))));
const meta = object({ v: slot(fc.oneof(double, fc.constant(null)), fc.constantFrom('1', true)), other: fc.oneof({ weight: 5, arbitrary: fc.constant(absent) }, { weight: 1, arbitrary: fc.constant(1) }) });
const record = object({
  id: slot(fc.constantFrom('r1', 'r2'), fc.constantFrom(1, null)),
  user: slot(user, fc.constantFrom(null, 'u1', [], 3)),
  meta: slot(meta, fc.constantFrom(null, 'm', [])),
  prefs: slot(object({ theme: slot(fc.constantFrom('dark', ''), fc.constant(1)) }), fc.constantFrom('x', [], null, 0)),
});

describe('nested objects in the fast path', () => {
  it('keeps zod\'s rows, values and issues; SQL accepts every row zod accepts', async () => {
    await fc.assert(fc.asyncProperty(fc.array(record, { minLength: 150, maxLength: 150 }), async (records) => {
      const lines = records.map((r, i) => ({ object: 'n.jsonl', line: i + 1, raw: JSON.stringify(r) }));
      await withConnection(async (c) => {
        await createJsonRawRows(c, lines);
        const result = await runValidationStage(c, { schema: Row, representation: 'json', canonicalJson: true, profile: false });
        const parsed = lines.map((l) => Row.safeParse(JSON.parse(l.raw)));
        const valid = parsed.flatMap((out, i) => (out.success ? [{ _line: i + 1, ...flat(out.data) }] : []));
        // The integer column is a BIGINT: compare its values as numbers.
        const rows = (await tableRows(c, 'valid_rows')).map(({ _row_id, _object, ...rest }) => ({ ...rest, _line: Number(rest._line), 'user_a/b': rest['user_a/b'] === null ? null : Number(rest['user_a/b']) }));
        expect(rows).toEqual(valid);
        expect(result.fastPath).toMatchObject({ compiled: true, sqlRows: valid.length, zodRows: records.length - valid.length });
        const issues = parsed.flatMap((out, i) => (out.success ? [] : [{ line: i + 1, issues: out.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`) }]));
        expect(result.quarantined.rows().map((q) => ({ line: q.line, issues: q.issues.map((x) => `${x.path.join('.')}: ${x.message}`) }))).toEqual(issues);
      });
    }), { numRuns: 15, endOnFailure: true });
  }, 120_000);
});
