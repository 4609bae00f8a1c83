/**
 * Which values count as made by z.coerce, judged against zod's own parse of each input: a
 * field is counted only when its input was null (or missing) and zod's output holds a value.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coercionSurprises, type CoercionState } from '../../../sdk/src/quality/coercion-surprises.js';

/** Parses each input with zod and shows the accepted ones to the tracker, as the validation stage does. */
function notesFor(schema: z.ZodType, inputs: readonly Record<string, unknown>[]): string[] {
  const tracker = coercionSurprises(schema);
  const state: CoercionState = {};
  for (const input of inputs) {
    const parsed = schema.safeParse(input);
    if (parsed.success) tracker.observe(input, parsed.data as Record<string, unknown>, state);
  }
  return tracker.notes(state).map((n) => n.slice(0, n.indexOf(': th')));
}

describe('coercionSurprises', () => {
  it('counts nulls each coercion turned into a value', () => {
    const schema = z.object({ s: z.coerce.string(), n: z.coerce.number(), b: z.coerce.boolean(), d: z.coerce.date() });
    expect(notesFor(schema, [{ s: null, n: null, b: null, d: null }, { s: null, n: 1, b: true, d: '2024-01-01' }, { s: 'x', n: 2, b: false, d: '2024-01-01' }])).toEqual([
      's: z.coerce.string() (String(x)) made "null" of 2 null values',
      'n: z.coerce.number() (Number(x)) made 0 of 1 null value',
      'b: z.coerce.boolean() (Boolean(x)) made false of 1 null value',
      'd: z.coerce.date() (new Date(x)) made 1970-01-01T00:00:00.000Z of 1 null value',
    ]);
  });

  it('leaves out fields whose wrappers answer for null or for a missing key', () => {
    const schema = z.object({
      a: z.coerce.string().nullable(),
      b: z.coerce.number().default(5),
      c: z.coerce.string().optional(),
      d: z.coerce.number().nullish(),
    });
    // b: null reaches the coercion (a default answers only for a missing key), c: null reaches it too.
    expect(notesFor(schema, [{ a: null, b: null, c: null, d: null }, { a: 'x' }])).toEqual([
      'b: z.coerce.number() (Number(x)) made 0 of 1 null value',
      'c: z.coerce.string() (String(x)) made "null" of 1 null value',
    ]);
  });

  it('does not count values that were given, nor fields without z.coerce', () => {
    const schema = z.object({ s: z.coerce.string(), plain: z.string().nullable(), n: z.number() });
    expect(notesFor(schema, [{ s: 0, plain: null, n: 1 }, { s: false, plain: 'p', n: 2 }])).toEqual([]);
  });

  it('counts a missing key the same way, should zod coerce one (zod 4.6 rejects it first)', () => {
    const tracker = coercionSurprises(z.object({ s: z.coerce.string() }));
    const state: CoercionState = {};
    expect(z.object({ s: z.coerce.string() }).safeParse({}).success).toBe(false);
    tracker.observe({}, { s: 'undefined' }, state);
    tracker.observe({ s: 'given' }, { s: 'given' }, state);
    expect(tracker.notes(state)).toEqual([
      's: z.coerce.string() (String(x)) made "undefined" of 1 missing value: that row is valid and holds it, here and in AWS. To keep them missing, add .optional() after the coercion; to quarantine them, validate s without z.coerce or with a check the invented value fails.',
    ]);
  });
});

describe('coercionSurprises: text Boolean() makes true', () => {
  it('counts blank text that z.coerce.number() made 0, whatever the field\'s wrappers (Number("") is 0)', () => {
    const schema = z.object({ n: z.coerce.number(), m: z.coerce.number().nullish() });
    expect(notesFor(schema, [{ n: '', m: ' ' }, { n: '  ', m: '3' }, { n: '0', m: null }, { n: 7 }])).toEqual([
      'n: z.coerce.number() (Number(x)) made 0 of 2 blank texts (e.g. "")',
      'm: z.coerce.number() (Number(x)) made 0 of 1 blank text (e.g. " ")',
    ]);
  });

  it('names text z.stringbool() reads as false that z.coerce.boolean() made true', () => {
    // Wrapped for null and missing keys: text still reaches Boolean().
    const schema = z.object({ vip: z.coerce.boolean().nullish(), other: z.coerce.boolean() });
    const tracker = coercionSurprises(schema);
    const state: CoercionState = {};
    for (const input of [{ vip: 'false', other: 'true' }, { vip: ' No ', other: 'yes' }, { vip: 'true', other: '' }, { vip: 'off', other: 1 }]) {
      tracker.observe(input, schema.parse(input), state);
    }
    expect(tracker.notes(state)).toEqual([
      'vip: z.coerce.boolean() (Boolean(x)) made true of 3 texts that read as false (e.g. "false"): Boolean() is true for any non-empty text. Use z.stringbool() to read "true"/"false", "1"/"0", "yes"/"no" text as booleans.',
    ]);
  });
});

