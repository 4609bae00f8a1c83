/**
 * Nested z.object fields over STRUCT columns (Parquet group columns, as Spark and BigQuery write
 * them) take the SQL fast path field by field, as in JSON text. The oracle is the zod-only path
 * over the same table (zod-only.ts): the same valid rows and values, counts and quarantined rows,
 * for random structs — NULL structs, NULL fields, nested structs — under schemas whose wrappers,
 * strictness and field types do and do not fit the column.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { compareWithZodOnly, withConnection } from './raw-rows.js';

const STRUCT = 'STRUCT(id VARCHAR, country VARCHAR, geo STRUCT(lat DOUBLE, lon DOUBLE))';

const text = (v: string | null): string => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);
const num = (v: number | null): string => (v === null ? 'NULL' : String(v));
const geo = fc.option(fc.record({ lat: fc.option(fc.double({ min: -120, max: 120, noNaN: true })), lon: fc.option(fc.integer({ min: -180, max: 180 })) }), { freq: 4 });
const user = fc.option(fc.record({ id: fc.option(fc.constantFrom('u1', 'u22', 'x', '')), country: fc.option(fc.constantFrom('DE', 'FR', 'USA')), geo }), { freq: 6 });
const row = fc.record({ user, n: fc.integer({ min: -5, max: 5 }) });
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

function structLiteral(u: Row['user']): string {
  if (u === null) return 'NULL';
  const g = u.geo === null ? 'NULL' : `{'lat': ${num(u.geo.lat)}, 'lon': ${num(u.geo.lon)}}`;
  return `{'id': ${text(u.id)}, 'country': ${text(u.country)}, 'geo': ${g}}`;
}

async function load(c: Parameters<Parameters<typeof withConnection>[0]>[0], rows: readonly Row[]): Promise<void> {
  const values = rows.map((r, i) => `(${i + 1}::BIGINT, 'p.parquet', ${i + 1}::BIGINT, ${structLiteral(r.user)}::${STRUCT}, ${r.n})`).join(', ');
  await c.run(`CREATE OR REPLACE TABLE raw_rows AS SELECT * FROM (VALUES ${values}) AS t(_row_id, _object, _line, "user", n)`);
}

const Geo = z.object({ lat: z.number().min(-90).max(90), lon: z.int() });
/** `sql`: SQL decides every row; `zod`: zod checks the object field in the rows SQL accepted otherwise. */
const SCHEMAS: Record<string, { schema: z.ZodType; decides: 'sql' | 'zod' }> = {
  'checks on fields two levels down': { schema: z.object({ user: z.object({ id: z.string().min(2), country: z.string().length(2).nullable(), geo: Geo.nullable() }), n: z.int() }), decides: 'sql' },
  'a nullable, optional object; a field it does not name (stripped)': { schema: z.object({ user: z.object({ id: z.string().nullable(), country: z.enum(['DE', 'FR']).nullable() }).nullable().optional(), n: z.number() }), decides: 'sql' },
  'a field the STRUCT does not have (missing to zod) and a default': { schema: z.object({ user: z.object({ id: z.string().nullable(), region: z.string().default('EU'), nick: z.string().optional() }).nullable(), n: z.number() }), decides: 'sql' },
  'an object the table has no column for (missing in every row)': { schema: z.object({ user: z.object({ id: z.string().nullable() }).nullable(), extra: z.object({ a: z.string() }).optional(), n: z.number() }), decides: 'sql' },
  // zod refuses every such STRUCT (its geo key, null or not): the rows zod accepts are those without one.
  'a strict object, where the STRUCT has a field it does not name': { schema: z.object({ user: z.strictObject({ id: z.string().nullable(), country: z.string().nullable() }).nullable(), n: z.number() }), decides: 'sql' },
  'text where the STRUCT has a STRUCT, an object where it has text': { schema: z.object({ user: z.object({ geo: z.string().nullable(), id: z.object({ x: z.string() }).nullable() }).nullable(), n: z.number() }), decides: 'zod' },
};

describe('nested objects over STRUCT columns', () => {
  for (const [label, { schema, decides }] of Object.entries(SCHEMAS)) {
    it(`${label}: the rows and values of the zod-only path`, async () => {
      let deferredRows = 0;
      let sqlRows = 0;
      let valid = 0;
      await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 20, maxLength: 60 }), async (rows) => {
        await withConnection(async (c) => {
          const { fast } = await compareWithZodOnly(c, () => load(c, rows), schema);
          sqlRows += fast.fastPath.sqlRows;
          valid += fast.counts.valid;
          deferredRows += fast.fastPath.deferred?.rows ?? 0;
          if (decides === 'zod') expect(fast.fastPath.deferred?.fields).toEqual(['user']);
        });
      }), { numRuns: 8, endOnFailure: true });
      expect(valid).toBeGreaterThan(0);
      // SQL accepts every row zod accepts, having checked the STRUCT itself or (where the schema
      // does not fit it) with zod checking just that field in each row.
      expect(sqlRows).toBe(valid);
      expect(deferredRows > 0).toBe(decides === 'zod');
    }, 120_000);
  }
});
