/**
 * The expression subset: what it accepts is evaluated in DuckDB and compared with values
 * worked out in plain JS (SQL null semantics written out by hand); what it rejects fails with
 * the right code, the plan path and a message with a caret under the offending text.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression, safeParseExpression, checkExpressionSyntax } from '../../../sdk/src/plan/expression-parser.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import { ExpressionError, PlanError } from '../../../sdk/src/errors.js';

const COLUMNS = new Map<string, ScalarType>([
  ['amount', 'number'], ['n', 'integer'], ['name', 'string'], ['flag', 'boolean'], ['ts', 'timestamp'], ['weird col', 'integer'], ['quote"d', 'string'],
]);
const PATH = 'steps[2].derive.x';

interface Row { amount: number | null; n: number | null; name: string | null; flag: boolean | null; weird: number | null }
const ROWS: Row[] = [
  { amount: 2.5, n: 7, name: 'a', flag: true, weird: 1 },
  { amount: -2.5, n: 2, name: "it's", flag: false, weird: 2 },
  { amount: 12.25, n: 4, name: 'abc', flag: true, weird: 3 },
  { amount: null, n: null, name: null, flag: null, weird: null },
];

let db: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  c = await db.connect();
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v));
  await c.run(`CREATE TABLE t (id INTEGER, amount DOUBLE, n BIGINT, name VARCHAR, flag BOOLEAN, ts TIMESTAMP, "weird col" BIGINT, "quote""d" VARCHAR)`);
  await c.run(`INSERT INTO t VALUES ${ROWS.map((r, i) => `(${i}, ${lit(r.amount)}, ${lit(r.n)}, ${lit(r.name)}, ${lit(r.flag)}, NULL, ${lit(r.weird)}, ${lit(r.name)})`).join(', ')}`);
});
afterAll(() => {
  c.closeSync();
  db.closeSync();
});

async function evaluate(text: string): Promise<unknown[]> {
  const parsed = parseExpression(text, COLUMNS, PATH);
  const reader = await c.runAndReadAll(`SELECT ${printExpr(parsed.node, 'duckdb')} AS v FROM t ORDER BY id`);
  return reader.getRowObjectsJS().map((r) => (typeof r.v === 'bigint' ? Number(r.v) : r.v));
}

/** SQL's three-valued helpers, so expectations read like the SQL they check. */
const nul = <T, R>(x: T | null, f: (x: T) => R): R | null => (x === null ? null : f(x));
const sqlAnd = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true);
const roundHalfAway = (x: number, d = 0) => Math.sign(x) * Math.round(Math.abs(x) * 10 ** d) / 10 ** d;

