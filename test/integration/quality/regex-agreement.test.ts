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

  it("zod's ISO date-time and time formats: the validation stage accepts what zod accepts, without asking zod", async () => {
    const formats = [z.iso.datetime(), z.iso.datetime({ offset: true }), z.iso.datetime({ local: true }), z.iso.datetime({ precision: 3 }), z.iso.datetime({ precision: 0 }), z.iso.time(), z.iso.date()];
    // Near misses of every part: impossible dates (Feb 29 of 1900 and 2023), hour 24, second 60,
    // fraction digits, zones, separators.
    const parts = [
      ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2024-04-31', '2024-12-31', '0001-01-01', '24-01-01', ''],
      ['T', ' ', 't', ''],
      ['10:00', '10:00:00', '23:59:59', '24:00:00', '10:00:60', '1:00:00', ''],
      ['', '.5', '.123', '.1234567', '.'],
      ['', 'Z', 'z', '+02:00', '-05:30', '+0200', '+24:00', ' Z'],
    ];
    // Every combination (10,080 strings), so each format sees its accepted forms and every near miss.
    const candidates = parts.reduce<string[]>((texts, options) => texts.flatMap((t) => options.map((o) => t + o)), ['']);
    const lines = candidates.map((s, i) => ({ object: 'iso.jsonl', line: i + 1, raw: JSON.stringify({ s }) }));
    await withConnection(async (c) => {
      for (const format of formats) {
        const Row = z.object({ s: format });
        await createJsonRawRows(c, lines);
        const result = await runValidationStage(c, { schema: Row, representation: 'json', profile: false });
        const valid = (await tableRows(c, 'valid_rows')).map((r) => r.s);
        const expected = lines.map((l) => JSON.parse(l.raw) as { s: string }).filter((v) => Row.safeParse(v).success).map((v) => v.s);
        expect(expected.length, String(format._zod.def.pattern)).toBeGreaterThan(3);
        expect(valid, String(format._zod.def.pattern)).toEqual(expected);
        // Only the rows zod rejects went to zod for their messages.
        expect(result.fastPath.zodRows, String(format._zod.def.pattern)).toBe(lines.length - expected.length);
      }
    });
  });
});
