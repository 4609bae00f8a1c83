/**
 * Which fields get an integer literal's digits, and which are noted as holding the rounded
 * double. The oracle for the digits is zod itself given the exact text of the literal.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonIntegerPrecision } from '../../../sdk/src/quality/json-integer-precision.js';
import type { CoercionState } from '../../../sdk/src/quality/coercion-surprises.js';
import { parseJsonLine } from '../../../sdk/src/sources/jsonl-parser.js';

const ID = '1234567890123456789';

function validate(schema: z.ZodType, line: string): { output: Record<string, unknown>; notes: string[] } {
  const precision = jsonIntegerPrecision(schema);
  const record = parseJsonLine(1, line);
  const input = precision.input(record.value!, record.roundedIntegers);
  const output = schema.parse(input) as Record<string, unknown>;
  const state: CoercionState = {};
  precision.observe(record.roundedIntegers, input, output, state);
  return { output, notes: precision.notes(state) };
}

describe('fields that keep digits', () => {
  it('z.coerce.string() and z.coerce.bigint(), also under optional, nullable and default, get every digit', () => {
    const schema = z.object({
      a: z.coerce.string(),
      b: z.coerce.bigint(),
      c: z.coerce.string().optional(),
      d: z.coerce.bigint().nullable().default(0n),
      e: z.coerce.string().min(19).readonly(),
    });
    const { output, notes } = validate(schema, `{"a":${ID},"b":${ID},"c":-${ID},"d":${ID},"e":${ID}}`);
    expect(output).toEqual({ a: ID, b: BigInt(ID), c: `-${ID}`, d: BigInt(ID), e: ID });
    expect(notes).toEqual([]);
  });

  it('in a union of row kinds, a field that keeps digits in its kind gets every digit', () => {
    const schema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('order'), id: z.coerce.string() }), z.object({ kind: z.literal('refund'), ref: z.coerce.bigint() })]);
    expect(validate(schema, `{"kind":"order","id":${ID}}`).output).toEqual({ kind: 'order', id: ID });
    expect(validate(schema, `{"kind":"refund","ref":${ID}}`).output).toEqual({ kind: 'refund', ref: BigInt(ID) });
  });

  it('a field that does not coerce keeps the double zod would see, and is noted when accepted', () => {
    const schema = z.object({ n: z.number(), u: z.union([z.string(), z.number()]), m: z.number().transform(String) });
    const { output, notes } = validate(schema, `{"n":${ID},"u":${ID},"m":${ID},"dropped":${ID}}`);
    expect(output).toEqual({ n: 1234567890123456800, u: 1234567890123456800, m: '1234567890123456800' });
    expect(notes.map((n) => n.slice(0, n.indexOf(':')))).toEqual(['n', 'u', 'm']); // not the key the schema strips
    expect(notes[0]).toBe(
      'n: 1 integer in the source had more digits than a JavaScript number holds exactly (beyond 2^53) and was read as the nearest one, ' +
        `e.g. ${ID} as 1234567890123456800: that row is valid and holds the rounded value, here and in AWS. ` +
        'If n is an identifier, validate it as z.coerce.string() or z.coerce.bigint(): sluice then keeps every digit.',
    );
  });

  it('z.string() without coercion is not handed text it would accept: zod still refuses the number', () => {
    const schema = z.object({ s: z.string() });
    const precision = jsonIntegerPrecision(schema);
    const record = parseJsonLine(1, `{"s":${ID}}`);
    expect(schema.safeParse(precision.input(record.value!, record.roundedIntegers)).success).toBe(false);
  });
});

it('counts rows per field and words the plural', () => {
  const schema = z.object({ n: z.number() });
  const precision = jsonIntegerPrecision(schema);
  const state: CoercionState = {};
  for (const line of [`{"n":${ID}}`, '{"n":9007199254740993}', '{"n":9007199254740992}', '{"n":5}']) {
    const record = parseJsonLine(1, line);
    const input = precision.input(record.value!, record.roundedIntegers);
    precision.observe(record.roundedIntegers, input, schema.parse(input), state);
  }
  const [note] = precision.notes(state);
  expect(note).toMatch(/^n: 2 integers in the source .* were read as the nearest one, e\.g\. 1234567890123456789 as 1234567890123456800: those rows are valid and hold/);
});

describe('fields inside nested objects', () => {
  it('keep their digits where they coerce to text or bigint, and are noted under their path where they do not', () => {
    const schema = z.object({ user: z.object({ id: z.coerce.string(), score: z.number(), geo: z.object({ cell: z.coerce.bigint() }).optional() }), n: z.number() });
    const line = `{"user":{"id":${ID},"score":${ID},"geo":{"cell":${ID}}},"n":1}`;
    const record = parseJsonLine(1, line);
    const { output, notes } = validate(schema, line);
    expect(output).toEqual({ user: { id: ID, score: 1234567890123456800, geo: { cell: BigInt(ID) } }, n: 1 });
    expect(notes.map((n) => n.slice(0, n.indexOf(':')))).toEqual(['user.score']);
    // The record as read is left as it was: the digits go into a copy.
    expect(record.value).toEqual({ user: { id: 1234567890123456800, score: 1234567890123456800, geo: { cell: 1234567890123456800 } }, n: 1 });
  });
});