const CASES: [string, (r: Row) => unknown, ScalarType][] = [
  ['amount * 2 + 1', (r) => nul(r.amount, (a) => a * 2 + 1), 'number'],
  ['n / 2', (r) => nul(r.n, (n) => n / 2), 'number'], // 7 / 2 = 3.5 in every dialect, not 3
  ['n % 3', (r) => nul(r.n, (n) => n % 3), 'integer'],
  ['-n * -2', (r) => nul(r.n, (n) => n * 2), 'integer'],
  ['1 + 2 * 3 - 4 / 2', () => 5, 'number'],
  ["name || '-' || upper(name)", (r) => nul(r.name, (s) => `${s}-${s.toUpperCase()}`), 'string'],
  ["concat(name, '!')", (r) => nul(r.name, (s) => `${s}!`), 'string'],
  ["amount > 0 AND name <> 'a'", (r) => sqlAnd(nul(r.amount, (a) => a > 0), nul(r.name, (s) => s !== 'a')), 'boolean'],
  ["amount < 0 OR n >= 4", (r) => { const a = nul(r.amount, (x) => x < 0); const b = nul(r.n, (x) => x >= 4); return a === true || b === true ? true : a === null || b === null ? null : false; }, 'boolean'],
  ["name = 'it''s'", (r) => nul(r.name, (s) => s === "it's"), 'boolean'],
  ["name = 'x'' OR 1=1 --'", (r) => nul(r.name, () => false), 'boolean'], // an injection attempt inside a literal stays a literal
  ["name IN ('a', 'abc')", (r) => nul(r.name, (s) => ['a', 'abc'].includes(s)), 'boolean'],
  ["name NOT IN ('a')", (r) => nul(r.name, (s) => s !== 'a'), 'boolean'],
  ['n BETWEEN 2 AND 4', (r) => nul(r.n, (n) => n >= 2 && n <= 4), 'boolean'],
  ['n NOT BETWEEN 2 AND 4', (r) => nul(r.n, (n) => !(n >= 2 && n <= 4)), 'boolean'],
  ['amount IS NULL', (r) => r.amount === null, 'boolean'],
  ['NOT amount IS NOT NULL', (r) => r.amount === null, 'boolean'],
  ["CASE WHEN n > 5 THEN 'big' WHEN n > 2 THEN 'mid' ELSE 'small' END", (r) => (r.n !== null && r.n > 5 ? 'big' : r.n !== null && r.n > 2 ? 'mid' : 'small'), 'string'],
  ["CASE name WHEN 'a' THEN 1 WHEN 'abc' THEN 2 END", (r) => (r.name === 'a' ? 1 : r.name === 'abc' ? 2 : null), 'integer'],
  ['CAST(n AS string)', (r) => nul(r.n, String), 'string'],
  ['CAST(amount AS bigint)', (r) => nul(r.amount, (a) => roundHalfAway(a)), 'integer'], // 2.5 → 3, -2.5 → -3 in every dialect
  ["CAST('12.5' AS double) + n", (r) => nul(r.n, (n) => 12.5 + n), 'number'],
  ['CAST(flag AS string)', (r) => nul(r.flag, String), 'string'],
  ['abs(amount)', (r) => nul(r.amount, Math.abs), 'number'],
  ['round(amount, 1)', (r) => nul(r.amount, (a) => roundHalfAway(a, 1)), 'number'],
  ['floor(amount)', (r) => nul(r.amount, Math.floor), 'number'],
  ['ceil(amount)', (r) => nul(r.amount, Math.ceil), 'number'],
  ['sqrt(n)', (r) => nul(r.n, Math.sqrt), 'number'],
  ['power(n, 2)', (r) => nul(r.n, (n) => n ** 2), 'number'],
  ['ln(n) + exp(0)', (r) => nul(r.n, (n) => Math.log(n) + 1), 'number'],
  // sluice's greatest/least skip NULLs (as DuckDB and Spark do; the Trino printer must emulate it).
  ['greatest(n, 3)', (r) => (r.n === null ? 3 : Math.max(r.n, 3)), 'integer'],
  ['least(n, 3)', (r) => (r.n === null ? 3 : Math.min(r.n, 3)), 'integer'],
  ['LOWER(UPPER(name))', (r) => nul(r.name, (s) => s.toLowerCase()), 'string'],
  ['length(name)', (r) => nul(r.name, (s) => s.length), 'integer'],
  ["trim('  x ')", () => 'x', 'string'],
  ['substr(name, 2)', (r) => nul(r.name, (s) => s.slice(1)), 'string'],
  ['substr(name, 1, 2)', (r) => nul(r.name, (s) => s.slice(0, 2)), 'string'],
  ['coalesce(amount, 0)', (r) => r.amount ?? 0, 'number'],
  ['nullif(n, 7)', (r) => (r.n === 7 ? null : r.n), 'integer'],
  ['"weird col" + 1', (r) => nul(r.weird, (w) => w + 1), 'integer'],
  ['"quote""d"', (r) => r.name, 'string'],
  ['AMOUNT >= 2.5', (r) => nul(r.amount, (a) => a >= 2.5), 'boolean'], // unquoted names are case-insensitive
  ['TRUE AND NOT FALSE', () => true, 'boolean'],
  ['NULL IS NULL', () => true, 'boolean'],
  ['flag = TRUE', (r) => r.flag, 'boolean'],
  ['1.5e2', () => 150, 'number'],
  // Searching and splitting text; the rows' names are 'a', "it's", 'abc' and NULL.
  ["starts_with(name, 'a')", (r) => ({ a: true, "it's": false, abc: true } as Record<string, boolean>)[r.name!] ?? null, 'boolean'],
  ["ends_with(name, 'c')", (r) => ({ a: false, "it's": false, abc: true } as Record<string, boolean>)[r.name!] ?? null, 'boolean'],
  ["contains(name, '''')", (r) => ({ a: false, "it's": true, abc: false } as Record<string, boolean>)[r.name!] ?? null, 'boolean'],
  ["replace(name, 'b', 'BB')", (r) => ({ a: 'a', "it's": "it's", abc: 'aBBc' } as Record<string, string>)[r.name!] ?? null, 'string'],
  ["split_part(name, 'b', 2)", (r) => ({ a: '', "it's": '', abc: 'c' } as Record<string, string>)[r.name!] ?? null, 'string'],
  ["split_part(name, '''', 1) || '!'", (r) => ({ a: 'a!', "it's": 'it!', abc: 'abc!' } as Record<string, string>)[r.name!] ?? null, 'string'],
];

