/**
 * The pages zod's pass after SQL reads: every row once, in _row_id order, with its values as
 * DuckDB holds them (NULL as null) — JSON text a page at a time, other columns value by value —
 * pages no longer than pageRows rows, nor, for text, than pageChars characters (unless one row
 * alone is longer).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pendingPages } from '../../../sdk/src/engines/local/validation/pending-pages.js';
import { withConnection } from './raw-rows.js';

async function readAll(c: Parameters<Parameters<typeof withConnection>[0]>[0], query: string, options: Parameters<typeof pendingPages>[3]) {
  const rows: unknown[][] = [];
  const sizes: { rows: number; chars: number }[] = [];
  for await (const page of pendingPages(c, '_pending', query, options)) {
    let chars = 0;
    for (let i = 0; i < page.rowIds.length; i++) {
      const values: unknown[] = [];
      page.values(i, values);
      rows.push([page.rowIds[i], ...values]);
      chars += values.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0);
    }
    sizes.push({ rows: page.rowIds.length, chars });
  }
  return { rows, sizes };
}

describe('pendingPages', () => {
  it('JSON text: every row once, in order, NULL as null, pages within their bounds', async () => {
    const texts = fc.oneof(fc.constant(null), fc.json({ maxDepth: 2 }).map((j) => j.replace(/\n/g, '\\n')).filter((j) => j !== ''));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(texts, texts), { minLength: 0, maxLength: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 400 }), async (values, pageRows, pageChars) => {
      await withConnection(async (c) => {
        await c.run('CREATE TABLE src (_row_id BIGINT, a JSON, b VARCHAR)');
        const appender = await c.createAppender('src');
        // _row_id with gaps and out of order, as the rows SQL accepted are.
        values.forEach(([a, b], i) => {
          appender.appendBigInt(BigInt((values.length - i) * 3));
          for (const v of [a, b]) if (v === null) appender.appendNull(); else appender.appendVarchar(v);
          appender.endRow();
        });
        appender.closeSync();
        const { rows, sizes } = await readAll(c, 'SELECT * FROM src ORDER BY _row_id', { jsonText: true, pageRows, pageChars });
        const expected = values.map(([a, b], i) => [BigInt((values.length - i) * 3), a, b]).reverse();
        // DuckDB keeps JSON text as written.
        expect(rows).toEqual(expected);
        const longest = Math.max(0, ...values.map(([a, b]) => (a?.length ?? 0) + (b?.length ?? 0)));
        for (const size of sizes) {
          expect(size.rows).toBeLessThanOrEqual(pageRows);
          if (size.rows > 1) expect(size.chars).toBeLessThanOrEqual(Math.max(pageChars, longest));
        }
      });
    }), { numRuns: 40 });
  });

  it('refuses text with a raw line break rather than misread the rows after it', async () => {
    await withConnection(async (c) => {
      await expect(readAll(c, `SELECT 1::BIGINT AS _row_id, 'a' || chr(10) || 'b' AS t UNION ALL SELECT 2, 'c' ORDER BY _row_id`, { jsonText: true })).rejects.toThrow(/line break/);
    });
  });

  it('typed values: value by value, as the client reads them', async () => {
    await withConnection(async (c) => {
      const { rows, sizes } = await readAll(c, `SELECT i::BIGINT * 2 AS _row_id, i % 3 = 0 AS flag, CASE WHEN i % 4 = 0 THEN NULL ELSE 'v' || chr(10) || i END AS text FROM range(25) t(i) ORDER BY _row_id`, { jsonText: false, pageRows: 10 });
      expect(sizes.map((s) => s.rows)).toEqual([10, 10, 5]);
      expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => [BigInt(i * 2), i % 3 === 0, i % 4 === 0 ? null : `v\n${i}`]));
      // Pages of several of DuckDB's chunks (2,048 rows each).
      const many = await readAll(c, 'SELECT i::BIGINT AS _row_id, i * 7 AS v FROM range(9000) t(i) ORDER BY _row_id', { jsonText: false, pageRows: 4500 });
      expect(many.sizes.map((s) => s.rows)).toEqual([4500, 4500]);
      expect(many.rows).toEqual(Array.from({ length: 9000 }, (_, i) => [BigInt(i), BigInt(i * 7)]));
    });
  });
});