describe('coercionSurprises: numbers z.coerce.date() reads as milliseconds', () => {
  it('names numbers that look like seconds or microseconds, with the instant they became and the one they meant', () => {
    const schema = z.object({ ts: z.coerce.date(), at: z.coerce.date().optional() });
    const tracker = coercionSurprises(schema);
    const state: CoercionState = {};
    const inputs = [{ ts: 1_700_000_000, at: 1_700_000_000_000_000 }, { ts: 1_700_003_600 }, { ts: 1_700_000_000_000 }, { ts: '2024-01-01T00:00:00Z', at: 99_999_999 }];
    for (const input of inputs) tracker.observe(input, schema.parse(input), state);
    expect(tracker.notes(state)).toEqual([
      'ts: z.coerce.date() (new Date(x)) read 2 numbers that look like seconds since 1970 as milliseconds, e.g. 1700000000 as 1970-01-20T16:13:20.000Z (in seconds: 2023-11-14T22:13:20.000Z): those rows are valid and hold instants in 1970, here and in AWS. ' +
        "If they are seconds, scale them before the coercion: ts: z.preprocess((x) => (typeof x === 'number' ? x * 1000 : x), z.coerce.date()).",
      'at: z.coerce.date() (new Date(x)) read 1 number that looks like microseconds since 1970 as milliseconds, e.g. 1700000000000000 as +055840-11-08T22:13:20.000Z (in microseconds: 2023-11-14T22:13:20.000Z): that row is valid and holds an instant thousands of years ahead, here and in AWS. ' +
        "If they are microseconds, scale them before the coercion: at: z.preprocess((x) => (typeof x === 'number' ? Math.floor(x / 1000) : x), z.coerce.date()).",
    ]);
  });

  it('the fix it suggests reads the numbers as meant', () => {
    const fixed = z.preprocess((x) => (typeof x === 'number' ? x * 1000 : x), z.coerce.date());
    expect(fixed.parse(1_700_000_000).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    const micro = z.preprocess((x) => (typeof x === 'number' ? Math.floor(x / 1000) : x), z.coerce.date());
    expect(micro.parse(1_700_000_000_000_000).toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });
});

describe('coercionSurprises: fields inside nested objects', () => {
  it('are watched under their path; inside a missing object nothing was coerced', () => {
    const schema = z.object({ user: z.object({ age: z.coerce.number(), seen: z.coerce.date() }).optional(), n: z.coerce.number() });
    expect(notesFor(schema, [{ user: { age: null, seen: 1_700_000_000 }, n: 1 }, { n: 2 }, { user: { age: 3, seen: '2024-01-01' }, n: null }])).toEqual([
      'user.age: z.coerce.number() (Number(x)) made 0 of 1 null value',
      'user.seen: z.coerce.date() (new Date(x)) read 1 number that looks like seconds since 1970 as milliseconds, e.g. 1700000000 as 1970-01-20T16:13:20.000Z (in seconds: 2023-11-14T22:13:20.000Z)',
      'n: z.coerce.number() (Number(x)) made 0 of 1 null value',
    ]);
  });
});

describe('coercionSurprises: a union of row kinds', () => {
  it("watches each row's fields in the kind its discriminator names, and counts a field across kinds", () => {
    const View = z.object({ event: z.literal('view'), page: z.coerce.string(), n: z.coerce.number() });
    // A purchase's missing page gets its default: no coercion made it.
    const Buy = z.object({ event: z.literal('buy'), page: z.string().default('none'), n: z.coerce.number() });
    const schema = z.discriminatedUnion('event', [View, Buy]);
    expect(notesFor(schema, [{ event: 'view', page: null, n: null }, { event: 'buy', n: null }, { event: 'buy', page: 'p', n: 1 }])).toEqual([
      'page: z.coerce.string() (String(x)) made "null" of 1 null value',
      'n: z.coerce.number() (Number(x)) made 0 of 2 null values',
    ]);
  });
});