describe('parseExpression: the supported subset', () => {
  for (const [text, expected, type] of CASES) {
    it(`${text}`, async () => {
      expect(parseExpression(text, COLUMNS, PATH).type).toBe(type);
      expect(await evaluate(text)).toEqual(ROWS.map(expected));
    });
  }

  it('plans a NULL where a value would fail the row: TRY_CAST, nullif(divisor, 0)', () => {
    const name = { kind: 'column', name: 'name' };
    expect(parseExpression('CAST(name AS double)', COLUMNS, PATH).node).toEqual({ kind: 'cast', operand: name, to: 'double', try: true });
    expect(parseExpression('CAST(name AS bigint)', COLUMNS, PATH).node).toEqual({
      kind: 'cast', to: 'bigint', try: true, operand: { kind: 'call', fn: 'round', args: [{ kind: 'cast', operand: name, to: 'double', try: true }] },
    });
    expect(parseExpression('CAST(n AS double)', COLUMNS, PATH).node).toEqual({ kind: 'cast', operand: { kind: 'column', name: 'n' }, to: 'double' });
    expect(parseExpression('amount % n', COLUMNS, PATH).node).toMatchObject({ right: { kind: 'call', fn: 'nullif', args: [{ kind: 'column', name: 'n' }, { kind: 'literal', value: 0 }] } });
    expect(parseExpression('amount / 2', COLUMNS, PATH).node).toMatchObject({ right: { kind: 'literal', value: 2 } });
  });

  it('returns frozen, JSON-serialisable data — never the text', () => {
    const parsed = parseExpression("name = 'a'", COLUMNS, PATH);
    expect(Object.isFrozen(parsed.node)).toBe(true);
    expect(JSON.parse(JSON.stringify(parsed.node))).toEqual({ kind: 'binary', op: '=', left: { kind: 'column', name: 'name' }, right: { kind: 'literal', value: 'a' } });
  });
});

