/**
 * A Parquet file that lacks a column has no such key in its rows: `.optional()` and `.default()`
 * apply to it. Several files are one input (combined by column name), and there the column is
 * NULL in the file that lacks it — a row of that file must still be judged as zod judges the
 * file's own row, not as a row holding null. The oracle reads each file on its own, outside
 * sluice, and runs zod's safeParse over its rows.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';

let dir: string;
const files: Record<string, Record<string, unknown>[]> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-absent-column-'));
  mkdirSync(join(dir, 'in', 'case'), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const write = async (name: string, select: string): Promise<void> => {
    await c.run(`COPY (${select}) TO '${join(dir, 'in', name)}' (FORMAT PARQUET)`);
    files[name] = (await c.runAndReadAll(`SELECT * FROM read_parquet('${join(dir, 'in', name)}')`)).getRowObjectsJS() as Record<string, unknown>[];
  };
  // a.parquet has every column (one country is null); b.parquet has no country and no score;
  // c.parquet spells the column Country, which DuckDB's union by name puts in country.
  await write('a.parquet', `SELECT * FROM (VALUES ('u1', 'DE', 1.5), ('u2', NULL, 2.5)) t("user", country, score)`);
  await write('b.parquet', `SELECT * FROM (VALUES ('u3'), ('u4')) t("user")`);
  await write('c.parquet', `SELECT * FROM (VALUES ('u5', 'FR')) t("user", "Country")`);
  // The other way round: the first file spells it Country, the second as the schema does. Union
  // by name would keep the first spelling for both, and lose the second file's countries.
  await write('case/0.parquet', `SELECT * FROM (VALUES ('u6', 'NL')) t("user", "Country")`);
  await write('case/1.parquet', `SELECT * FROM (VALUES ('u7', 'BE'), ('u8', NULL)) t("user", country)`);
  await write('case/2.parquet', `SELECT * FROM (VALUES ('u9', 'IT')) t("user", "COUNTRY")`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** zod over each file's own rows, in file order: valid outputs and quarantined users. */
function oracle(schema: z.ZodObject<z.ZodRawShape>, names: readonly string[]) {
  const valid: Record<string, unknown>[] = [];
  const quarantined: string[] = [];
  for (const name of names) {
    for (const row of files[name]!) {
      // Keys exactly as the file names its columns: zod finds no `country` in c.parquet.
      const record = row;
      const parsed = schema.safeParse(record);
      if (parsed.success) valid.push({ user: null, country: null, score: null, ...parsed.data });
      else quarantined.push(String(record.user));
    }
  }
  return { valid, quarantined };
}

async function actual(schema: z.ZodObject<z.ZodRawShape>, glob: string) {
  const result = await pipeline('absent').from(file(join(dir, 'in', glob))).validate(schema).run({ dryRun: true, failOnGate: false });
  const valid = result.preview.toArray().map((r) => ({ user: r.user, country: r.country, score: r.score }));
  const quarantined = result.quality.rules.flatMap((rule) => rule.examples).map((q) => String((JSON.parse(q.raw) as { user: string }).user));
  expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
  return { valid, quarantined: [...new Set(quarantined)].sort() };
}

const schemas = {
  optional: z.object({ user: z.string(), country: z.string().optional(), score: z.number().optional() }),
  default: z.object({ user: z.string(), country: z.string().default('XX'), score: z.number().default(0) }),
  nullish: z.object({ user: z.string(), country: z.string().nullish(), score: z.number().nullable().default(-1) }),
  required: z.object({ user: z.string(), country: z.string().nullable(), score: z.number().nullable() }),
};

describe('a Parquet file without a column', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: a file's rows are judged alike read alone or beside files that have the column`, async () => {
      const names = ['a.parquet', 'b.parquet', 'c.parquet'];
      const expected = oracle(schema, names);
      expect(await actual(schema, '*.parquet')).toEqual({ valid: expected.valid, quarantined: expected.quarantined.sort() });
      for (const single of names) {
        const alone = oracle(schema, [single]);
        expect(await actual(schema, single)).toEqual({ valid: alone.valid, quarantined: alone.quarantined.sort() });
      }
    });
  }

  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: files that spell a column in different cases are each judged as read alone, the schema's spelling first or not`, async () => {
      const names = ['case/0.parquet', 'case/1.parquet', 'case/2.parquet'];
      const expected = oracle(schema, names);
      expect(await actual(schema, 'case/*.parquet')).toEqual({ valid: expected.valid, quarantined: expected.quarantined.sort() });
    });
  }

  it('a quarantined row of such a file shows its own column name and value in its raw content', async () => {
    const result = await pipeline('absent').from(file(join(dir, 'in', 'case', '*.parquet'))).validate(schemas.required).run({ dryRun: true, failOnGate: false });
    const raws = result.quality.rules.flatMap((rule) => rule.examples).map((q) => JSON.parse(q.raw) as Record<string, unknown>);
    expect(raws).toEqual(expect.arrayContaining([{ user: 'u6', Country: 'NL' }, { user: 'u9', COUNTRY: 'IT' }]));
  });
});

