/**
 * The Lambda's JS evaluator against DuckDB on random well-typed expressions: where the fixed
 * lists of evaluate-expression.test.ts check each rule once, this composes them (a CASE of a
 * split_part of a replace inside a comparison…) over rows with NULLs, NaN, negatives,
 * non-ASCII text and instants before 1970. The local engine runs derive() on DuckDB and the
 * Lambda runs it in JS: a difference is a row whose features depend on where it ran.
 *
 * `FUZZ_RUNS=3000 npx vitest run test/unit/runtime/evaluate-expression-fuzz.test.ts` searches
 * longer (300 expressions of each type by default). It found the first difference it was run on:
 * `substr(s, -3, 1)` of a one-character text ('a' on DuckDB for a column, '' in JS).
 *
 * Left out on purpose, as the evaluator's file comment documents them: BIGINT overflow (DuckDB
 * raises; those rows are skipped when DuckDB raises), casts of doubles to text.
 */
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';
import { compileExpression, inferType } from '../../../sdk/src/runtime/evaluate-expression.js';

const COLUMNS = new Map<string, ScalarType>([['a', 'integer'], ['b', 'integer'], ['x', 'number'], ['s', 'string'], ['t', 'string'], ['f', 'boolean'], ['ts', 'timestamp']]);

const ROWS: Record<string, unknown>[] = [
  { a: 7, b: 2, x: 2.5, s: 'Hello, World', t: 'straße-é', f: true, ts: '2024-01-07T15:30:45.123Z' },
  { a: -7, b: 3, x: -0.5, s: '  pad  ', t: 'a@b.example', f: false, ts: '1969-12-31T23:59:59.999Z' },
  { a: 0, b: 0, x: 0, s: '', t: '12.5', f: null, ts: '2024-02-29T00:00:00.000Z' },
  { a: null, b: -4, x: null, s: null, t: 'x,y,,z', f: true, ts: null },
  { a: 12, b: null, x: 1e6, s: 'ÀÉÎ👍ß', t: null, f: false, ts: '1901-06-15T06:07:08.009Z' },
  { a: 1, b: 1, x: Number.NaN, s: 'a,b', t: ' 42 ', f: null, ts: '2099-12-31T23:59:59.999Z' },
];

// ---- a generator of well-typed expression text ----

type Gen = fc.Arbitrary<string>;
const pick = <T,>(...xs: T[]) => fc.constantFrom(...xs);
const textLiteral = pick("'a'", "'é'", "','", "' '", "'l'", "'@'", "''", "'Hello'", "'ß'");
const nonEmptyTextLiteral = pick("'a'", "'é'", "','", "' '", "'l'", "'@'", "'Hello'", "'ß'", "'xy'");

const { num, str, bool, time } = fc.letrec<{ num: string; str: string; bool: string; time: string }>((tie) => {
  const n = tie('num') as Gen;
  const s = tie('str') as Gen;
  const b = tie('bool') as Gen;
  const t = tie('time') as Gen;
  return {
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      pick('a', 'b', 'x', '0', '1', '3', '-2', '2.5', '0.1', '1e3'),
      fc.tuple(n, pick('+', '-', '*', '/', '%'), n).map(([l, op, r]) => `(${l} ${op} ${r})`),
      n.map((v) => `-(${v})`),
      fc.tuple(pick('abs', 'round', 'floor', 'ceil', 'sqrt', 'ln'), n).map(([f, v]) => `${f}(${v})`),
      fc.tuple(n, pick('0', '1', '2', '-1')).map(([v, d]) => `round(${v}, ${d})`),
      fc.tuple(pick('greatest', 'least', 'coalesce', 'nullif'), n, n).map(([f, l, r]) => `${f}(${l}, ${r})`),
      s.map((v) => `length(${v})`),
      s.map((v) => `CAST(${v} AS double)`),
      n.map((v) => `CAST(${v} AS bigint)`),
      t.map((v) => `${['year', 'month', 'day', 'hour', 'minute', 'second', 'day_of_week', 'day_of_year'][v.length % 8]}(${v})`),
      fc.tuple(b, n, n).map(([c, l, r]) => `CASE WHEN ${c} THEN ${l} ELSE ${r} END`),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(pick('s', 't'), textLiteral),
      fc.tuple(pick('lower', 'upper', 'trim'), s).map(([f, v]) => `${f}(${v})`),
      fc.tuple(s, pick('1', '2', '-3'), pick('', ', 1', ', 4')).map(([v, start, len]) => `substr(${v}, ${start}${len})`),
      fc.tuple(s, s).map(([l, r]) => `(${l} || ${r})`),
      fc.tuple(s, nonEmptyTextLiteral, s).map(([v, search, by]) => `replace(${v}, ${search}, ${by})`),
      fc.tuple(s, nonEmptyTextLiteral, pick('1', '2', '3')).map(([v, d, i]) => `split_part(${v}, ${d}, ${i})`),
      fc.tuple(pick('coalesce', 'nullif'), s, s).map(([f, l, r]) => `${f}(${l}, ${r})`),
      pick('a', 'b').map((c) => `CAST(${c} AS string)`),
      fc.tuple(b, s, s).map(([c, l, r]) => `CASE WHEN ${c} THEN ${l} ELSE ${r} END`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      pick('f', 'true', 'false'),
      fc.tuple(n, pick('=', '<>', '<', '<=', '>', '>='), n).map(([l, op, r]) => `(${l} ${op} ${r})`),
      fc.tuple(s, pick('=', '<', '>='), s).map(([l, op, r]) => `(${l} ${op} ${r})`),
      fc.tuple(t, pick('=', '<', '>='), t).map(([l, op, r]) => `(${l} ${op} ${r})`),
      fc.tuple(b, pick('AND', 'OR'), b).map(([l, op, r]) => `(${l} ${op} ${r})`),
      b.map((v) => `(NOT ${v})`),
      fc.tuple(n, pick('IS NULL', 'IS NOT NULL')).map(([v, op]) => `(${v} ${op})`),
      fc.tuple(n, pick('IN', 'NOT IN'), n, n).map(([v, op, l, r]) => `(${v} ${op} (${l}, ${r}, 2))`),
      fc.tuple(n, n, n).map(([v, l, h]) => `(${v} BETWEEN ${l} AND ${h})`),
      fc.tuple(pick('starts_with', 'ends_with', 'contains'), s, s).map(([f, l, r]) => `${f}(${l}, ${r})`),
      fc.tuple(s, pick('LIKE', 'NOT LIKE'), pick("'%'", "'H%'", "'%d'", "'%l%'", "'Hello'", "'a%b'", "'ß%'", "'%👍ß'", "''")).map(([v, op, p]) => `(${v} ${op} ${p})`),
      s.map((v) => `CAST(${v} AS boolean)`),
    ),
    time: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant('ts'),
      fc.tuple(pick('second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'), t).map(([u, v]) => `date_trunc('${u}', ${v})`),
      fc.tuple(pick('coalesce', 'greatest', 'least'), t, t).map(([f, l, r]) => `${f}(${l}, ${r})`),
    ),
  };
});

