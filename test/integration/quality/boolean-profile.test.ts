/**
 * A boolean column's profile gives its extremes as booleans (false, true), read from JSON lines
 * and from Parquet alike: SQL compares them as text, and the text ('false', 'true') had been
 * what the report, the saved baseline and the notebook showed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-boolean-profile-'));
  writeFileSync(join(dir, 'rows.jsonl'), ['{"id":1,"flag":true}', '{"id":2,"flag":false}', '{"id":3,"flag":true}', '{"id":4,"flag":null}'].join('\n'));
  writeFileSync(join(dir, 'only-true.jsonl'), '{"id":1,"flag":true}\n');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM (VALUES (1, true), (2, false), (3, NULL)) t(id, flag)) TO '${join(dir, 'rows.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Row = z.object({ id: z.number().int(), flag: z.boolean().nullable() });
const flagOf = async (name: string) => {
  const result = await pipeline('flags').from(file(join(dir, name))).validate(Row).run({ zones: join(dir, 'zones'), writeZones: false });
  return result.quality.columns.find((c) => c.name === 'flag')!;
};

describe('a boolean column in the profile', () => {
  for (const name of ['rows.jsonl', 'rows.parquet']) {
    it(`${name}: min and max are booleans, nulls and distinct values counted`, async () => {
      expect(await flagOf(name)).toMatchObject({ type: 'boolean', min: false, max: true, nullCount: 1, distinctCount: 2 });
    });
  }

  it('one value only: min and max are that value', async () => {
    expect(await flagOf('only-true.jsonl')).toMatchObject({ min: true, max: true });
  });
});
