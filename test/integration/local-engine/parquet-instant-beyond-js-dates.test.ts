/**
 * A Parquet timestamp beyond JavaScript's dates (±8.64e15 ms, about the year 275760) cannot be
 * a Date: zod rejects the row. That one row must be quarantined while the batch runs — the
 * validation scan also profiles the columns, and the profile's max must not try to convert it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-far-instant-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM (VALUES (1, TIMESTAMP '2024-01-01 00:00:00'), (2, TIMESTAMP '290000-01-01 00:00:00'), (3, TIMESTAMP '-290000-01-01 00:00:00'), (4, TIMESTAMP '2024-01-02 00:00:00')) t(id, ts))
    TO '${join(dir, 'far.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Parquet instant beyond JavaScript dates', () => {
  for (const profile of [true, false]) {
    it(`quarantines that row and keeps the others (profile: ${profile})`, async () => {
      const Row = z.object({ id: z.number(), ts: z.date() });
      // zod's own verdict on what the row becomes in JS: an Invalid Date.
      expect(Row.safeParse({ id: 2, ts: new Date(Number.NaN) }).success).toBe(false);
      const result = await pipeline('far').from(file(join(dir, '*.parquet'))).validate(Row).run({ dryRun: true, failOnGate: false, profile });
      expect(result.counts).toEqual({ in: 4, valid: 2, quarantined: 2 });
      expect(result.preview.toArray().map((r) => [r.id, (r.ts as Date | number).valueOf()])).toEqual([[1, Date.UTC(2024, 0, 1)], [4, Date.UTC(2024, 0, 2)]]);
      if (profile) expect(result.quality.columns.find((c) => c.name === 'ts')?.max).toBe('2024-01-02T00:00:00.000Z');
    });
  }
});