// ---- running both ----

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run('CREATE TABLE r (i INTEGER, a BIGINT, b BIGINT, x DOUBLE, s VARCHAR, t VARCHAR, f BOOLEAN, ts TIMESTAMP)');
  const lit = (v: unknown) =>
    v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : typeof v === 'number' && Number.isNaN(v) ? "'nan'::DOUBLE" : String(v);
  for (const [i, r] of ROWS.entries()) {
    const ts = r.ts === null ? 'NULL' : `TIMESTAMP '${String(r.ts).slice(0, 23).replace('T', ' ')}'`;
    await connection.run(`INSERT INTO r VALUES (${i}, ${lit(r.a)}, ${lit(r.b)}, ${lit(r.x)}, ${lit(r.s)}, ${lit(r.t)}, ${lit(r.f)}, ${ts})`);
  }
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** A value in a comparable form: numbers as numbers, instants as ISO text. */
function comparable(v: unknown): unknown {
  if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n)).toISOString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function same(js: unknown, duck: unknown): boolean {
  if (typeof js === 'number' && typeof duck === 'number') {
    if (Number.isNaN(js) || Number.isNaN(duck)) return Number.isNaN(js) && Number.isNaN(duck);
    if (!Number.isFinite(js) || !Number.isFinite(duck)) return js === duck;
    return Math.abs(js - duck) <= 1e-9 * Math.max(1, Math.abs(duck));
  }
  return Object.is(js, duck) || js === duck;
}

async function mismatches(text: string): Promise<string[]> {
  const parsed = parseExpression(text, COLUMNS, 'fuzz');
  let duck: unknown[];
  try {
    const reader = await connection.runAndReadAll(`SELECT (${printExpr(parsed.node as SqlExpr, 'duckdb')}) AS v FROM r ORDER BY i`);
    duck = reader.getRowObjects().map((row) => comparable(row.v));
  } catch {
    // Documented: DuckDB raises on BIGINT overflow (the local engine reports it per derive column).
    return [];
  }
  const f = compileExpression(parsed.node, Object.fromEntries(COLUMNS));
  const out: string[] = [];
  for (const [i, row] of ROWS.entries()) {
    const input = { ...row, ts: row.ts === null ? null : new Date(String(row.ts)) };
    let js: unknown;
    try {
      js = comparable(f(input));
    } catch (error) {
      out.push(`row ${i}: JS threw ${String(error)}, DuckDB gave ${JSON.stringify(duck[i])}`);
      continue;
    }
    if (!same(js, duck[i])) out.push(`row ${i}: JS ${JSON.stringify(js)}, DuckDB ${JSON.stringify(duck[i])}`);
  }
  return out;
}

describe('the Lambda evaluator agrees with DuckDB on random expressions', () => {
  it.each(['num', 'str', 'bool', 'time'] as const)('of type %s', async (kind) => {
    const arbitrary = { num, str, bool, time }[kind];
    await fc.assert(
      fc.asyncProperty(arbitrary, async (text) => {
        expect(await mismatches(text), text).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe('the Lambda evaluator types an expression as the type checker does', () => {
  // The evaluator re-infers types from the checked expression (integer % 0 is NULL, text of a
  // number depends on its type): where it disagreed with the checker (the first branch of a
  // CASE, the first argument of greatest()), the two would compute different things.
  it.each(['num', 'str', 'bool', 'time'] as const)('of type %s', (kind) => {
    const arbitrary = { num, str, bool, time }[kind];
    fc.assert(
      fc.property(arbitrary, (text) => {
        const parsed = parseExpression(text, COLUMNS, 'fuzz');
        expect(inferType(parsed.node, Object.fromEntries(COLUMNS)), text).toBe(parsed.type);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) * 10 },
    );
  });
});