const REJECTED: [string, string, RegExp][] = [
  ['1; DROP TABLE x', 'EXPRESSION_SYNTAX', /semicolon is not allowed/],
  ["') OR 1=1 --", 'EXPRESSION_SYNTAX', /string literal is never closed/],
  ['amount -- a comment', 'EXPRESSION_SYNTAX', /Comments \(-- and \/\* \*\/\) are not allowed/],
  ['amount /* c */ + 1', 'EXPRESSION_SYNTAX', /Comments/],
  ['(SELECT 1)', 'EXPRESSION_SYNTAX', /Subqueries are not supported/],
  ['n IN (SELECT n FROM t)', 'EXPRESSION_SYNTAX', /Subqueries are not supported/],
  ['EXISTS (SELECT 1)', 'EXPRESSION_SYNTAX', /EXISTS/],
  ['DROP TABLE x', 'EXPRESSION_SYNTAX', /DROP is a statement/],
  ['`n` + 1', 'EXPRESSION_SYNTAX', /Backticks .* double quotes/],
  ["name LIKE 'a' ESCAPE '!'", 'EXPRESSION_SYNTAX', /ESCAPE is not supported/],
  ['n = 1 = 2', 'EXPRESSION_SYNTAX', /cannot be chained/],
  ['n IS TRUE', 'EXPRESSION_SYNTAX', /Only IS NULL and IS NOT NULL/],
  ['CAST(n AS int)', 'EXPRESSION_SYNTAX', /CAST supports the portable types double, bigint, string \(or varchar\) and boolean/],
  ["TIMESTAMP '2024-01-01'", 'EXPRESSION_SYNTAX', /Typed literals/],
  ['count(*)', 'EXPRESSION_SYNTAX', /aggregate/],
  ['amount +', 'EXPRESSION_SYNTAX', /ends too early/],
  ['', 'EXPRESSION_SYNTAX', /empty/],
  ['amount amount', 'EXPRESSION_SYNTAX', /Unexpected word/],
  ['n @ 2', 'EXPRESSION_SYNTAX', /character "@" is not part of the expression subset/],
  // A name in another script is a column the user means: the fix is to quote it.
  ['größe * 2', 'EXPRESSION_SYNTAX', /The name größe has characters beyond a-z, 0-9 and _: quote it, "größe"/],
  ['montant_€ > 1', 'EXPRESSION_SYNTAX', /character "€" is not part of the expression subset/],
  ['n @x', 'EXPRESSION_SYNTAX', /character "@" is not part of the expression subset/],
  ['CASE WHEN n > 1 THEN 1', 'EXPRESSION_SYNTAX', /Expected END/],
  ['amout * 2', 'UNKNOWN_COLUMN', /Unknown column "amout"\. Did you mean "amount"\? Available columns: amount, flag, n, name, quote"d, ts, weird col\./],
  ['"NAME" = \'a\'', 'UNKNOWN_COLUMN', /Quoted names match exactly: did you mean "name"/],
  ['foo(1)', 'UNSUPPORTED_FUNCTION', /foo\(\) is not in the portable subset .* Supported functions: abs, ceil, coalesce/],
  ['lowr(name)', 'UNSUPPORTED_FUNCTION', /Did you mean "lower"\?/],
  // Functions of other SQL dialects get the way to say it in the subset.
  ["date_diff('day', ts, ts)", 'UNSUPPORTED_FUNCTION', /date_diff\(\) is not in the portable subset .*\(epoch_ms\(b\) - epoch_ms\(a\)\) \/ 86400000 is days/],
  ['dayofweek(ts)', 'UNSUPPORTED_FUNCTION', /Use day_of_week\(ts\): ISO, 1 = Monday/],
  ['NOW()', 'UNSUPPORTED_FUNCTION', /must not depend on when the pipeline runs/],
  ["regexp_matches(name, 'a')", 'UNSUPPORTED_FUNCTION', /Regular expressions differ between DuckDB \(RE2\), Spark \(Java\) and Trino/],
  ['log10(amount)', 'UNSUPPORTED_FUNCTION', /Use ln\(x\) \/ ln\(10\)/],
  ['round(1, 2, 3)', 'ARGUMENT_COUNT', /round\(\) takes 1 to 2 arguments, got 3/],
  ['nullif(n)', 'ARGUMENT_COUNT', /nullif\(\) takes 2 arguments, got 1/],
  ["name = 1", 'TYPE_MISMATCH', /Cannot compare name \(string\) with 1 \(integer\)/],
  ["name + 1", 'TYPE_MISMATCH', /Arithmetic \(\+\) needs numbers, but name is a string\. To join strings use \|\|/],
  ["n || 'x'", 'TYPE_MISMATCH', /\|\| joins strings, but n is an integer\. CAST\(x AS string\)/],
  ['amount AND flag', 'TYPE_MISMATCH', /AND joins conditions/],
  ["CASE WHEN flag THEN 1 ELSE 'x' END", 'TYPE_MISMATCH', /same type/],
  ['CAST(amount AS string)', 'TYPE_MISMATCH', /not portable/],
  ['CAST(ts AS bigint)', 'TYPE_MISMATCH', /Casting a timestamp is not supported.*For a number use epoch_ms\(ts\).*date_trunc\('day', ts\)/],
  // The search text and the delimiter are non-empty literals, the part a whole number >= 1 (the dialects disagree otherwise).
  ["split_part(name, '', 1)", 'TYPE_MISMATCH', /split_part\(\) takes the delimiter as a non-empty text literal, e\.g\. split_part\(email, '@', 2\); got ''\. DuckDB, Spark and Trino disagree/],
  ['split_part(name, name, 1)', 'TYPE_MISMATCH', /non-empty text literal.*; got name/],
  ["split_part(name, '@', 2.0)", 'TYPE_MISMATCH', /takes the part's number as a whole number of at least 1 written in the expression \(the first part is 1\), got 2\.0/],
  ["split_part(name, '@', 0)", 'TYPE_MISMATCH', /split_part\(\) takes the part's number as a whole number of at least 1 written in the expression \(the first part is 1\), got 0/],
  ["split_part(name, '@', -1)", 'TYPE_MISMATCH', /at least 1 .*got -1/],
  ["split_part(name, '@', n)", 'TYPE_MISMATCH', /at least 1 .*got n/],
  ["replace(name, '', 'x')", 'TYPE_MISMATCH', /replace\(\) takes the text to search for as a non-empty text literal/],
  ["starts_with(n, 'a')", 'TYPE_MISMATCH', /starts_with\(\) compares text, but n is an integer\. CAST\(x AS string\) first/],
  ["contains(name)", 'ARGUMENT_COUNT', /contains\(\) takes 2 arguments, got 1/],
  // Timestamp functions read timestamps, and date_trunc's unit is text written in the expression.
  ['hour(name)', 'TYPE_MISMATCH', /hour\(\) reads a timestamp, but name is a string\. Use it on a z\.date\(\) or z\.coerce\.date\(\) column/],
  ['day_of_week(n)', 'TYPE_MISMATCH', /day_of_week\(\) reads a timestamp, but n is an integer/],
  ["date_trunc(name, ts)", 'TYPE_MISMATCH', /date_trunc\(\) takes the unit first, as text: one of 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'; got name/],
  ["date_trunc('fortnite', ts)", 'TYPE_MISMATCH', /date_trunc\(\) has no unit 'fortnite'\. Units: day, hour/],
  ["date_trunc('dya', ts)", 'TYPE_MISMATCH', /Did you mean "day"\?/],
  ["date_trunc('day', n)", 'TYPE_MISMATCH', /date_trunc\(\) truncates a timestamp, but n is an integer/],
  ['date_trunc(ts)', 'ARGUMENT_COUNT', /date_trunc\(\) takes 2 arguments, got 1/],
  ["date_trunc('day', ts) > 5", 'TYPE_MISMATCH', /Cannot compare .* \(timestamp\) with 5/],
  ['ts > 5', 'TYPE_MISMATCH', /Cannot compare ts \(timestamp\) with 5/],
  // The dialects disagree on these literals (DuckDB counts a negative length backwards, Spark
  // and Trino return ''; start 0 is '', one character fewer, or 1), so they are refused.
  ['substr(name, 2, -1)', 'TYPE_MISMATCH', /substr\(\) takes a length of at least 1, got -1/],
  ['substr(name, 2, 0)', 'TYPE_MISMATCH', /length of at least 1, got 0/],
  ['substr(name, 0, 2)', 'TYPE_MISMATCH', /substr\(\) positions start at 1/],
  ['substr(name, 0)', 'TYPE_MISMATCH', /positions start at 1/],
];

describe('parseExpression: rejections', () => {
  for (const [text, code, message] of REJECTED) {
    it(`rejects ${JSON.stringify(text)} with ${code}`, () => {
      const result = safeParseExpression(text, COLUMNS, PATH);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error).toBeInstanceOf(ExpressionError);
      expect(result.error).toBeInstanceOf(PlanError);
      expect(result.error.code).toBe(code);
      expect(result.error.path).toBe(PATH);
      expect(result.error.message).toMatch(message);
      expect(result.error.message).toMatch(/\n {2}.*\n {2} *\^+ \(at character \d+\)/);
    });
  }

  it('puts the caret under the offending text', () => {
    const result = safeParseExpression('n + amout * 2', COLUMNS, PATH);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.message).toContain('  n + amout * 2\n      ^^^^^ (at character 5)');
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const text = `${'('.repeat(500)}1${')'.repeat(500)}`;
    expect(() => parseExpression(text, COLUMNS, PATH)).toThrow(/nests deeper than/);
  });

  it('checks grammar alone before the columns are known', () => {
    expect(() => checkExpressionSyntax("event_type = 'click'", 'where')).not.toThrow();
    expect(() => checkExpressionSyntax('1; DROP TABLE x', 'where')).toThrow(ExpressionError);
  });
});
