/**
 * `z.coerce.number()` over text — a JSON string ("12.50", as some APIs send numbers) or a
 * Parquet string column — in the fast path: the stage keeps exactly zod's valid rows with
 * zod's values (to the bit: DuckDB's cast and `Number()` both round correctly), and asks zod
 * about no plain decimal text. The oracle is zod on every value; the text is random decimal
 * notation (up to 25 digits, exponents to ±330, so subnormals, overflow to Infinity and values
 * past 2^53) and the text `Number()` reads otherwise: blank (0), padded, hexadecimal, words.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimalText = fc.tuple(fc.constantFrom('', '-', '+'), digits(0, 20), fc.option(digits(0, 20)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.integer({ min: 0, max: 330 }))))
  .map(([sign, whole, fraction, exponent]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `${exponent[0]}${exponent[1]}${exponent[2]}`}`);
const otherText = fc.constantFrom('', ' ', ' 5', '5 ', '\t7\n', '0x10', '0b11', '1_000', 'Infinity', '-Infinity', 'NaN', '1e400', '-0', '.', 'e5', '1e', '١٢', '５', '12abc', 'null', 'true');
const value = fc.oneof(
  { weight: 6, arbitrary: decimalText },
  { weight: 2, arbitrary: otherText },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(null, true, false, -0)) },
);

const schemas = {
  'z.coerce.number()': z.coerce.number(),
  'z.coerce.number().int()': z.coerce.number().int(),
  'z.coerce.number().nonnegative().lt(1e6)': z.coerce.number().nonnegative().lt(1e6),
  'z.coerce.number().nullable()': z.coerce.number().nullable(),
};

const isDecimalText = (v: unknown) => typeof v === 'string' && /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(v);

describe('z.coerce.number() over text in the fast path', () => {
  for (const [name, field] of Object.entries(schemas)) {
    it(`${name}, JSON rows: zod's rows and values; decimal text never needs zod`, async () => {
      const Row = z.object({ n: field });
      await fc.assert(fc.asyncProperty(fc.array(value, { minLength: 150, maxLength: 150 }), async (values) => {
        const lines = values.map((n, i) => ({ object: 'n.jsonl', line: i + 1, raw: JSON.stringify({ n }) }));
        await withConnection(async (c) => {
          await createJsonRawRows(c, lines);
          const result = await runValidationStage(c, { schema: Row, representation: 'json', canonicalJson: true, profile: false });
          const valid = (await tableRows(c, 'valid_rows')).map((r) => ({ line: Number(r._line), n: r.n === null ? null : Number(r.n) }));
          const parsed = lines.map((l) => Row.safeParse(JSON.parse(l.raw)));
          // An integer column holds 0 for zod's -0 ("-0", "-1e-400"), on either path.
          const stored = (n: number | null) => (n === 0 && name.includes('int') ? 0 : n);
          expect(valid).toEqual(parsed.flatMap((out, i) => (out.success ? [{ line: i + 1, n: stored(out.data.n) }] : [])));
          const decimalAccepted = values.filter((v, i) => isDecimalText(v) && parsed[i]!.success).length;
          expect(lines.length - result.fastPath.zodRows).toBeGreaterThanOrEqual(decimalAccepted);
        });
      }), { numRuns: 6, endOnFailure: true });
    }, 120_000);
  }

  it('a Parquet string column: the same, as typed rows', async () => {
    const Row = z.object({ n: z.coerce.number() });
    const texts = fc.sample(fc.oneof({ weight: 4, arbitrary: decimalText }, { weight: 1, arbitrary: otherText }), 400);
    await withConnection(async (c) => {
      await c.run('CREATE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, n VARCHAR)');
      const appender = await c.createAppender('raw_rows');
      texts.forEach((text, i) => {
        appender.appendBigInt(BigInt(i + 1));
        appender.appendVarchar('n.parquet');
        appender.appendBigInt(BigInt(i + 1));
        appender.appendVarchar(text);
        appender.endRow();
      });
      appender.closeSync();
      const result = await runValidationStage(c, { schema: Row, representation: 'typed', profile: false });
      const valid = (await tableRows(c, 'valid_rows')).map((r) => ({ line: Number(r._line), n: Number(r.n) }));
      const parsed = texts.map((n) => Row.safeParse({ n }));
      expect(valid).toEqual(parsed.flatMap((out, i) => (out.success ? [{ line: i + 1, n: out.data.n }] : [])));
      const decimalAccepted = texts.filter((v, i) => isDecimalText(v) && parsed[i]!.success).length;
      expect(decimalAccepted).toBeGreaterThan(100);
      expect(texts.length - result.fastPath.zodRows).toBe(decimalAccepted);
    });
  });
});
