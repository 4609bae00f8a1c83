/**
 * Parquet instants of every precision in the fast path: nanoseconds (pandas writes them by
 * default), microseconds with sub-millisecond digits (Python's datetime, Spark), milliseconds,
 * seconds, zoned instants and dates. zod sees each floored to the millisecond; the oracle is
 * the zod-only path over the same table (an object-level overwrite sends every row there, see zod-only.ts), and
 * both must keep the same rows with the same values. Instants just before 1970 and just
 * before a millisecond boundary are where flooring and truncating differ.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expectSameAsZodOnly, withConnection } from './raw-rows.js';

const COLUMNS = { ns: 'TIMESTAMP_NS', us: 'TIMESTAMP', ms: 'TIMESTAMP_MS', s: 'TIMESTAMP_S', tz: 'TIMESTAMPTZ', d: 'DATE' } as const;

/** Nanoseconds since the epoch: around 1970 (both signs, sub-millisecond digits) and across 1677–2262. */
const nanos = fc.oneof(
  fc.bigInt({ min: -5_000_000n, max: 5_000_000n }),
  fc.bigInt({ min: -9_000_000_000_000_000_000n, max: 9_000_000_000_000_000_000n }),
  fc.constantFrom(-1n, -999_999n, -1_000_000n, -1_000_001n, 999_999n, 1_000_000n),
);

async function load(c: DuckDBConnection, values: readonly bigint[]): Promise<void> {
  const columns = Object.entries(COLUMNS).map(([name, type]) => `${name} ${type}`).join(', ');
  await c.run(`CREATE OR REPLACE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, ${columns})`);
  // Each column gets the same instant at its own precision (DuckDB's casts from nanoseconds).
  const rows = values.map((n, i) => {
    const ns = `make_timestamp_ns(${n})`;
    const us = `CAST(${ns} AS TIMESTAMP)`;
    return `(${i + 1}, 't.parquet', ${i + 1}, ${ns}, ${us}, CAST(${us} AS TIMESTAMP_MS), CAST(${us} AS TIMESTAMP_S), CAST(${us} AS TIMESTAMPTZ), CAST(${us} AS DATE))`;
  });
  await c.run(`INSERT INTO raw_rows VALUES ${rows.join(', ')}`);
}

const schemas = {
  'z.date()': z.object(Object.fromEntries(Object.keys(COLUMNS).map((k) => [k, z.date()]))),
  'z.coerce.date().min(1970)': z.object(Object.fromEntries(Object.keys(COLUMNS).map((k) => [k, z.coerce.date().min(new Date(0))]))),
};

describe('instants of every Parquet precision in the fast path', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: the rows and values of the zod-only path, without asking zod about valid rows`, async () => {
      let validRows = 0;
      await fc.assert(fc.asyncProperty(fc.array(nanos, { minLength: 80, maxLength: 80 }), async (values) => {
        await withConnection(async (c) => {
          validRows += await expectSameAsZodOnly(c, () => load(c, values), schema);
        });
      }), { numRuns: 6, endOnFailure: true });
      expect(validRows).toBeGreaterThan(100);
    }, 120_000);
  }
});
