/**
 * Schemas with refinements SQL cannot express: every row goes through zod, the report says
 * so, and the results are still exactly zod's.
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
  it('an object-level refine() sends every row through zod, and the report says so', async () => {
    const Range = z.object({ start: z.number(), end: z.number(), name: z.string() }).refine((r) => r.start <= r.end, { message: 'start must not be after end', path: ['start'] });
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines.map((raw, i) => ({ object: 'r.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Range, representation: 'json' });
      expect(result.fastPath).toMatchObject({ compiled: false, sqlRows: 0, zodRows: 4 });
      expect(result.fastPath.reason).toMatch(/refinements/);
      // Oracle: zod on each line.
      const expectedValid = lines.map((l) => Range.safeParse(JSON.parse(l))).filter((r) => r.success).length;
      expect(result.counts).toEqual({ in: 4, valid: expectedValid, quarantined: 4 - expectedValid });
      expect(result.quarantined.rows().map((q) => q.issues.map((i) => `${i.path.join('.')}: ${i.message}`))).toEqual([
        ['start: start must not be after end'],
        ['start: Invalid input: expected number, received string'],
      ]);
      const text = formatQualityReport(result.report);
      expect(text.split('\n')[0]).toBe('in 4 = valid 2 + quarantined 2');
      expect(text).toMatch(/left the vectorised path: .*refinements.*zod checked all 4 rows/);
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
