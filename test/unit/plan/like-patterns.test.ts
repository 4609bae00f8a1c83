/**
 * `s LIKE 'pattern'` is read as portable functions (starts_with, ends_with, contains, =,
 * length): the oracle here is DuckDB's own LIKE over the same texts and patterns, against the
 * rewritten expression run by DuckDB and by the Lambda's JS evaluator. Patterns the rewrite
 * cannot say exactly are refused with the fix.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';
import { compileExpression } from '../../../sdk/src/runtime/evaluate-expression.js';

const COLUMNS = new Map<string, ScalarType>([['s', 'string'], ['n', 'integer']]);
const TEXTS = ['', 'a', 'b', 'ab', 'abb', 'aab', 'ba', 'abab', 'a%b', '/product/12', '/product/', 'x.pdf', '.pdf', 'ß', 'aß', 'ßa', '👍', 'a👍b', 'a\nb', 'A', null];
const PATTERNS = ['%', '%%', '', 'a', 'a%', '%a', '%a%', 'a%b', 'ab%b', 'a%%b', '%b%', '/product/%', '%.pdf', '👍%', '%ß', 'a👍%👍b', '%\n%', 'A%'];

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run('CREATE TABLE r (i INTEGER, s VARCHAR)');
  for (const [i, text] of TEXTS.entries()) await connection.run(`INSERT INTO r VALUES (${i}, ${text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`})`);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

describe('LIKE', () => {
  it.each(PATTERNS.flatMap((p) => [[p, 'LIKE'], [p, 'NOT LIKE']]))('%j %s: DuckDB\'s LIKE, the rewrite in DuckDB and in JS agree on every text', async (pattern, op) => {
    const native = (await connection.runAndReadAll(`SELECT (s ${op} ${literal(pattern)}) AS v FROM r ORDER BY i`)).getRowObjects().map((r) => r.v);
    const parsed = parseExpression(`s ${op} ${literal(pattern)}`, COLUMNS, 'like');
    expect(parsed.type).toBe('boolean');
    const rewritten = (await connection.runAndReadAll(`SELECT (${printExpr(parsed.node as SqlExpr, 'duckdb')}) AS v FROM r ORDER BY i`)).getRowObjects().map((r) => r.v);
    const f = compileExpression(parsed.node, Object.fromEntries(COLUMNS));
    const js = TEXTS.map((s) => f({ s, n: 1 }));
    expect(rewritten).toEqual(native);
    expect(js).toEqual(native);
  });

  it('matches what it should (a spot check of the oracle itself)', async () => {
    const rows = (await connection.runAndReadAll(`SELECT s FROM r WHERE s LIKE '/product/%' ORDER BY i`)).getRowObjects().map((r) => r.s);
    expect(rows).toEqual(['/product/12', '/product/']);
  });

  it.each([
    ["s LIKE 'a_b'", /patterns with _ or \\ are not supported/],
    ["s LIKE 'a\\%'", /patterns with _ or \\ are not supported/],
    ["s LIKE 'a%b%c'", /% at the start and\/or the end of the pattern only/],
    ["s LIKE '%a%b'", /% at the start and\/or the end of the pattern only/],
    ['s LIKE s', /pattern as a text literal/],
    ["n LIKE '1%'", /LIKE matches text, but n is an integer/],
    ["s NOT LIKE 'a_'", /NOT LIKE patterns with _/],
    ["s LIKE 'a' ESCAPE '!'", /ESCAPE is not supported/],
  ])('refuses %s, naming the fix', (text, message) => {
    expect(() => parseExpression(text, COLUMNS, 'like')).toThrow(message);
  });
});
