/**
 * Parquet columns whose type is not the schema's. zod must see each value as what it is — a
 * list is an array, a struct an object, a blob bytes — so that z.string() rejects them as it
 * rejects `[1, 2]` in a JSON line, instead of accepting DuckDB's text rendering ("[1, 2]").
 * A quarantined row's raw content shows the values the file holds: NaN and an instant beyond
 * JavaScript's dates are not `null`.
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
  dir = mkdtempSync(join(tmpdir(), 'sluice-other-types-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const write = (name: string, select: string) => c.run(`COPY (${select}) TO '${join(dir, name)}' (FORMAT PARQUET)`);
  await write('nested.parquet', `SELECT * FROM (VALUES
      (1, 'text', NULL, NULL, NULL),
      (2, NULL, [1, 2], NULL, NULL),
      (3, NULL, NULL, {'a': 1}, NULL),
      (4, NULL, NULL, NULL, '\\xAA\\xBB'::BLOB)
    ) t(id, s, l, st, b)`);
  await write('odd.parquet', `SELECT * FROM (VALUES
      (1, 1.5::DOUBLE, TIMESTAMP '2024-01-01 00:00:00'),
      (2, 'nan'::DOUBLE, TIMESTAMP '2024-01-01 00:00:00'),
      (3, '-inf'::DOUBLE, TIMESTAMP '2024-01-01 00:00:00'),
      (4, 2.5::DOUBLE, TIMESTAMP '290000-01-01 00:00:00')
    ) t(id, x, ts)`);
  c.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quarantinedOf = async (name: string, schema: z.ZodObject<z.ZodRawShape>) => {
  const result = await pipeline('other-types').from(file(join(dir, name))).validate(schema).run({ dryRun: true, failOnGate: false });
  expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
  const rows = result.quality.rules.flatMap((r) => r.examples);
  const byId = new Map(rows.map((q) => [(JSON.parse(q.raw) as { id: number }).id, q]));
  return { result, byId };
};

describe('Parquet values of another type than the schema says', () => {
  it('a list, a struct or a blob is not a string: each row is rejected as zod rejects it in JSON', async () => {
    const Row = z.object({ id: z.number(), s: z.string().nullable(), l: z.string().nullable(), st: z.string().nullable(), b: z.string().nullable() });
    // The oracle: zod over the same rows as JSON would carry them (bytes have no JSON form).
    const json = [{ id: 1, s: 'text', l: null, st: null, b: null }, { id: 2, s: null, l: [1, 2], st: null, b: null }, { id: 3, s: null, l: null, st: { a: 1 }, b: null }, { id: 4, s: null, l: null, st: null, b: new Uint8Array([0xaa, 0xbb]) }];
    const expected = json.map((r) => Row.safeParse(r)).map((p) => (p.success ? 'valid' : p.error.issues.map((i) => `${i.path.join('.')}:${i.code}`).join(',')));
    expect(expected).toEqual(['valid', 'l:invalid_type', 'st:invalid_type', 'b:invalid_type']);
    const { result, byId } = await quarantinedOf('nested.parquet', Row);
    expect(result.counts).toEqual({ in: 4, valid: 1, quarantined: 3 });
    expect([2, 3, 4].map((id) => byId.get(id)!.issues.map((i) => `${i.path.join('.')}:${i.code}`).join(','))).toEqual(expected.slice(1));
    expect(JSON.parse(byId.get(2)!.raw)).toMatchObject({ l: [1, 2] });
    expect(JSON.parse(byId.get(3)!.raw)).toMatchObject({ st: { a: 1 } });
  });

  it('the raw content of a quarantined row shows NaN, -Infinity and an instant beyond JS dates as they are', async () => {
    const Row = z.object({ id: z.number(), x: z.number(), ts: z.date() });
    const { result, byId } = await quarantinedOf('odd.parquet', Row);
    expect(result.counts).toEqual({ in: 4, valid: 1, quarantined: 3 });
    expect(JSON.parse(byId.get(2)!.raw).x).toBe('NaN');
    expect(JSON.parse(byId.get(3)!.raw).x).toBe('-Infinity');
    expect(String(JSON.parse(byId.get(4)!.raw).ts)).toMatch(/^290000-01-01/);
  });
});
