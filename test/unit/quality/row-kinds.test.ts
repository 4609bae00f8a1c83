/**
 * The columns of a z.discriminatedUnion of row kinds (describeSchema) and what the SQL compiler
 * makes of it (modelSchema): expected values are written out by hand from the schemas.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSchema } from '../../../sdk/src/quality/describe-schema.js';
import { modelSchema } from '../../../sdk/src/quality/zod-field-model.js';
import { kindFieldsOnly } from '../../../sdk/src/quality/kind-fields.js';
import { planError as thrown } from '../../helpers/plan-error.js';

const View = z.object({ event: z.literal('view'), user: z.string(), at: z.coerce.date(), n: z.int(), page: z.string().optional() });
const Buy = z.object({ event: z.literal('buy'), user: z.string(), at: z.coerce.date(), n: z.number(), amount: z.number().nullable(), currency: z.enum(['EUR', 'USD']).default('EUR'), buyer: z.object({ id: z.string() }) });
const Tap = z.object({ event: z.enum(['tap', 'click']), user: z.string(), at: z.coerce.date() });

describe('a discriminated union of row kinds', () => {
  it('has a column per field of any kind, in order of first appearance, null where a kind lacks it', () => {
    expect(describeSchema(z.discriminatedUnion('event', [View, Buy, Tap])).columns).toEqual([
      { name: 'event', type: 'string', nullable: false, optional: false, enumValues: ['view', 'buy', 'tap', 'click'] },
      { name: 'user', type: 'string', nullable: false, optional: false },
      { name: 'at', type: 'timestamp', nullable: false, optional: false },
      // An integer in views and any number in purchases: a number; taps have none.
      { name: 'n', type: 'number', nullable: true, optional: true },
      { name: 'page', type: 'string', nullable: true, optional: true },
      { name: 'amount', type: 'number', nullable: true, optional: true },
      // The default fills a purchase's missing currency, not a view's.
      { name: 'currency', type: 'string', nullable: true, optional: true, enumValues: ['EUR', 'USD'] },
      { name: 'buyer_id', type: 'string', nullable: true, optional: true, path: ['buyer', 'id'] },
    ]);
  });

  it('refuses a field stored as two types or two columns stored as one, naming the kind and the fix', () => {
    const typed = thrown(() => describeSchema(z.discriminatedUnion('event', [View, z.object({ event: z.literal('x'), n: z.string() })])));
    expect(typed.code).toBe('KIND_COLUMN_TYPES_DIFFER');
    expect(typed.path).toBe('validate.schema.options[1].n');
    expect(typed.message).toMatch(/"n" is a string in kind 2 of the union and an integer in an earlier kind.*same type in every kind, or a different name/);
    const taken = thrown(() => describeSchema(z.discriminatedUnion('event', [Buy, z.object({ event: z.literal('x'), buyer_id: z.string() })])));
    expect(taken.code).toBe('KIND_COLUMN_NAME_TAKEN');
    expect(taken.message).toMatch(/Kind 2 of the union stores its field "buyer_id" as the column "buyer_id", and an earlier kind stores its nested field buyer\.id there/);
  });

  it('gives a field that is z.null() in one kind the type it has in another, and refuses one null in every kind', () => {
    const Free = z.object({ event: z.literal('free'), user: z.string(), amount: z.null() });
    const Paid = z.object({ event: z.literal('paid'), user: z.string(), amount: z.number() });
    expect(describeSchema(z.discriminatedUnion('event', [Free, Paid])).columns.find((c) => c.name === 'amount')).toEqual({ name: 'amount', type: 'number', nullable: true, optional: false });
    const untyped = thrown(() => describeSchema(z.discriminatedUnion('event', [Free, z.object({ event: z.literal('x'), amount: z.null().optional() })])));
    expect(untyped.code).toBe('UNSUPPORTED_COLUMN_TYPE');
    expect(untyped.path).toBe('validate.schema.options[0].amount');
    expect(untyped.message).toMatch(/"amount" is z\.null\(\) in every kind that has it/);
  });

  it('refuses a kind that is not a z.object, and columns that differ only in case across kinds', () => {
    const inner = z.discriminatedUnion('event', [View, z.discriminatedUnion('event', [z.object({ event: z.literal('a') }), z.object({ event: z.literal('b') })])]);
    const nested = thrown(() => describeSchema(inner));
    expect(nested.code).toBe('SCHEMA_NOT_OBJECT');
    expect(nested.path).toBe('validate.schema.options[1]');
    expect(nested.message).toMatch(/kind 2 is a union schema\. List each kind as a z\.object/);
    expect(thrown(() => describeSchema(z.discriminatedUnion('event', [View, z.object({ event: z.literal('x'), User: z.string() })]))).code).toBe('COLUMN_NAMES_DIFFER_IN_CASE');
  });

  it('is modelled kind by kind; a refinement of the union is its own; an overwrite or a fallback to every kind leaves it to zod', () => {
    const model = modelSchema(z.discriminatedUnion('event', [View, Tap]));
    expect(model.kinds?.discriminator).toBe('event');
    expect(model.kinds?.models.map((m) => m.fields.map((f) => f.name))).toEqual([['event', 'user', 'at', 'n', 'page'], ['event', 'user', 'at']]);
    expect(model.schemaReasons).toEqual([]);
    expect(modelSchema(z.discriminatedUnion('event', [View, Tap]).refine(() => true))).toMatchObject({ schemaReasons: [], objectChecks: ['a refine()/superRefine() check of the whole row'] });
    expect(modelSchema(z.discriminatedUnion('event', [View, Tap]).overwrite((r) => r)).schemaReasons).toEqual(['the union of row kinds has a check SQL cannot express (overwrite)']);
    expect(modelSchema(z.discriminatedUnion('event', [View, Tap], { unionFallback: true })).schemaReasons).toEqual(['the union of row kinds falls back to trying every kind (zod checks each row)']);
    expect(modelSchema(z.union([View, Tap])).schemaReasons).toEqual(['the schema is a z.union without a discriminator']);
  });
});

describe('kindFieldsOnly', () => {
  it("keeps a loose kind's row to the fields that kind names; other kinds' rows as zod gives them", () => {
    const Kinds = z.discriminatedUnion('kind', [z.looseObject({ kind: z.literal('a').optional(), x: z.string() }), z.object({ kind: z.literal('b'), n: z.number() })]);
    const only = kindFieldsOnly(Kinds)!;
    expect(only(Kinds.parse({ kind: 'a', x: 's', n: 'stray', other: 1 }))).toEqual({ kind: 'a', x: 's' });
    // The kind zod picks for a row without a discriminator: the one whose discriminator may be missing.
    expect(only(Kinds.parse({ x: 's', n: 2 }))).toEqual({ x: 's' });
    const b = Kinds.parse({ kind: 'b', n: 2 });
    expect(only(b)).toBe(b);
    expect(kindFieldsOnly(z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.strictObject({ kind: z.literal('b') })]))).toBeUndefined();
    expect(kindFieldsOnly(z.looseObject({ a: z.string() }))).toBeUndefined();
  });
});
