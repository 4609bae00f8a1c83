/**
 * Numbers under `z.coerce.date()` — epoch milliseconds from a JSON service, an INT64 or DOUBLE
 * column — in the fast path, and the note on numbers that look like seconds or microseconds.
 * The oracle is zod on every value (in UTC, as sluice runs it): the stage keeps exactly zod's
 * rows with zod's instants; SQL takes every whole number of plausible milliseconds; the numbers
 * that look like seconds or microseconds go to zod, and the notes count them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';
import { zodInUtc } from '../../helpers/zod-in-utc.js';

/** Whole numbers in every range a date number comes in, and their neighbours at each boundary. */
const edges = [0, 1, 99_999_999, 1e8, 1e10 - 1, 1e10, 1e14 - 1, 1e14, 8.64e15, 8.64e15 + 1, 2 ** 53, 1e20];
const whole = fc.oneof(
  fc.constantFrom(...edges.flatMap((e) => [e, -e])),
  fc.integer({ min: -99_999_999, max: 99_999_999 }),
  fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }), // seconds: 2001–2033
  fc.integer({ min: 1e12, max: 2e12 }), // milliseconds: 2001–2033
  fc.integer({ min: 1e15, max: 2e15 }), // microseconds
);
const value = fc.oneof(
  { weight: 6, arbitrary: whole },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constantFrom(-0, 1.5, 1e12 + 0.5, 1e300, -1e300)) },
  { weight: 1, arbitrary: fc.constantFrom('2024-03-01T10:00:00Z', '1700000000', 'x', null, true, false) },
);

const plausibleMs = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && (Math.abs(v) < 1e8 || (Math.abs(v) >= 1e10 && Math.abs(v) < 1e14));
const secondsLike = (v: unknown): boolean => typeof v === 'number' && Math.abs(v) >= 1e8 && Math.abs(v) < 1e10;

const schemas = {
  'z.coerce.date()': z.coerce.date(),
  'z.coerce.date().min(2001-01-01)': z.coerce.date().min(new Date('2001-01-01T00:00:00Z')),
  'z.coerce.date().nullable()': z.coerce.date().nullable(),
};

async function validTimes(c: DuckDBConnection): Promise<{ line: number; t: number | null }[]> {
  return (await tableRows(c, 'valid_rows')).map((r) => ({ line: Number(r._line), t: r.t === null ? null : (r.t as Date).getTime() }));
}

function oracle(Row: z.ZodObject, inputs: readonly unknown[]) {
  const parsed = inputs.map((input) => zodInUtc(() => Row.safeParse(input)));
  return {
    parsed,
    valid: parsed.flatMap((out, i) => (out.success ? [{ line: i + 1, t: (out.data as { t: Date | null }).t?.getTime() ?? null }] : [])),
  };
}

describe('numbers under z.coerce.date() in the fast path', () => {
  for (const [name, field] of Object.entries(schemas)) {
    it(`${name}, JSON rows: zod's rows and instants; SQL reads plausible milliseconds, zod the rest`, async () => {
      const Row = z.object({ t: field });
      await fc.assert(fc.asyncProperty(fc.array(value, { minLength: 120, maxLength: 120 }), async (values) => {
        const lines = values.map((t, i) => ({ object: 't.jsonl', line: i + 1, raw: JSON.stringify({ t }) }));
        await withConnection(async (c) => {
          await createJsonRawRows(c, lines);
          const result = await runValidationStage(c, { schema: Row, representation: 'json', canonicalJson: true, profile: false });
          const { parsed, valid } = oracle(Row, lines.map((l) => JSON.parse(l.raw)));
          expect(await validTimes(c)).toEqual(valid);
          const sqlCould = values.filter((v, i) => plausibleMs(v) && parsed[i]!.success).length;
          expect(result.fastPath.sqlRows).toBeGreaterThanOrEqual(sqlCould);
          const seconds = values.filter((v, i) => secondsLike(v) && parsed[i]!.success).length;
          const note = result.coercionNotes.find((n) => n.includes('look like seconds'));
          expect(note === undefined ? 0 : Number(/read ([\d,]+) number/.exec(note)![1]!.replace(/,/g, ''))).toBe(seconds);
        });
      }), { numRuns: 5, endOnFailure: true });
    }, 120_000);
  }

  for (const type of ['BIGINT', 'INTEGER', 'DOUBLE']) {
    it(`a Parquet ${type} column: zod's rows and instants, plausible milliseconds in SQL`, async () => {
      const Row = z.object({ t: z.coerce.date() });
      const fits = (v: number) => type !== 'INTEGER' || Math.abs(v) < 2 ** 31;
      const numbers = fc.sample(type === 'DOUBLE' ? fc.oneof(whole, fc.double({ noNaN: true, noDefaultInfinity: true })) : whole, 400).filter((v) => fits(v) && Math.abs(v) <= 2 ** 53);
      await withConnection(async (c) => {
        await c.run(`CREATE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, t ${type})`);
        const appender = await c.createAppender('raw_rows');
        numbers.forEach((v, i) => {
          appender.appendBigInt(BigInt(i + 1));
          appender.appendVarchar('t.parquet');
          appender.appendBigInt(BigInt(i + 1));
          if (type === 'DOUBLE') appender.appendDouble(v);
          else if (type === 'INTEGER') appender.appendInteger(v);
          else appender.appendBigInt(BigInt(v));
          appender.endRow();
        });
        appender.flushSync();
        appender.closeSync();
        const result = await runValidationStage(c, { schema: Row, representation: 'typed', profile: false });
        const { parsed, valid } = oracle(Row, numbers.map((t) => ({ t })));
        expect(await validTimes(c)).toEqual(valid);
        expect(result.fastPath.sqlRows).toBe(numbers.filter((v, i) => plausibleMs(v) && parsed[i]!.success).length);
        expect(result.coercionNotes.some((n) => n.startsWith('t: z.coerce.date() (new Date(x)) read') && n.includes('look like seconds'))).toBe(numbers.some(secondsLike));
      });
    });
  }
});
