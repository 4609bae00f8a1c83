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
  // NaN (CAST('nan' AS double) of text makes one), and spaces other than U+0020 around text.
  { a: 1, b: 1, x: Number.NaN, s: '\u00a0nbsp\u00a0', t: '\u3000ideo\u3000 ', f: true },
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
  'substr(t, 2)', 'substr(t, 2, 3)', 'substr(t, -3)',
  "concat(s, '-', t)", "s || '!'", 'coalesce(a, b, 0)', 'nullif(a, 7)',
  'cast(a as double)', 'cast(x as bigint)', 'cast(a as string)', 'cast(f as string)',
  // Searching and splitting text (NULLs, non-ASCII text, the empty part, a `$&` that replaceAll would read).
  "starts_with(t, 'str')", "ends_with(s, 'lo')", "ends_with(t, '')", "contains(t, 'ß')", "contains(s, '')", 'starts_with(s, t)', 'contains(t, s)',
  "replace(t, 'l', 'L')", "replace(s, ' ', '$&')", "replace('aaa', 'aa', 'b')", 'replace(t, \'a\', s)',
  "split_part(t, 'l', 2)", "split_part(s, 'l', 5)", "split_part(t, 'é', 1)", "split_part('a@@b', '@', 2)", "split_part(s, ' ', 1)",
];

/**
 * Values no row may fail on (DESIGN §4): division by zero, out-of-domain sqrt/ln, text that
 * holds no number, doubles beyond BIGINT. DuckDB raises on most of them unless the printed SQL
 * guards them; the evaluator must give what the guarded SQL gives.
 */
const neverFailing = [
  'b / a', '1 / b', 'a % 0', '0 / 0',
  'sqrt(a)', 'sqrt(x - 2)', 'sqrt(-1)', 'sqrt(b - 2)', 'ln(a)', 'ln(x)', 'ln(0)', 'ln(b)', 'ln(-x)',
  'sqrt(sqrt(x))', "sqrt(cast('nan' as double))", "ln(cast('-inf' as double))", 'sqrt(ln(b))',
  'cast(s as double)', 'cast(t as double)', 'cast(s as bigint)', 'cast(s as boolean)',
  "cast('a@x.com' as double)", "cast(' 12.5 ' as double)", "cast('1_000' as double)", "cast('-inf' as double)",
  "cast('NaN' as double)", "cast('0x10' as double)", "cast('1.5d' as double)", "cast('' as double)",
  "cast('1e400' as double)", "cast('.5' as double)", "cast('5.' as double)", "cast('1._5' as double)", "cast('1__0' as double)",
  "cast('12.7' as bigint)", "cast('-2.5' as bigint)", "cast('9.3e18' as bigint)", "cast('abc' as bigint)", "cast(' 42 ' as bigint)",
  "cast('TRUE' as boolean)", "cast(' true' as boolean)", "cast('Y' as boolean)", "cast('maybe' as boolean)", "cast('0' as boolean)",
  'round(x, 400)', 'round(x, -400)', 'round(a, -1)', 'round(x * 1234.5, -2)', 'round(a, 30)',
  'cast(x * 1e300 as bigint)', 'cast(x / 0 as bigint)', "cast(cast('inf' as double) as bigint)",
  // substr with computed (non-literal) lengths and starts follows DuckDB: a negative length
  // takes the characters before the start; start 0 is one before the first character.
  'substr(t, b, a)', 'substr(t, a, b)', 'substr(t, 4, -b)', "substr('straße', 2, 0 - 1)", "substr('straße', 4, 0 - 2)",
  "substr('straße', b - 2, 2)", "substr('straße', -2, 0 - 1)", "substr('straße', 0 * b)", 'substr(t, a - 5, b + 1)',
  // Not 'abcdef' with a start past the end and a negative length: DuckDB's ASCII fast path
  // clamps the start first ('ef' for 9, -2), its Unicode path and constant folding do not ('').
  "substr('abcdé', a, 3)", "substr('abcdé', 4 + a, 0 - b)", "substr('abcdé', 9, 0 - b)",
  // A literal negative start reaching before the first character drops the characters before it
  // (Spark's rule; DuckDB gave 'Hel' for a column and 'H' for a constant, Trino '').
  "substr(t, -7, 3)", "substr(s, -9, 4)", "substr(coalesce('a', s), -3, 1)", "substr(t, -20)", "substr(s, -2, 1)",
  // lower/upper map each code point alone (DuckDB), not with JS's special casing.
  "lower('İx')", "lower('ΣΑΣ')", "upper('ǅ')", "lower('ẞ')",
  // NaN is equal to NaN and greater than every number (DuckDB and Spark alike), not IEEE's unordered.
  'x = 1', 'x > 0', 'x < 1e308', 'x = x', 'x in (1, 2)', 'x between 0 and 1', 'least(x, 1.5)', 'greatest(x, 1.5)',
  // trim removes spaces (U+0020) only, as Spark does.
  'trim(t)', 'length(trim(s))',
];

let connection: DuckDBConnection;
let instance: DuckDBInstance;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run('create table r (i integer, a bigint, b bigint, x double, s varchar, t varchar, f boolean)');
  for (const [i, row] of rows.entries()) {
    const lit = (v: unknown) => (v === null ? 'null' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : Number.isNaN(v) ? "'nan'::double" : String(v));
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
  for (const text of [...expressions, ...neverFailing]) {
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

  it('never fails a row on the values DuckDB would raise on (the guarded SQL runs too)', async () => {
    for (const text of neverFailing) {
      const node = parseExpression(text, columns, 'test').node;
      const f = compileExpression(node, Object.fromEntries(columns));
      for (const [i, row] of rows.entries()) {
        expect(() => f(row), `${text}, row ${i}`).not.toThrow();
        expect(await duckdb(node, i), `${text}, row ${i}`).not.toHaveProperty('error');
      }
    }
  });

  it('evaluates one row without compiling first', () => {
    expect(evaluateExpression({ kind: 'binary', op: '/', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 2 } }, { a: 7 })).toBe(3.5);
  });
});
