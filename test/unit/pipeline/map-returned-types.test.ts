/**
 * The rule both backends apply to a `.map()`'s returned rows: which column types the plan knows
 * after each map, and which values fit them. Expected types and verdicts are written out here.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { columnTypesAfterMaps, mapReturnedValuesCheck } from '../../../sdk/src/pipeline/map-returned-types.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), qty: z.number().int(), ts: z.coerce.date() });
const start = () => pipeline('types').from(file('events.jsonl')).validate(Event);

describe('columnTypesAfterMaps', () => {
  it('the schema’s types, then derived ones, then each map’s declared ones on top', () => {
    const p = start()
      .derive({ total: 'amount * qty' })
      .map((r) => ({ ...r, cents: Math.round(Number(r.total) * 100) }), { columns: { cents: 'integer' } })
      .map((r) => ({ ...r, amount: String(r.amount), big: r.cents > 100 }), { columns: { amount: 'string', big: 'boolean' } });
    expect(columnTypesAfterMaps(p.definition)).toEqual([
      { user_id: 'string', amount: 'number', qty: 'integer', ts: 'timestamp', total: 'number', cents: 'integer' },
      { user_id: 'string', amount: 'string', qty: 'integer', ts: 'timestamp', total: 'number', cents: 'integer', big: 'boolean' },
    ]);
  });

  it('nothing is known after a map that declares no columns, and a later declared map knows only its own', () => {
    const p = start().map((r) => ({ ...r, extra: 1 })).map((r) => ({ ...r, n: 2 }), { columns: { n: 'integer' } });
    expect(columnTypesAfterMaps(p.definition)).toEqual([undefined, { n: 'integer' }]);
  });

  it('a pipeline without map() has no entries', () => {
    expect(columnTypesAfterMaps(start().derive({ x: 'qty + 1' }).definition)).toEqual([]);
  });
});

describe('mapReturnedValuesCheck', () => {
  const check = mapReturnedValuesCheck({ s: 'string', n: 'number', i: 'integer', b: 'boolean', t: 'timestamp', u: 'unknown' }, 'steps[2].map');
  const verdict = (column: string, value: unknown) => check({ [column]: value })?.path[0] === column ? 'refused' : 'fits';

  it.each([
    ['s', 'text', 'fits'], ['s', '', 'fits'], ['s', 12, 'refused'], ['s', true, 'refused'], ['s', new Date(0), 'refused'], ['s', { a: 1 }, 'refused'],
    ['n', 1.5, 'fits'], ['n', 3, 'fits'], ['n', Number.NaN, 'fits'], ['n', -Infinity, 'fits'], ['n', '1.5', 'refused'], ['n', 2n, 'refused'],
    ['i', 3, 'fits'], ['i', -0, 'fits'], ['i', 2 ** 62, 'fits'], ['i', 2n ** 63n - 1n, 'fits'], ['i', 2.5, 'refused'], ['i', 2 ** 63, 'refused'],
    ['i', 2n ** 63n, 'refused'], ['i', '3', 'refused'], ['i', Number.NaN, 'refused'], ['i', true, 'refused'],
    ['b', false, 'fits'], ['b', 0, 'refused'], ['b', 'true', 'refused'],
    ['t', new Date('2024-01-01T00:00:00Z'), 'fits'], ['t', new Date(Number.NaN), 'refused'], ['t', '2024-01-01T00:00:00Z', 'refused'], ['t', 1_704_067_200_000, 'refused'],
    ['u', { any: 'thing' }, 'fits'],
  ])('%s = %o %s', (column, value, expected) => {
    expect(verdict(column, value)).toBe(expected);
  });

  it('null and a missing key fit every column', () => {
    expect(check({ s: null, n: undefined, i: null, b: null, t: null })).toBeUndefined();
    expect(check({})).toBeUndefined();
  });

  it('names the column, the value, the type and the step, as not_storable', () => {
    expect(check({ s: 'ok', i: 2.5 })).toEqual({
      path: ['i'],
      code: 'not_storable',
      message: '2.5 cannot be stored in the integer column "i": return a whole number within 64 bits (or null) for it from steps[2].map, or declare the type the map gives it: .map(fn, { columns: { i: \'number\' } }).',
    });
    expect(check({ t: '2024-01-01' })!.message).toBe('"2024-01-01" cannot be stored in the timestamp column "t": return a valid Date (or null) for it from steps[2].map, or declare the type the map gives it: .map(fn, { columns: { t: \'string\' } }).');
    // Nothing to declare for a value no column type holds.
    expect(check({ t: new Date(Number.NaN) })!.message).toBe('Invalid Date cannot be stored in the timestamp column "t": return a valid Date (or null) for it from steps[2].map.');
    expect(check({ s: { a: 1 } })!.message).toBe('{"a":1} cannot be stored in the string column "s": return a string (or null) for it from steps[2].map.');
  });
});
