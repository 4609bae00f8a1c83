/**
 * For every pattern the translator accepts, DuckDB's RE2 and JavaScript agree on random
 * strings (strings with astral characters excepted where the pattern can see them — the
 * compiler leaves those to zod).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { canMatchNonAscii, jsRegexToRe2 } from '../../../sdk/src/quality/regex-to-re2.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const patterns = [
  /^[A-Z]{2}-\d{3}$/, /^.{2}$/, /^a.c/, /b$/, /^[^@]+@[^@]+$/, /^\w+\b/, /^(?:ab|a)+$/, /^[\u00e0-\u00ff]+$/,
  /\d{2,4}?x/, /^[a-z]*\.[a-z]{2,}$/, /^(a|b|)c$/, /\W/, /^\D+$/, /[\]\-]/,
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/,
];

const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'Z', '-', '1', '2', '@', '.', '\n', '\r', '\u2028', ' ', 'é', 'ÿ', '😀', '_', ']', 'x'), maxLength: 10 }),
);

/** DuckDB's verdicts for `re2` on each sample (as a column: constant subjects are folded differently). */
async function duckMatches(c: DuckDBConnection, re2: string, samples: readonly string[]): Promise<unknown[]> {
  const values = samples.map((_, i) => `($${i + 1})`).join(', ');
  return (await c.runAndReadAll(`SELECT regexp_matches(s, '${re2.replaceAll("'", "''")}') AS m FROM (VALUES ${values}) t(s)`, [...samples])).getRowObjectsJS().map((r) => r.m);
}

/**
 * Anchors inside a pattern. Without the m flag JS's `^` matches only at the start and `$` only
 * at the end, so /a^b/ matches nothing; DuckDB's regexp_matches over a column answered true for
 * "ab" (its rewrite of literal-like patterns into a substring test drops inner anchors).
 */
const innerAnchors = [/a^b/, /a$b/, /$a/, /b^/, /x|a^b/, /^a^b/, /(?:a^)?b/, /^a|b$/, /(^a)/, /a$|^b/];

describe('regex agreement between JS and RE2', () => {
  it('agrees on random strings', async () => {
    await withConnection(async (c) => {
      for (const re of patterns) {
        const re2 = jsRegexToRe2(re);
        expect(re2, String(re)).toBeDefined();
        const samples = fc.sample(text, 300).filter((s) => !(canMatchNonAscii(re2!) && /[\uD800-\uDFFF]/.test(s)));
        const matches = await duckMatches(c, re2!, samples);
        samples.forEach((s, i) => expect(matches[i], `${re} on ${JSON.stringify(s)}`).toBe(re.test(s)));
      }
    });
  });

  it('a pattern with an anchor inside is refused, or agrees', async () => {
    const samples = ['ab', 'xab', 'a', 'b', 'ba', '', 'a\nb', 'ab\n', 'abc', 'x'];
    await withConnection(async (c) => {
      for (const re of innerAnchors) {
        const re2 = jsRegexToRe2(re);
        if (re2 === undefined) continue;
        const matches = await duckMatches(c, re2, samples);
        samples.forEach((s, i) => expect(matches[i], `${re} (RE2 ${re2}) on ${JSON.stringify(s)}`).toBe(re.test(s)));
      }
    });
  });

  it('a schema regex with an anchor inside: the validation stage accepts exactly what zod accepts', async () => {
    const lines = ['ab', 'xab', 'a', 'b', 'ba', 'abc'].map((s, i) => ({ object: 'r.jsonl', line: i + 1, raw: JSON.stringify({ s }) }));
    await withConnection(async (c) => {
      for (const re of innerAnchors) {
        const Row = z.object({ s: z.string().regex(re) });
        await createJsonRawRows(c, lines);
        await runValidationStage(c, { schema: Row, representation: 'json', profile: false });
        const valid = (await tableRows(c, 'valid_rows')).map((r) => r.s);
        const expected = lines.map((l) => JSON.parse(l.raw) as { s: string }).filter((v) => Row.safeParse(v).success).map((v) => v.s);
        expect(valid, String(re)).toEqual(expected);
      }
    });
  });
});
