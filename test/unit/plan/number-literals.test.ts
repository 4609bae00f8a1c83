/**
 * Number literals in printed SQL: every finite double DuckDB reads back as the very same double
 * (a plain decimal with 16 or 17 significant digits was read one bit off about once in 25), and
 * the Spark and Trino spellings parse under dt-sql-parser's grammars.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import { printerFor, printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';

const EDGES = [0.9, 0.07, -0.5, 1e-9, 1.1156856115732765e-6, 0.1 + 0.2, 2 ** 53, 2 ** 60, 1e21, 5e-324, -Number.MIN_VALUE, Number.MAX_VALUE, -0];

describe('number literals', () => {
  let connection: DuckDBConnection;
  beforeAll(async () => {
    connection = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => connection.closeSync());

  const readBack = async (values: readonly number[]): Promise<number[]> => {
    const duckdb = printerFor('duckdb');
    const reader = await connection.runAndReadAll(`SELECT ${values.map((v, i) => `${duckdb.numberLiteral(v)} AS v${i}`).join(', ')}`);
    return reader.getRows()[0]!.map(Number);
  };

  it('keeps short decimals readable', () => {
    expect(printerFor('duckdb').numberLiteral(0.9)).toBe('CAST(0.9 AS DOUBLE)');
    expect(printerFor('spark').numberLiteral(123.456)).toBe('CAST(123.456 AS DOUBLE)');
    expect(printerFor('trino').numberLiteral(42)).toBe('42');
  });

  it('reads back as the same double in DuckDB, at the edges and for random doubles of every magnitude', async () => {
    expect(await readBack(EDGES)).toEqual(EDGES.map((v) => (Object.is(v, -0) ? 0 : v)));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 200 }), async (values) => {
        expect(await readBack(values)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
      }),
      { numRuns: 100 },
    );
  });

  it('parses as Spark and Trino SQL', () => {
    const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() } as const;
    for (const dialect of ['spark', 'trino'] as const) {
      const sql = `SELECT ${EDGES.map((v, i) => `${printerFor(dialect).numberLiteral(v)} AS v${i}`).join(', ')} FROM t`;
      expect(parsers[dialect].validate(sql).map((e) => e.message), sql).toEqual([]);
    }
  });

  it('keeps a double written as a whole number (2.0, 1e3) a double in the SQL, as the type checker types it', async () => {
    const n = new Map([['n', 'integer' as const]]);
    for (const text of ['n * 2.0', 'n * 1e3']) {
      const parsed = parseExpression(text, n, 'test');
      expect(parsed.type).toBe('number');
      expect(printExpr(parsed.node as SqlExpr, 'duckdb')).toMatch(/\* CAST\((2|1000) AS DOUBLE\)\)$/);
      // BIGINT arithmetic would overflow here; the double does not.
      const sql = `SELECT typeof(v) AS t, v FROM (SELECT ${printExpr(parsed.node as SqlExpr, 'duckdb')} AS v FROM (SELECT CAST(4611686018427387904 AS BIGINT) AS n))`;
      const [row] = (await connection.runAndReadAll(sql)).getRowObjectsJS();
      expect(row!.t).toBe('DOUBLE');
    }
    expect(parseExpression('n * 2', n, 'test').type).toBe('integer');
    // Dividing by a literal that is not 0 needs no guard, however the literal is written.
    expect(printExpr(parseExpression('n / 2.0', n, 'test').node as SqlExpr, 'duckdb')).not.toMatch(/nullif/);
  });

  it('refuses what has no literal', () => {
    expect(() => printerFor('duckdb').numberLiteral(Number.NaN)).toThrow(/only finite numbers/);
  });
});
