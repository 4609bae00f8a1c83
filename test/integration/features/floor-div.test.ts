/**
 * The duckdb printer's floor_div (the bucket of every event), run by DuckDB, against exact
 * BigInt floor division: negative instants, exact multiples and their neighbours included.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import { as, cast, fn, lit, select } from '../../../sdk/src/sql/sql-builders.js';

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b; // BigInt division truncates toward zero
  return a % b !== 0n && a < 0n ? q - 1n : q;
};

describe('floor_div in DuckDB', () => {
  let connection: DuckDBConnection;
  beforeAll(async () => {
    connection = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => connection.closeSync());

  const run = async (a: bigint, b: bigint): Promise<bigint> => {
    const sql = printSql(select([as(fn('floor_div', cast(lit(a), 'bigint'), cast(lit(b), 'bigint')), 'q')]), 'duckdb');
    return (await connection.runAndReadAll(sql)).getRows()[0]![0] as bigint;
  };

  it('floors toward negative infinity around multiples of the divisor', async () => {
    for (const b of [1n, 2n, 60_000n, 86_400_000n]) {
      for (const k of [-3n, -1n, 0n, 1n, 5n]) {
        for (const delta of [-1n, 0n, 1n]) {
          const a = k * b + delta;
          expect(await run(a, b)).toBe(floorDiv(a, b));
        }
      }
    }
  });

  it('agrees with exact division over the whole range of JS dates', async () => {
    const limit = 8_640_000_000_000_000n;
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -limit, max: limit }), fc.bigInt({ min: 1n, max: 10_000_000_000n }), async (a, b) => {
        expect(await run(a, b)).toBe(floorDiv(a, b));
      }),
      { numRuns: 200 },
    );
  });
});
