/**
 * The SQL fast path and pure zod give identical results: same valid rows (same output values),
 * same quarantined rows with the same issues and messages, and the conservation law per object.
 * The oracle below is written here, independently of the stage: `schema.safeParse(JSON.parse(_json))`
 * on every row, in order — in UTC, as sluice runs zod (the suite itself runs in New York time).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, withConnection } from './raw-rows.js';
import { check } from './zod-oracle.js';

const Rich = z.object({
  id: z.string().uuid(),
  name: z.string().min(2).max(8),
  email: z.email().optional(),
  kind: z.enum(['a', 'b', 'c']),
  n: z.number().nonnegative().nullable(),
  k: z.int().positive(),
  m: z.number().int().lte(1000).default(7),
  flag: z.boolean(),
  ts: z.coerce.date(),
  code: z.string().regex(/^[A-Z]{2}-\d{3}$/),
  lit: z.literal('x').optional(),
  note: z.string().max(3).nullable().optional(),
  free: z.string().regex(/^.{2}$/).optional(),
});

const Strict = z.object({ a: z.string().startsWith('p'), b: z.number().lt(10).optional(), c: z.coerce.date().nullable() }).strict();

// ---- generators: a valid row, then random damage -----------------------------------------

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const uuid = fc.tuple(hex(8), hex(4), hex(3), hex(3), hex(12)).map(([a, b, c, d, e]) => `${a}-${b}-4${c}-a${d}-${e}`);
const isoInstant = fc.integer({ min: -30_000_000_000_000, max: 200_000_000_000_000 }).map((ms) => new Date(ms).toISOString());
/**
 * Date-time text as CSV exports, databases, Python's isoformat() and people write it: `T` or a
 * space, with or without seconds and up to six fraction digits (JavaScript keeps three), zone-less,
 * `Z` or a UTC offset, before and after 1970. `sqlInstant` keeps to the forms the fast path reads
 * itself; `textInstant` adds the near misses (lower-case `t`/`z`, `±HH` and `+24:00` offsets, a
 * space before the zone, seven to nine fraction digits, a zone after a time without seconds),
 * which zod alone judges (JavaScript reads some of them, DuckDB none).
 */
