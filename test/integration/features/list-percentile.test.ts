/**
 * list_percentile, the last step of percentile() and median(), run by DuckDB in both of its
 * printed forms — DuckDB's own (`quantile_disc`, what the local engine runs) and the sort-and-
 * index form Spark and Trino get (printed here in DuckDB's spelling) — against nearest rank
 * computed in exact integer arithmetic: rank max(ceil(n·p), 1) of the ascending values.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbPrinter } from '../../../sdk/src/sql/duckdb-printer.js';
import { SqlPrinter } from '../../../sdk/src/sql/sql-printer.js';
import { as, cast, fn, lit, select } from '../../../sdk/src/sql/sql-builders.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';

/** DuckDB's spelling of everything but list_percentile, which takes the Spark and Trino form. */
class SortingDuckDbPrinter extends DuckDbPrinter {
  protected override listPercentile(list: SqlExpr, fraction: SqlExpr): string {
    return SqlPrinter.prototype['listPercentile'].call(this, list, fraction);
  }
}

/** `micros` millionths: p = micros / 1e6 has at most six decimals, as the plan allows. */
function nearestRank(values: readonly number[], micros: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (BigInt(values.length) * BigInt(micros) + 999_999n) / 1_000_000n; // ceil, exactly
  return withoutZeroSign(sorted[Number(rank < 1n ? 1n : rank) - 1]!);
}

/**
 * -0 and 0 are one double value here: a literal's text drops the sign of a zero, and dialects
 * differ on whether -0 sorts before 0. Which one a rank lands on is not what this test is about.
 */
const withoutZeroSign = (value: number): number => (value === 0 ? 0 : value);

describe('list_percentile in DuckDB', () => {
  let connection: DuckDBConnection;
  beforeAll(async () => {
    connection = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => connection.closeSync());

  const both = async (values: readonly number[], micros: number): Promise<[number | null, number | null]> => {
    const list = values.length === 0 ? fn('empty_double_list') : fn('list_value', ...values.map((v) => cast(lit(v), 'double')));
    const query = select([as(fn('list_percentile', list, lit(micros / 1e6)), 'q')]);
    const read = async (printer: SqlPrinter): Promise<number | null> => {
      const value = (await connection.runAndReadAll(printer.print(query))).getRows()[0]![0];
      return value === null ? null : withoutZeroSign(Number(value));
    };
    return [await read(new DuckDbPrinter()), await read(new SortingDuckDbPrinter())];
  };

  it('takes the value at rank ceil(n·p) where p·n is whole, and where doubles put it a hair above', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1: unsorted on purpose
    // 0.07 × 100 is 7.000000000000001 in doubles; rounding it up would give rank 8.
    expect(await both(hundred, 70_000)).toEqual([7, 7]);
    expect(await both(hundred, 290_000)).toEqual([29, 29]);
    expect(await both([40, 10, 30, 20], 500_000)).toEqual([20, 20]); // the median of four is the second
    expect(await both([40, 10, 30, 20], 0)).toEqual([10, 10]); // p = 0 is the minimum, not rank 0
    expect(await both([40, 10, 30, 20], 1_000_000)).toEqual([40, 40]);
    expect(await both([], 900_000)).toEqual([null, null]);
  });

  it('agrees with exact nearest rank over random lists and fractions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(0, -0), fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e9, max: 1e9, noNaN: true })), { maxLength: 300 }),
        fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0, 10_000, 70_000, 250_000, 500_000, 900_000, 990_000, 1_000_000)),
        async (values, micros) => {
          const want = nearestRank(values, micros);
          expect(await both(values, micros)).toEqual([want, want]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
