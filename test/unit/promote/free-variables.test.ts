import { describe, expect, test } from 'vitest';
import { assertSelfContained, freeVariables } from '../../../sdk/src/promote/free-variables.js';
import { PlanError } from '../../../sdk/src/errors.js';

describe('freeVariables: what a .map() function uses from outside itself', () => {
  const cases: [string, string[]][] = [
    ['(row) => ({ ...row, domain: row.email.split("@")[1] })', []],
    ['(row) => ({ ...row, big: row.amount > threshold })', ['threshold']],
    ['row => row.x * factor + offset', ['factor', 'offset']],
    ['function (row) { const k = 2; return { ...row, y: row.x * k }; }', []],
    ['function f(row) { return row.n > 0 ? f({ n: row.n - 1 }) : row; }', []],
    ['(row) => { let s = 0; for (const v of row.items) s += v; return { ...row, s }; }', []],
    ['(row) => { for (let i = 0; i < 3; i++) {} return i; }', ['i']], // i is block-scoped to the loop
    ['(row) => { if (row.a) { var hoisted = 1; } return { ...row, hoisted }; }', []],
    ['(row) => { try { return JSON.parse(row.raw); } catch (e) { return { error: String(e) }; } }', []],
    ['(row) => ({ ...row, day: new Date(row.ts).getUTCDay(), r: Math.round(row.x), n: Number(row.s) })', []],
    ['(row) => ({ ...row, [keyName]: 1 })', ['keyName']], // a computed key reads the variable
    ['(row) => ({ ...row, limit })', ['limit']], // shorthand property reads `limit`
    ['(row) => { counter += 1; return row; }', ['counter']], // assigning to an outer variable closes over it
    ['({ a, b = fallback }) => ({ s: a + b })', ['fallback']], // a default value in a pattern
    ['(row) => lookup.get(row.id) ?? process.env.X', ['lookup', 'process']],
    ['map(row) { return { ...row, z: helper(row) }; }', ['helper']], // method shorthand source text
    ['(row) => { class K { m() { return this.v; } } return new K(); }', []],
    ['(row) => { outer: for (const x of row.xs) { if (x) break outer; } return row; }', []],
  ];
  for (const [source, expected] of cases) {
    test(source, () => expect(freeVariables(source)).toEqual(expected));
  }

  test('promote refuses a function that closes over a variable, naming it and the step', () => {
    let error: unknown;
    try { assertSelfContained('(row) => ({ ...row, ok: row.amount < maxAmount })', 'steps[2].map'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).code).toBe('MAP_NOT_SELF_CONTAINED');
    expect((error as PlanError).path).toBe('steps[2].map');
    expect((error as PlanError).message).toMatch(/"maxAmount"/);
    expect(() => assertSelfContained('(row) => row', 'steps[2].map')).not.toThrow();
  });

  test('unparseable source is reported as such', () => {
    expect(() => freeVariables('[native code]')).toThrow(/could not be read as JavaScript/);
  });
});
