/**
 * The report says why SQL left rows to zod that zod then accepted — the rows that cost zod's
 * time without being wrong — per field, with the count and an example, and `(row)` for JSON
 * text the fast path does not read. Expected counts are taken from the input written here: which
 * date-time forms the fast path does not read (lower-case `t`, seven fraction digits) and which
 * lines carry a `\u` escape.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { createJsonRawRows, withConnection } from './raw-rows.js';

const Event = z.object({ id: z.string(), ts: z.coerce.date(), n: z.number().nonnegative() });

describe('why zod checked rows it accepted', () => {
  it('counts them per field, with the smallest value as an example, and (row) for text SQL does not read', async () => {
    const values = Array.from({ length: 300 }, (_, i) => ({
      id: i % 50 === 0 ? `u\u0001${i}` : `u${i}`, // JSON.stringify writes \u0001: SQL leaves the line to zod
      ts: i % 3 === 0 ? `2024-03-01t10:00:${String(i % 60).padStart(2, '0')}Z` : i % 3 === 1 ? `2024-03-01T10:00:00.${String(1_000_000 + i)}Z` : '2024-03-01T10:00:00Z',
      n: i % 7 === 0 ? -1 : i, // rejected by zod too: not a reason, a failing rule
    }));
    const lines = values.map((v, i) => ({ object: 'e.jsonl', line: i + 1, raw: JSON.stringify(v) }));
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines);
      const result = await runValidationStage(c, { schema: Event, representation: 'json', profile: false });
      const accepted = values.filter((v) => Event.safeParse(v).success);
      const escaped = accepted.filter((v) => v.id.includes('\u0001'));
      const plain = accepted.filter((v) => !v.id.includes('\u0001'));
      const lowerT = plain.filter((v) => v.ts.includes('t'));
      const sevenDigits = plain.filter((v) => /\.\d{7}Z$/.test(v.ts));
      expect(result.fastPath.zodAccepted).toEqual([
        { field: 'ts', rows: lowerT.length + sevenDigits.length, example: JSON.stringify(sevenDigits.map((v) => v.ts).sort()[0]) },
        { field: '(row)', rows: escaped.length },
      ].sort((a, b) => b.rows - a.rows));
      expect(formatQualityReport(result.report)).toContain(
        `  zod accepted rows SQL did not read: ts ${lowerT.length + sevenDigits.length} (e.g. ${JSON.stringify(sevenDigits.map((v) => v.ts).sort()[0])}), (row) ${escaped.length}`,
      );
    });
  });

  it('a typed column: the column value as text; nothing when SQL read every row zod accepted', async () => {
    const Row = z.object({ ts: z.coerce.date() });
    await withConnection(async (c) => {
      await c.run(`CREATE TABLE raw_rows AS SELECT i AS _row_id, 't.parquet' AS _object, i AS _line,
        CASE WHEN i % 4 = 0 THEN '2024-03-01 10:00' ELSE '2024-03-01t10:00:00Z' END AS ts FROM range(1, 41) r(i)`);
      const result = await runValidationStage(c, { schema: Row, representation: 'typed', profile: false });
      expect(result.fastPath.zodAccepted).toEqual([{ field: 'ts', rows: 30, example: '2024-03-01t10:00:00Z' }]);
      await c.run(`CREATE OR REPLACE TABLE raw_rows AS SELECT i AS _row_id, 't.parquet' AS _object, i AS _line, '2024-03-01 10:00' AS ts FROM range(1, 41) r(i)`);
      expect((await runValidationStage(c, { schema: Row, representation: 'typed', profile: false })).fastPath.zodAccepted).toBeUndefined();
    });
  });
});
