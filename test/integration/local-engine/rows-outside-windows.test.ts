/**
 * A valid row without the window's entity or timestamp is in no feature. The run says so, with
 * the count, instead of the features silently counting fewer events than the report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, pipeline, window } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-outside-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const path = join(dir, 'events.jsonl');
writeFileSync(path, [
  { u: 'a', ts: '2024-01-01T10:00:00Z' },
  { u: 'a', ts: null },
  { u: null, ts: '2024-01-01T11:00:00Z' },
  { u: 'b', ts: '2024-01-01T12:00:00Z' },
].map((e) => JSON.stringify(e)).join('\n'));

const daily = window({ entity: 'u', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } });
const run = (schema: z.ZodObject, zones: string) => pipeline('outside').from(file(path)).validate(schema).aggregate(daily).run({ zones: join(dir, zones) });

describe('valid rows that no window sees', () => {
  it('are counted in a note when the schema lets the entity or the timestamp be null', async () => {
    const result = await run(z.object({ u: z.string().nullable(), ts: z.coerce.date().nullable() }), 'nullable');
    expect(result.counts).toEqual({ in: 4, valid: 4, quarantined: 0 });
    expect(result.featureRows).toBe(4); // a and b: one day each, then the day the window is empty again
    expect(result.notes).toContain('2 valid rows have no u or no ts, so no window sees them: they are in the validated zone but in no feature. If every row should count, make both fields required in the schema; they are then quarantined with the reason.');
    expect(String(result)).toContain('2 valid rows have no u or no ts');
  });

  it('need no note when the schema requires both: such rows do not pass validation', async () => {
    const result = await run(z.object({ u: z.string(), ts: z.coerce.date() }), 'required');
    // The null u is quarantined. The null ts is zod's own coercion: z.coerce.date() makes
    // 1970-01-01 of a JSON null (new Date(null)), as zod alone would; a row with a timestamp.
    expect(result.counts).toEqual({ in: 4, valid: 3, quarantined: 1 });
    expect(result.notes.filter((n) => n.includes('no window sees'))).toEqual([]);
  });

  it('one such row is told in the singular', async () => {
    const result = await run(z.object({ u: z.string(), ts: z.coerce.date().nullable() }), 'one');
    expect(result.notes).toContain('1 valid row has no u or no ts, so no window sees it: it is in the validated zone but in no feature. If every row should count, make both fields required in the schema; they are then quarantined with the reason.');
  });
});
