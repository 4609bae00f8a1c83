/** Edge cases of the validation stage: empty input, nothing decodable, reserved names. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlanError } from '../../../sdk/src/errors.js';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';

const Event = z.object({ user_id: z.string(), amount: z.number().nullable(), ts: z.coerce.date() });

describe('validation stage edges', () => {
  it('a transform that changes a field\'s type fails with VALID_ROW_TYPE naming the column and the fix, wherever the field sits', async () => {
    // A later field once left the appender half a row, and closing it replaced this error with DuckDB's.
    for (const schema of [
      z.object({ b: z.string().transform((s) => s.length), a: z.string() }),
      z.object({ a: z.string(), b: z.string().transform((s) => s.length) }),
    ]) {
      await withConnection(async (c) => {
        await createJsonRawRows(c, [{ object: 'a.jsonl', line: 1, raw: '{"a":"x","b":"abc"}' }]);
        const run = runValidationStage(c, { schema, representation: 'json' });
        await expect(run).rejects.toMatchObject({ code: 'VALID_ROW_TYPE' });
        await expect(run).rejects.toThrow(/column "b" is number 3, but the column is a string.*move the change to \.map\(\)/);
      });
    }
  });

  it('an empty batch is valid, with typed empty columns and zero counts', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, []);
      const result = await runValidationStage(c, { schema: Event, representation: 'json' });
      expect(result.counts).toEqual({ in: 0, valid: 0, quarantined: 0 });
      const types = (await c.runAndReadAll('DESCRIBE valid_rows')).getRowObjectsJS().map((r) => `${r.column_name} ${r.column_type}`);
      expect(types).toEqual(['user_id VARCHAR', 'amount DOUBLE', 'ts TIMESTAMP', '_row_id BIGINT', '_object VARCHAR', '_line BIGINT']);
      expect(formatQualityReport(result.report).split('\n')[0]).toBe('in 0 = valid 0 + quarantined 0');
    });
  });

  it('records that could not be decoded are quarantined as malformed_record with their error, per object', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, [
        { object: 'a.jsonl', line: 1, raw: '{"user_id":', error: 'Unexpected end of JSON input' },
        { object: 'a.jsonl', line: 2, raw: '{"user_id":"u","amount":null,"ts":"2024-01-01T00:00:00Z"}' },
        { object: 'b.csv', line: 7, raw: 'u,1,2024', error: 'row has 3 fields, header has 4' },
      ]);
      const result = await runValidationStage(c, { schema: Event, representation: 'json' });
      expect(result.perObject).toEqual({ 'a.jsonl': { in: 2, valid: 1, quarantined: 1 }, 'b.csv': { in: 1, valid: 0, quarantined: 1 } });
      expect(result.quarantined.rows()).toEqual([
        { object: 'a.jsonl', line: 1, raw: '{"user_id":', issues: [{ path: [], code: 'malformed_record', message: 'Unexpected end of JSON input' }] },
        { object: 'b.csv', line: 7, raw: 'u,1,2024', issues: [{ path: [], code: 'malformed_record', message: 'row has 3 fields, header has 4' }] },
      ]);
      expect((await tableRows(c, 'valid_rows')).map((r) => [r.user_id, r.amount, (r.ts as Date).toISOString()])).toEqual([['u', null, '2024-01-01T00:00:00.000Z']]);
    });
  });

  it('text in _json that JSON.stringify did not write still gets exact results (the stage falls back to full guards)', async () => {
    await withConnection(async (c) => {
      const raws = ['{"user_id":', '{"user_id":"u","amount":1,"ts":"2024-01-01T00:00:00Z","user_id":5}', '{"user_id":"v","amount":-0,"ts":"2024-01-01T00:00:00Z"}'];
      await createJsonRawRows(c, raws.map((raw, i) => ({ object: 'x.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Event, representation: 'json' });
      expect(result.quarantined.rows().map((q) => [q.line, q.issues.map((i) => `${i.path.join('.')}:${i.code}`)])).toEqual([[1, [':malformed_record']], [2, ['user_id:invalid_type']]]);
      const rows = await tableRows(c, 'valid_rows');
      expect(rows.map((r) => [r.user_id, Object.is(r.amount, -0)])).toEqual([['v', true]]);
    });
  });

  it('a schema field named like a column sluice adds is a PlanError', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, []);
      await expect(runValidationStage(c, { schema: z.object({ _line: z.number() }), representation: 'json' })).rejects.toThrow(PlanError);
    });
  });
});
