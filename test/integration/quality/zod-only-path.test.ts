/**
 * Schemas with checks SQL cannot express: zod takes the rows (every row, or its part of the
 * rows SQL accepts), the report says so, and the results are still exactly zod's.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const lines = [
  '{"start":1,"end":5,"name":"a"}',
  '{"start":7,"end":5,"name":"b"}',
  '{"start":"x","end":5,"name":"c"}',
  '{"start":2,"end":9,"name":"  padded  "}',
];

describe('the zod-only path', () => {
  it("an object-level refine(): SQL decides the fields, zod runs the refinement on the rows SQL accepted, and the report says so", async () => {
    const Range = z.object({ start: z.number(), end: z.number(), name: z.string() }).refine((r) => r.start <= r.end, { message: 'start must not be after end', path: ['start'] });
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines.map((raw, i) => ({ object: 'r.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Range, representation: 'json' });
      // Line 3 fails SQL's type check; lines 1, 2, 4 pass it, and zod refuses line 2 whole.
      expect(result.fastPath).toMatchObject({ sqlRows: 2, zodRows: 2, deferred: { fields: [], rows: 3, wholeRows: true } });
      // Oracle: zod on each line.
      const expectedValid = lines.map((l) => Range.safeParse(JSON.parse(l))).filter((r) => r.success).length;
      expect(result.counts).toEqual({ in: 4, valid: expectedValid, quarantined: 4 - expectedValid });
      expect(result.quarantined.rows().map((q) => q.issues.map((i) => `${i.path.join('.')}: ${i.message}`))).toEqual([
        ['start: start must not be after end'],
        ['start: Invalid input: expected number, received string'],
      ]);
      expect((await tableRows(c, 'valid_rows')).map((r) => r.name)).toEqual(['a', '  padded  ']);
      const text = formatQualityReport(result.report);
      expect(text.split('\n')[0]).toBe('in 4 = valid 2 + quarantined 2');
      expect(text).toContain("fast path: SQL accepted 2 rows (zod checked the row's refinements in each); zod checked 2");
    });
  });

  it('an object-level overwrite() sends every row through zod (SQL could not hold the row it returns), and the report says so', async () => {
    const Swapped = z.object({ start: z.number(), end: z.number(), name: z.string() }).overwrite((r) => ({ ...r, name: r.name.trim() }));
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines.map((raw, i) => ({ object: 'r.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Swapped, representation: 'json' });
      expect(result.fastPath).toMatchObject({ compiled: false, sqlRows: 0, zodRows: 4 });
      expect(result.fastPath.reason).toMatch(/overwrite/);
      expect(result.counts).toEqual({ in: 4, valid: 3, quarantined: 1 });
      expect((await tableRows(c, 'valid_rows')).map((r) => r.name)).toEqual(['a', 'b', 'padded']);
      expect(formatQualityReport(result.report)).toMatch(/left the vectorised path: .*overwrite.*zod checked all 4 rows/);
    });
  });

  it('a field-level transform leaves that field to zod and keeps zod output', async () => {
    const Trimmed = z.object({ start: z.number(), end: z.number(), name: z.string().overwrite((s) => s.trim()) });
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines.map((raw, i) => ({ object: 'r.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Trimmed, representation: 'json' });
      expect(result.fastPath.compiled).toBe(false);
      expect(result.fastPath.reason).toMatch(/name: a value-rewriting check/);
      const rows = await tableRows(c, 'valid_rows');
      expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'padded']);
    });
  });
});
