/**
 * z.coerce.* makes values of nulls ("null", 0, false, 1970-01-01): the rows are valid, so nothing
 * is quarantined. A run must say so, field by field, with the count and the value made. The
 * expected counts are those of the rows written below, counted by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-coerced-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const coercionNotes = (notes: readonly string[]): string[] => notes.filter((n) => n.includes('z.coerce'));

describe('values z.coerce made of nulls are named in the run notes', () => {
  const Row = z.object({
    id: z.number().int(),
    city: z.coerce.string(),
    score: z.coerce.number(),
    vip: z.coerce.boolean(),
    seen: z.coerce.date(),
    // Wrapped: .nullable() keeps a null, so nothing is made of it.
    tier: z.coerce.number().nullable(),
  });

  it('JSON lines: a note per field with the value made and the count, in schema order', async () => {
    const lines = [
      { id: 1, city: 'Oslo', score: '3', vip: 'yes', seen: '2024-01-01T00:00:00Z', tier: 2 },
      { id: 2, city: null, score: 1, vip: true, seen: '2024-01-01T00:00:00Z', tier: null },
      { id: 3, city: null, score: null, vip: null, seen: null, tier: null },
      { id: 4, city: 'Rome', score: 2, vip: null, seen: '2024-01-02T00:00:00Z', tier: 1 },
      { id: 5, city: 'Oslo', score: 2, vip: false, seen: '2024-01-02T00:00:00Z' }, // tier missing: NaN, quarantined
    ];
    writeFileSync(join(dir, 'rows.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const result = await pipeline('coerced').from(file(join(dir, 'rows.jsonl'))).validate(Row).run({ zones: join(dir, 'zones-json'), dryRun: true, previewRows: 10 });
    expect(result.counts).toEqual({ in: 5, valid: 4, quarantined: 1 });
    expect(coercionNotes(result.notes)).toEqual([
      'city: z.coerce.string() (String(x)) made "null" of 2 null values: those rows are valid and hold it, here and in AWS. To keep them null, add .nullable() after the coercion; to quarantine them, validate city without z.coerce or with a check the invented value fails.',
      'score: z.coerce.number() (Number(x)) made 0 of 1 null value: that row is valid and holds it, here and in AWS. To keep them null, add .nullable() after the coercion; to quarantine them, validate score without z.coerce or with a check the invented value fails.',
      'vip: z.coerce.boolean() (Boolean(x)) made false of 2 null values: those rows are valid and hold it, here and in AWS. To keep them null, add .nullable() after the coercion; to quarantine them, validate vip without z.coerce or with a check the invented value fails.',
      'seen: z.coerce.date() (new Date(x)) made 1970-01-01T00:00:00.000Z of 1 null value: that row is valid and holds it, here and in AWS. To keep them null, add .nullable() after the coercion; to quarantine them, validate seen without z.coerce or with a check the invented value fails.',
    ]);
    // The notes describe what the valid rows hold.
    expect(result.preview.toArray().map((r) => [Number(r.id), r.city, Number(r.score), r.vip])).toEqual([
      [1, 'Oslo', 3, true], [2, 'null', 1, true], [3, 'null', 0, false], [4, 'Rome', 2, false],
    ]);
  });

  it('Parquet: a NULL in a nullable column is a null too', async () => {
    const path = join(dir, 'rows.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * FROM (VALUES (1, 4.5), (2, NULL), (3, NULL), (4, 1.0)) AS t(id, score)) TO '${path}' (FORMAT PARQUET)`);
    connection.closeSync();
    instance.closeSync();
    const result = await pipeline('coerced').from(file(path)).validate(z.object({ id: z.number().int(), score: z.coerce.number() })).run({ zones: join(dir, 'zones-parquet'), dryRun: true });
    expect(result.counts).toEqual({ in: 4, valid: 4, quarantined: 0 });
    expect(coercionNotes(result.notes).map((n) => n.slice(0, n.indexOf(': th')))).toEqual(['score: z.coerce.number() (Number(x)) made 0 of 2 null values']);
  });

  it('a schema whose coercions never meet a null adds no note', async () => {
    writeFileSync(join(dir, 'plain.jsonl'), '{"id":1,"city":"Oslo","n":"2"}\n{"id":2,"city":null,"n":3}\n');
    const Plain = z.object({ id: z.number().int(), city: z.coerce.string().nullable(), n: z.coerce.number() });
    const result = await pipeline('coerced').from(file(join(dir, 'plain.jsonl'))).validate(Plain).run({ zones: join(dir, 'zones-plain'), dryRun: true });
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(coercionNotes(result.notes)).toEqual([]);
  });
});