const instantText = (ms: number, sep: string, seconds: string, zone: string): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 16)}${seconds}${zone}`;
};
const secondsOf = (ms: number, digits: number): string => {
  const iso = new Date(ms).toISOString();
  return digits < 0 ? '' : `:${iso.slice(17, 19)}${digits === 0 ? '' : `.${`${iso.slice(20, 23)}999507`.slice(0, digits)}`}`;
};
const epochMs = fc.oneof(fc.integer({ min: -30_000_000_000_000, max: 200_000_000_000_000 }), fc.integer({ min: -2_000, max: 2_000 }));
const sqlInstant = fc.tuple(epochMs, fc.constantFrom('T', ' '), fc.integer({ min: 0, max: 6 }), fc.constantFrom('', 'Z', '+02:00', '-05:30', '+0530', '-0000', '+23:59', '-23:59'))
  .map(([ms, sep, digits, zone]) => instantText(ms, sep, secondsOf(ms, digits), zone));
const textInstant = fc.oneof(
  sqlInstant,
  fc.tuple(epochMs, fc.constantFrom('T', ' ', 't'), fc.integer({ min: -1, max: 9 }), fc.constantFrom('', 'Z', 'z', '+02:00', '+02', '+24:00', ' +02:00', '-0000', ' UTC'))
    .map(([ms, sep, digits, zone]) => instantText(ms, sep, secondsOf(ms, digits), zone)),
);
const oddText = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.constantFrom('😀', 'a😀', '😀😀', 'é', '"q"', 'a\\b', 'line\nbreak', '\u2028x', 'x\r', '', ' ', 'AB-123', 'ab-123', 'AB-1234'),
);
const badDate = fc.oneof(
  fc.constantFrom('2021-02-30T00:00:00Z', '2021-02-28', '2024-01-15T10:00Z', '2024-01-15T24:00:00Z', '2024-01-15T10:00:00+02:00', '2024-01-15 10:00:00', '0999-12-31T00:00:00Z', 'yesterday', '', '2024-13-01T00:00:00Z', '2024-01-15T10:00:00.1234Z', '2024-01-15T10:00:00.5Z'),
  fc.integer(), isoInstant, fc.constant(null), fc.constant(true),
);
const oddNumber = fc.oneof(
  fc.double(), fc.integer(), fc.constantFrom(-0, 0, 1.5, -1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e300, -1e300, 5e-324, 1000, 1001, 999.5, 2 ** 31),
  fc.constantFrom('12', '', 'NaN', true, null, [1], { x: 1 }),
);

// Values straddle every boundary of the schema (lengths, ranges, formats), so rows land on both sides.
const richFields = {
  id: fc.oneof({ weight: 6, arbitrary: uuid }, { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', 'E46FD05A-8AFC-4217-ADF0-B78A58B15E6F', 'e46fd05a-8afc-9217-adf0-b78a58b15e6f') }),
  name: fc.oneof(fc.string({ unit: fc.constantFrom(...'abcdefghé😀'), minLength: 0, maxLength: 10 }), fc.constantFrom('', 'a', 'ab', 'abcdefgh', 'abcdefghi', 'é😀', '😀', '😀😀😀😀😀😀😀😀', '😀😀😀😀😀😀😀😀😀')),
  email: fc.option(fc.constantFrom('a@b.co', 'first.last@example.com', 'x_y+z@sub.domain.org', 'a@b', '@b.co', 'a b@c.de', 'é@b.co'), { nil: undefined }),
  kind: fc.constantFrom('a', 'b', 'c', 'a', 'b', 'c', 'd', 'A'),
  n: fc.option(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, -1e-9, -5, 1e308)), { nil: null }),
  k: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e20)),
  m: fc.option(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(1000, 1001, 999.5, -(2 ** 53))), { nil: undefined }),
  flag: fc.boolean(),
  ts: fc.oneof({ weight: 3, arbitrary: isoInstant }, { weight: 2, arbitrary: textInstant }, { weight: 1, arbitrary: badDate }),
  code: fc.oneof(fc.tuple(fc.constantFrom('AB', 'ZZ', 'QX'), fc.integer({ min: 100, max: 999 })).map(([a, b]) => `${a}-${b}`), fc.constantFrom('AB-12', 'ab-123', 'AB-1234', 'ÄB-123', 'AB-123\n')),
  lit: fc.option(fc.constantFrom('x', 'x', 'y'), { nil: undefined }),
  note: fc.option(fc.option(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('', 'abc', 'abcd', '😀😀😀', '😀😀😀😀')), { nil: null }), { nil: undefined }),
  free: fc.option(fc.constantFrom('ab', 'é!', '😀', 'a😀', '\n\n', 'a\u2028', 'a', 'abc'), { nil: undefined }),
};
/** Rows zod accepts: every required key present (optional ones may be absent or undefined). */
const cleanRich = fc.record({
  ...richFields,
  id: uuid,
  name: fc.string({ unit: fc.constantFrom(...'abcdefghé'), minLength: 2, maxLength: 8 }),
  email: fc.option(fc.constantFrom('a@b.co', 'first.last@example.com', 'x_y+z@sub.domain.org'), { nil: undefined }),
  kind: fc.constantFrom('a', 'b', 'c'),
  n: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
  k: fc.integer({ min: 1, max: 1_000_000 }),
  m: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: undefined }),
  ts: fc.oneof(isoInstant, sqlInstant),
  code: fc.tuple(fc.constantFrom('AB', 'ZZ', 'QX'), fc.integer({ min: 100, max: 999 })).map(([a, b]) => `${a}-${b}`),
  lit: fc.option(fc.constant('x'), { nil: undefined }),
  note: fc.option(fc.option(fc.string({ maxLength: 3 }), { nil: null }), { nil: undefined }),
  free: fc.option(fc.constantFrom('ab', 'é!', '😀', 'a😀', '\n\n', 'a\u2028'), { nil: undefined }),
}, { requiredKeys: ['id', 'name', 'kind', 'n', 'k', 'flag', 'ts', 'code'] });

type Row = Record<string, unknown>;
const fieldNames = Object.keys(Rich.shape);
// Each damage changes one thing, so a row is often wrong in exactly one place — where a
// wrong boundary in the SQL would show.
const damage: fc.Arbitrary<(row: Row) => Row> = fc.oneof(
  fc.constant((r: Row) => r),
  fc.constantFrom(...fieldNames).chain((key) => (richFields as Record<string, fc.Arbitrary<unknown>>)[key]!.map((value) => (r: Row) => ({ ...r, [key]: value }))),
  fc.constantFrom(...fieldNames).chain((key) => (richFields as Record<string, fc.Arbitrary<unknown>>)[key]!.map((value) => (r: Row) => ({ ...r, [key]: value }))),
  fc.tuple(fc.constantFrom(...fieldNames), fc.oneof(oddText, oddNumber, badDate, fc.boolean(), fc.constant(null)))
    .map(([key, value]) => (r: Row) => ({ ...r, [key]: value })),
  fc.constantFrom(...fieldNames).map((key) => (r: Row) => { const { [key]: _, ...rest } = r; return rest; }),
  fc.tuple(fc.string({ maxLength: 4 }), fc.anything({ maxDepth: 1 })).map(([key, value]) => (r: Row) => ({ ...r, [`extra_${key}`]: value })),
);

const recordFor = (object: string, line: number) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.tuple(cleanRich, fc.array(damage, { maxLength: 2 })).map(([row, fns]) => fns.reduce((r, f) => f(r), row as Row)).map((v) => ({ object, line, raw: JSON.stringify(v) })) },
    { weight: 1, arbitrary: fc.constantFrom('{"id": ', 'not json', '').map((raw) => ({ object, line, raw, error: `bad JSON at line ${line}` })) },
    { weight: 1, arbitrary: fc.constantFrom('[1,2]', '"text"', '42', 'null', '{}', '{"__proto__":{"id":"x"}}', '{"n":"\\ud800"}').map((raw) => ({ object, line, raw })) },
  );

const records = fc.array(fc.tuple(fc.constantFrom('a.jsonl', 'b.jsonl', 'c.jsonl'), fc.nat()), { minLength: 100, maxLength: 300, size: 'max' })
  .chain((slots) => fc.tuple(...slots.map(([object], i) => recordFor(object, i + 1))));

describe('SQL fast path ≡ pure zod (JSON rows)', () => {
  it('random mixes of good and bad rows, JSON written by JSON.stringify', async () => {
    await fc.assert(fc.asyncProperty(records, async (input) => { await check(Rich, input, true); }), { numRuns: 15, endOnFailure: true });
  }, 240_000);

  it('the same rows as hand-written JSON text (whitespace, repeated keys, -0, NaN, trailing commas)', async () => {
    const handWritten = records.chain((input) =>
      fc.tuple(...input.map((r) => fc.constantFrom(
        (raw: string) => raw,
        (raw: string) => raw.replace(/,"/g, ', "').replace(/":/g, '" : '),
        (raw: string) => raw.replace(/^\{"(\w+)":([^,}]+),/, '{"$1":$2,"$1":$2,'),
        (raw: string) => raw.replace(/^\{"(\w+)":([^,}]+),/, '{"$1":-1,"$1":$2,'),
        (raw: string) => raw.replace(/"n":[^,}]+/, '"n":-0'),
        (raw: string) => raw.replace(/"n":[^,}]+/, '"n":-0.0e3'),
        (raw: string) => raw.replace(/"n":[^,}]+/, '"n":NaN'),
        (raw: string) => raw.replace(/}$/, ',}'),
        (raw: string) => raw.replace(/"k":(\d+)/, '"k":$1.0'),
        (raw: string) => raw.replace(/"k":(\d+)/, '"k":$1e0'),
      ).map((edit) => ('error' in r ? r : { ...r, raw: edit(r.raw) })))));
    await fc.assert(fc.asyncProperty(handWritten, async (input) => { await check(Rich, input, false); }), { numRuns: 12, endOnFailure: true });
  }, 240_000);

  it('a strict schema rejects unknown keys exactly as zod does', async () => {
    const strictRows = fc.array(fc.record({
      a: fc.oneof(fc.constantFrom('p', 'pq', 'q', 'P'), fc.string({ maxLength: 3 })),
      b: fc.oneof(fc.integer({ min: -5, max: 15 }), fc.constant(null), fc.constant('3')),
      c: fc.oneof(isoInstant, textInstant, fc.constant(null), badDate),
      extra: fc.integer(),
    }, { requiredKeys: [] }), { minLength: 1, maxLength: 60 }).map((rows) => rows.map((v, i) => ({ object: 'strict.jsonl', line: i + 1, raw: JSON.stringify(v) })));
    await fc.assert(fc.asyncProperty(strictRows, async (input) => { await check(Strict, input, true); }), { numRuns: 20, endOnFailure: true });
  }, 240_000);

  it('clean rows never need zod: the fast path accepts all of them', async () => {
    const clean = fc.array(cleanRich, { minLength: 50, maxLength: 50 }).map((rows) => rows.map((v, i) => ({ object: 'clean.jsonl', line: i + 1, raw: JSON.stringify(v) })));
    await fc.assert(fc.asyncProperty(clean, async (input) => {
      await withConnection(async (c) => {
        await createJsonRawRows(c, input);
        const result = await runValidationStage(c, { schema: Rich, representation: 'json', profile: false });
        // Rows whose `free` field holds an astral character or a line terminator are zod's to judge,
        // and so is any row whose text contains `\u` (the canonical-JSON guard leaves every such row
        // to zod, including an escaped backslash before a `u`, as in a note of `\u`).
        const zodOnly = input.filter((r) => /"free":"(?:[^"]*[\uD800-\uDFFF]|[^"]*\\n|[^"]*\u2028)/.test(r.raw) || r.raw.includes('\\u')).length;
        expect(result.fastPath.zodRows).toBe(zodOnly);
        expect(result.counts.valid + result.counts.quarantined).toBe(50);
      });
    }), { numRuns: 8, endOnFailure: true });
  }, 240_000);
});
