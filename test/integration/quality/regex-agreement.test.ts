/**
 * For every pattern the translator accepts, DuckDB's RE2 and JavaScript agree on random
 * strings (strings with astral characters excepted where the pattern can see them — the
 * compiler leaves those to zod).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canMatchNonAscii, jsRegexToRe2 } from '../../../sdk/src/quality/regex-to-re2.js';
import { withConnection } from './raw-rows.js';

const patterns = [
  /^[A-Z]{2}-\d{3}$/, /^.{2}$/, /^a.c/, /b$/, /^[^@]+@[^@]+$/, /^\w+\b/, /^(?:ab|a)+$/, /^[\u00e0-\u00ff]+$/,
  /\d{2,4}?x/, /^[a-z]*\.[a-z]{2,}$/, /^(a|b|)c$/, /\W/, /^\D+$/, /[\]\-]/,
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/,
];

const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'Z', '-', '1', '2', '@', '.', '\n', '\r', '\u2028', ' ', 'é', 'ÿ', '😀', '_', ']', 'x'), maxLength: 10 }),
);

describe('regex agreement between JS and RE2', () => {
  it('agrees on random strings', async () => {
    await withConnection(async (c) => {
      for (const re of patterns) {
        const re2 = jsRegexToRe2(re);
        expect(re2, String(re)).toBeDefined();
        const samples = fc.sample(text, 300).filter((s) => !(canMatchNonAscii(re2!) && /[\uD800-\uDFFF]/.test(s)));
        const values = samples.map((_, i) => `($${i + 1})`).join(', ');
        const rows = (await c.runAndReadAll(`SELECT regexp_matches(s, '${re2!.replaceAll("'", "''")}') AS m FROM (VALUES ${values}) t(s)`, samples)).getRowObjectsJS();
        samples.forEach((s, i) => expect(rows[i]!.m, `${re} on ${JSON.stringify(s)}`).toBe(re.test(s)));
      }
    });
  });
});
