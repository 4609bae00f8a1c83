/**
 * Nested z.object fields are stored one column per scalar (`user.id` → `user_id`): the columns
 * describeSchema gives, which of them may be null, the names that collide, and the flat row
 * made of zod's output. Expected rows are written out by hand, not derived from the code.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSchema } from '../../../sdk/src/quality/describe-schema.js';
import { rowFlattener } from '../../../sdk/src/quality/nested-fields.js';
import { file, pipeline, PlanError } from '../../../sdk/src/index.js';

const Event = z.object({
  event: z.string(),
  user: z.object({ id: z.string(), geo: z.object({ country: z.string(), city: z.string().optional() }).nullable() }),
  props: z.object({ amount: z.number().default(0) }).optional(),
  ts: z.coerce.date(),
});

describe('describeSchema of nested objects', () => {
  it('gives one column per scalar, in schema order, null where an enclosing object may be missing or null', () => {
    const columns = describeSchema(Event).columns.map(({ name, type, nullable, optional, defaulted, path }) => ({ name, type, nullable, optional, defaulted, path }));
    expect(columns).toEqual([
      { name: 'event', type: 'string', nullable: false, optional: false, defaulted: undefined, path: undefined },
      { name: 'user_id', type: 'string', nullable: false, optional: false, defaulted: undefined, path: ['user', 'id'] },
      { name: 'user_geo_country', type: 'string', nullable: true, optional: true, defaulted: undefined, path: ['user', 'geo', 'country'] },
      { name: 'user_geo_city', type: 'string', nullable: true, optional: true, defaulted: undefined, path: ['user', 'geo', 'city'] },
      // The default applies only inside a props object; a missing props leaves the column null.
      { name: 'props_amount', type: 'number', nullable: true, optional: true, defaulted: undefined, path: ['props', 'amount'] },
      { name: 'ts', type: 'timestamp', nullable: false, optional: false, defaulted: undefined, path: undefined },
    ]);
  });

  it('a nested field stored under a name another field has is a PlanError naming both', () => {
    const error = (() => {
      try {
        pipeline('n').from(file('x/*.jsonl')).validate(z.object({ user_id: z.string(), user: z.object({ id: z.string() }) }));
      } catch (e) {
        return e as PlanError;
      }
    })();
    expect(error).toBeInstanceOf(PlanError);
    expect(error!.code).toBe('NESTED_COLUMN_NAME_TAKEN');
    expect(error!.path).toBe('steps[1].validate.schema.user.id');
    expect(error!.message).toMatch(/The nested field user\.id is stored as the column "user_id", and so is the field "user_id"\. Rename one/);
  });

  it('a recursive schema (zod 4 getters) is a PlanError saying why, not a stack overflow', () => {
    const Node = z.object({ name: z.string(), get parent() { return Node.optional(); } });
    expect(() => pipeline('r').from(file('x/*.jsonl')).validate(Node)).toThrow(/The field parent holds the object it is in \(a recursive schema\)/);
    expect(() => describeSchema(Node)).toThrow(PlanError);
  });

  it('an array is still no column, and the error says what can be stored and how to leave it out', () => {
    expect(() => describeSchema(z.object({ tags: z.array(z.string()) }))).toThrow(/nested z\.object of them \(stored as one column per field, user\.id as user_id\), or leave the field out of the schema/);
  });
});

describe('rowFlattener', () => {
  const flatten = rowFlattener(describeSchema(Event).columns)!;

  it('flattens zod output; a missing or null object gives null fields', () => {
    const ts = new Date(0);
    expect(flatten(Event.parse({ event: 'e', user: { id: 'u1', geo: { country: 'DE' } }, props: {}, ts }))).toEqual({
      event: 'e', ts, user_id: 'u1', user_geo_country: 'DE', user_geo_city: null, props_amount: 0,
    });
    expect(flatten(Event.parse({ event: 'e', user: { id: 'u2', geo: null }, ts }))).toEqual({
      event: 'e', ts, user_id: 'u2', user_geo_country: null, user_geo_city: null, props_amount: null,
    });
  });

  it('is absent for a flat schema: rows are stored as zod returns them', () => {
    expect(rowFlattener(describeSchema(z.object({ a: z.string() })).columns)).toBeUndefined();
  });
});
