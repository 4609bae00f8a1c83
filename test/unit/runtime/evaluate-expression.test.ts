/**
 * The Lambda's JS evaluator must compute what DuckDB computes for the same derive()
 * expression (the local engine runs them on DuckDB). Oracle: DuckDB itself, running the
 * expression text over the same rows. The parser (plan/expression-parser) is shared; only
 * evaluation is under test.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import type { ExprNode, ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';
import { compileExpression, evaluateExpression } from '../../../sdk/src/runtime/evaluate-expression.js';

const columns = new Map<string, ScalarType>([
  ['a', 'integer'],
  ['b', 'integer'],
  ['x', 'number'],
  ['s', 'string'],
  ['t', 'string'],
  ['f', 'boolean'],
]);

const rows: Record<string, unknown>[] = [
  { a: 7, b: 2, x: 2.5, s: 'Hello', t: 'straße', f: true },
  { a: -7, b: 3, x: -2.5, s: '  pad  ', t: 'héllo👍', f: false },
  { a: 5, b: 0, x: 0, s: '', t: 'Zed', f: null },
  { a: null, b: 4, x: null, s: null, t: 'a', f: true },
  { a: 0, b: null, x: 1.005, s: 'abc', t: null, f: null },
];

const expressions = [
  'a / b', 'a % b', 'x % b', 'x % 0', 'a + b * 2', 'x * 1.1', '-a', 'a - x', 'a / 0', 'x / b',
  'a > b', 'a = b', 'a <> b', 'x >= 0', 's < t', "s = 'Hello'",
  'f and a > 0', 'f or a > 0', 'not f', 'f and null', 'f or null',
  'a in (1, 7, 5)', 'a in (1, null)', 'a not in (1, null)', 'a not in (2, 3)',
  'a between 0 and 6', 'a not between 0 and 6', 'x between -3 and b',
  'a is null', 's is not null',
  "case when a > 0 then 'pos' when a < 0 then 'neg' else 'zero' end",
  'case when f then a end',
  'abs(a)', 'round(x)', 'round(x, 2)', 'floor(x)', 'ceil(x)', 'power(b, 2)', 'exp(b)', 'sqrt(b)', 'ln(b)',
  'greatest(a, b, 3)', 'least(a, b)', 'lower(s)', 'upper(t)', 'length(t)', 'trim(s)',
  'substr(t, 2)', 'substr(t, 2, 3)', 'substr(t, -3)', 'substr(t, 0, 2)',
  "concat(s, '-', t)", "s || '!'", 'coalesce(a, b, 0)', 'nullif(a, 7)',
  'cast(a as double)', 'cast(x as bigint)', 'cast(a as string)', 'cast(f as string)',
];

let connection: DuckDBConnection;
let instance: DuckDBInstance;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run('create table r (i integer, a bigint, b bigint, x double, s varchar, t varchar, f boolean)');
  for (const [i, row] of rows.entries()) {
    const lit = (v: unknown) => (v === null ? 'null' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
    await connection.run(`insert into r values (${i}, ${lit(row.a)}, ${lit(row.b)}, ${lit(row.x)}, ${lit(row.s)}, ${lit(row.t)}, ${lit(row.f)})`);
  }
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** DuckDB's value for one row, or the error it raises. */
async function duckdb(node: ExprNode, i: number): Promise<{ value?: unknown; error?: true }> {
  const sql = printExpr(node as SqlExpr, 'duckdb');
  try {
    const result = await connection.runAndReadAll(`select (${sql}) as v from r where i = ${i}`);
    const v = result.getRowObjects()[0]!.v;
    if (typeof v === 'bigint') return { value: Number(v) };
    if (v !== null && typeof v === 'object' && 'value' in (v as object) && 'scale' in (v as object)) {
      const d = v as { value: bigint; scale: number };
      return { value: Number(d.value) / 10 ** d.scale };
    }
    return { value: v };
  } catch {
    return { error: true };
  }
}

describe('evaluateExpression agrees with DuckDB', () => {
  for (const text of expressions) {
    it(text, async () => {
      const parsed = parseExpression(text, columns, 'test');
      const f = compileExpression(parsed.node, Object.fromEntries(columns));
      for (const [i, row] of rows.entries()) {
        const expected = await duckdb(parsed.node, i);
        let actual: { value?: unknown; error?: true };
        try {
          actual = { value: f(row) };
        } catch {
          actual = { error: true };
        }
        if (typeof expected.value === 'number' && typeof actual.value === 'number' && !Number.isNaN(expected.value)) {
          expect(actual.value, `row ${i}`).toBeCloseTo(expected.value, 9);
        } else {
          expect({ row: i, ...actual }).toEqual({ row: i, ...expected });
        }
      }
    });
  }

  it('evaluates one row without compiling first', () => {
    expect(evaluateExpression({ kind: 'binary', op: '/', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 2 } }, { a: 7 })).toBe(3.5);
  });
});
