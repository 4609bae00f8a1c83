/**
 * Parquet DECIMAL columns (money as Spark, Athena and Redshift write it) in the fast path. zod
 * sees a decimal as the engine converts it for zod; the oracle is therefore the zod-only path
 * over the same table (an object-level overwrite sends every row there, see zod-only.ts), and both must keep the
 * same rows with the same values. Before, every row of a table with a DECIMAL column went to zod.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expectSameAsZodOnly, withConnection } from './raw-rows.js';

/** DECIMAL types and a decimal text each can hold (digits before and after the point). */
const TYPES = [[4, 1], [10, 2], [18, 0], [18, 6], [38, 0], [38, 10]] as const;
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimalFor = ([precision, scale]: readonly [number, number]) =>
  fc.tuple(fc.constantFrom('', '', '', '-'), fc.oneof({ weight: 3, arbitrary: digits(1, Math.min(3, precision - scale || 1)) }, { weight: 1, arbitrary: digits(1, precision - scale || 1) }), fc.oneof({ weight: 1, arbitrary: digits(0, scale) }, { weight: 3, arbitrary: fc.constant('') }))
    .map(([sign, whole, fraction]) => `${sign}${precision === scale ? '0' : whole}${fraction ? `.${fraction}` : ''}`);

async function loadDecimals(c: DuckDBConnection, values: readonly (readonly string[])[]): Promise<void> {
  const columns = TYPES.map(([p, s], i) => `d${i} DECIMAL(${p},${s})`).join(', ');
  await c.run(`CREATE OR REPLACE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, ${columns})`);
  const rows = values.map((row, i) => `(${i + 1}, 'd.parquet', ${i + 1}, ${row.map((v, j) => `CAST('${v}' AS DECIMAL(${TYPES[j]![0]},${TYPES[j]![1]}))`).join(', ')})`);
  await c.run(`INSERT INTO raw_rows VALUES ${rows.join(', ')}`);
}

const field = (n: z.ZodNumber) => Object.fromEntries(TYPES.map((_, i) => [`d${i}`, n]));
const schemas = {
  'z.number()': z.object(field(z.number())),
  'z.number().int()': z.object(field(z.number().int())),
  'z.number().nonnegative().lt(1000)': z.object(field(z.number().nonnegative().lt(1000))),
};

describe('DECIMAL columns in the fast path', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: the rows and values of the zod-only path, without asking zod about valid rows`, async () => {
      const rows = fc.array(fc.tuple(...TYPES.map(decimalFor)), { minLength: 60, maxLength: 60 });
      let validRows = 0;
      await fc.assert(fc.asyncProperty(rows, async (values) => {
        await withConnection(async (c) => {
          validRows += await expectSameAsZodOnly(c, () => loadDecimals(c, values), schema);
        });
      }), { numRuns: 5, endOnFailure: true });
      expect(validRows).toBeGreaterThan(0);
    }, 120_000);
  }
});
