/**
 * zod's value rewrites (`.trim()`, `.toLowerCase()`, `.toUpperCase()`) in the fast path: the
 * stage keeps exactly zod's valid rows with zod's output, and asks zod about no ASCII value
 * the rewrite leaves as it is. The oracle is zod itself on every string made of up to three
 * of the pieces below: JavaScript's white space and line terminators, characters that only look
 * like white space to some readers (U+0085, U+180E), letters of both cases inside and outside
 * ASCII, and an astral character.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const pieces = ['', ' ', '\t', '\n', '\r', '\u000b', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u0085', '\u180e', 'a', 'B', 'é', 'É', 'ß', 'İ', '😀', '-'];
const texts = [...new Set(pieces.flatMap((a) => pieces.flatMap((b) => pieces.map((c) => a + b + c))))];
/** ASCII that JSON.stringify writes without a `\u` escape (rows with one are zod's for other reasons). */
const plainAscii = (s: string) => /^[\x00-\x7f]*$/.test(s) && !JSON.stringify(s).includes('\\u');

const schemas = {
  trim: z.string().trim(),
  'trim, then at least 2': z.string().trim().min(2),
  'at least 2, then trim': z.string().min(2).trim(),
  toLowerCase: z.string().toLowerCase(),
  'toUpperCase, then a pattern': z.string().toUpperCase().regex(/^[A-Z]+$/),
  'trim and toLowerCase, at most 2': z.string().trim().toLowerCase().max(2),
  'optional trim': z.string().trim().optional(),
};

describe('value rewrites in the fast path', () => {
  for (const [name, field] of Object.entries(schemas)) {
    it(`${name}: zod's rows and values, and no unchanged plain ASCII value sent to zod`, async () => {
      const Row = z.object({ s: field });
      const lines = texts.map((s, i) => ({ object: 'rewrites.jsonl', line: i + 1, raw: JSON.stringify({ s }) }));
      await withConnection(async (c) => {
        await createJsonRawRows(c, lines);
        const result = await runValidationStage(c, { schema: Row, representation: 'json', profile: false });
        const valid = (await tableRows(c, 'valid_rows')).map((r) => ({ line: Number(r._line), s: r.s }));
        const parsed = texts.map((s) => ({ s, out: Row.safeParse({ s }) }));
        expect(valid).toEqual(parsed.flatMap(({ out }, i) => (out.success ? [{ line: i + 1, s: out.data.s ?? null }] : [])));
        const fast = parsed.filter(({ s, out }) => out.success && out.data.s === s && plainAscii(s)).length;
        expect(fast).toBeGreaterThan(0);
        expect(lines.length - result.fastPath.zodRows).toBeGreaterThanOrEqual(fast);
      });
    });
  }

  it('an overwrite sluice does not know stays with zod', async () => {
    const Row = z.object({ s: z.string().overwrite((s) => s.replaceAll('a', 'b')) });
    const lines = ['a', 'b', 'ab'].map((s, i) => ({ object: 'o.jsonl', line: i + 1, raw: JSON.stringify({ s }) }));
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines);
      const result = await runValidationStage(c, { schema: Row, representation: 'json', profile: false });
      expect((await tableRows(c, 'valid_rows')).map((r) => r.s)).toEqual(['b', 'b', 'bb']);
      expect(result.fastPath.zodRows).toBe(3);
    });
  });
});
