/**
 * Fields SQL cannot check — a transform, a refine, a preprocess — no longer send every row to zod:
 * SQL checks the rest and zod checks just those fields of the rows SQL accepted. The oracle is
 * zod over each whole row (zod-oracle.ts): the same valid rows with the same output values, the
 * same quarantined rows with the same issues, whether the deferred field, another field or both
 * are wrong. And the rows zod read whole are only those SQL refused or zod refused a field of.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import { qualityReportToHtml } from '../../../sdk/src/notebook/quality-report-html.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';
import { check } from './zod-oracle.js';
import { zodOnly } from '../../helpers/zod-only.js';

const Deferred = z.object({
  id: z.string().uuid(),
  user: z.string().min(2).transform((s) => s.trim().toUpperCase()),
  tag: z.string().refine((s) => !s.includes('x'), 'a tag has no x').optional(),
  score: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().nonnegative()),
  when: z.coerce.date(),
  // Integers JavaScript rounds keep their digits only through the whole-row path.
  order_id: z.coerce.string().refine((s) => s.length > 3, 'an order id has four digits or more'),
});

const uuid = fc.uuid({ version: 4 });
const field = {
  id: fc.oneof({ weight: 5, arbitrary: uuid }, { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', 7, null) }),
  user: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(' ab ', 'x', 'é😀', null, 3, '\u2028ab')),
  tag: fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', 'x', '"', '\\', '\n'), maxLength: 4 }), fc.constantFrom(null, 5, true)),
  score: fc.oneof(fc.double({ min: -5, max: 1e6, noNaN: true }), fc.constantFrom('12', ' 3.5 ', '', 'abc', '-1', null, true, [1], { n: 1 }, 1e300)),
  when: fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('2024-02-30', 'soon', 1_700_000_000_000, null)),
  order_id: fc.oneof(
    fc.integer({ min: 0, max: 100_000 }),
    fc.constantFrom('12', 'A-1234', 1234567890123456789n, 9007199254740993n, 98765432109876543210n, 12.5, 1e21, -0),
  ),
};
type Row = Record<string, unknown>;
const names = Object.keys(field) as (keyof typeof field)[];
const row = fc.record(field, { requiredKeys: ['id', 'user', 'score', 'when', 'order_id'] });
// Some rows lose a key (missing, not null) or gain one (stripped).
const edited = fc.tuple(row, fc.option(fc.constantFrom(...names)), fc.boolean()).map(([r, drop, extra]) => {
  const out: Row = { ...r };
  if (drop) delete out[drop];
  if (extra) out.extra = 1;
  return out;
});
/**
 * The oracle's reading of a row: JSON.parse, except that an order id beyond 2^53 is its digits,
 * as sluice documents for z.coerce.string() fields (zod alone would see the nearest double).
 */
const parseKeepingIds = (text: string): unknown => JSON.parse(text.replace(/"order_id": ?(-?[0-9]{16,})(?=[,}])/, '"order_id":"$1"'));
/** JSON as JSON.stringify writes it, with bigints as bare integer literals (as an export with 64-bit ids has them). */
const toJson = (value: Row): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, '$1');

describe('fields SQL cannot check, checked by zod in the rows SQL accepts', () => {
  it('gives zod-over-the-whole-row results for random rows, and reads whole only the rows SQL or zod refused', async () => {
    const input = fc.array(edited, { minLength: 60, maxLength: 160 }).map((rows) => rows.map((v, i) => ({ object: i % 3 ? 'a.jsonl' : 'b.jsonl', line: i + 1, raw: toJson(v) })));
    let deferredRows = 0;
    await fc.assert(fc.asyncProperty(input, async (records) => {
      const fastPath = await check(Deferred, records, true, parseKeepingIds);
      expect(fastPath.deferred?.fields).toEqual(['user', 'tag', 'score', 'order_id']);
      // Every row went to SQL first: the ones zod read whole are fewer than all (unless none was clean).
      expect(fastPath.sqlRows + fastPath.zodRows).toBe(records.length);
      deferredRows += fastPath.deferred?.rows ?? 0;
    }), { numRuns: 12, endOnFailure: true });
    expect(deferredRows).toBeGreaterThan(30); // the property exercised the deferred path, not only zod's
  }, 240_000);

  it('hand-written JSON text (spaces, repeated keys) too', async () => {
    const input = fc.array(edited, { minLength: 40, maxLength: 100 }).map((rows) => rows.map((v, i) => {
      const raw = toJson(v).replace(/,"/g, ', "').replace(/^\{"id":([^,}]+),/, '{"id":1,"id":$1,');
      return { object: 'h.jsonl', line: i + 1, raw };
    }));
    await fc.assert(fc.asyncProperty(input, async (records) => { await check(Deferred, records, false, parseKeepingIds); }), { numRuns: 8, endOnFailure: true });
  }, 240_000);

  it('clean rows: SQL takes every one, zod reads none whole, and the transformed values are stored', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: `1b4e28ba-2fa1-41d2-883f-0016d3cca${String(i).padStart(3, '0')}`, user: ` u${i} `, score: String(i / 2), when: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), order_id: 10_000 + i }));
    await withConnection(async (c) => {
      await createJsonRawRows(c, rows.map((v, i) => ({ object: 'clean.jsonl', line: i + 1, raw: JSON.stringify(v) })));
      const progress: unknown[] = [];
      const result = await runValidationStage(c, { schema: Deferred, representation: 'json', profile: false, onDeferredProgress: (...args) => progress.push(args) });
      expect(result.fastPath).toMatchObject({ sqlRows: 500, zodRows: 0, deferred: { rows: 500 } });
      expect(progress.at(-1)).toEqual([500, 500, ['user', 'tag', 'score', 'order_id']]);
      const valid = await tableRows(c, 'valid_rows');
      expect(valid.map((r) => [r.user, r.score, r.order_id])).toEqual(rows.map((r, i) => [`U${i}`, i / 2, String(10_000 + i)]));
      const line = 'fast path: SQL accepted 500 rows (zod checked user, tag, score and order_id in each); zod checked 0';
      expect(formatQualityReport(result.report)).toContain(line);
      expect(qualityReportToHtml(result.report)).toContain(line);
    });
  });

  it('a nested object with a refine inside is zod\'s whole, stored flat', async () => {
    const Nested = z.object({ id: z.string(), user: z.object({ name: z.string().refine((s) => s !== 'x', 'not x'), age: z.number().int() }) });
    const lines = [
      { id: 'a', user: { name: 'ann', age: 30 } },
      { id: 'b', user: { name: 'x', age: 31 } },
      { id: 'c', user: { name: 'cy', age: 1.5 } },
      { id: 'd' },
      { id: 'e', user: { name: 'eve', age: 40, extra: true } },
    ];
    await withConnection(async (c) => {
      await createJsonRawRows(c, lines.map((v, i) => ({ object: 'n.jsonl', line: i + 1, raw: JSON.stringify(v) })));
      const result = await runValidationStage(c, { schema: Nested, representation: 'json', profile: false });
      expect(result.fastPath).toMatchObject({ sqlRows: 2, zodRows: 3, deferred: { fields: ['user'], rows: 5 } });
      expect((await tableRows(c, 'valid_rows')).map((r) => [r.id, r.user_name, r.user_age])).toEqual([['a', 'ann', 30n], ['e', 'eve', 40n]]);
      expect(result.quarantined.rows().map((q) => [q.line, q.issues.map((i) => `${i.path.join('.')}: ${i.message}`)])).toEqual([
        [2, ['user.name: not x']],
        [3, ['user.age: Invalid input: expected int, received number']],
        [4, ['user: Invalid input: expected object, received undefined']],
      ]);
    });
  });

  it('a schema SQL can check none of is zod\'s row by row: no SQL pass that would only cost', async () => {
    const AllZod = z.object({ a: z.string().transform((s) => s.trim()), b: z.number().refine((n) => n > 0) });
    await withConnection(async (c) => {
      await createJsonRawRows(c, [{ object: 'z.jsonl', line: 1, raw: '{"a":" x ","b":1}' }, { object: 'z.jsonl', line: 2, raw: '{"a":"y","b":0}' }]);
      const result = await runValidationStage(c, { schema: AllZod, representation: 'json', profile: false });
      expect(result.fastPath).toMatchObject({ sqlRows: 0, zodRows: 2 });
      expect(result.fastPath.deferred).toBeUndefined();
      expect((await tableRows(c, 'valid_rows')).map((r) => [r.a, r.b])).toEqual([['x', 1]]);
    });
  });

  it('a value its column cannot hold is quarantined, as on the whole-row path', async () => {
    const Big = z.object({ id: z.string(), big: z.coerce.bigint().refine((b) => b !== 0n, 'not zero') });
    const raws = ['{"id":"a","big":12}', '{"id":"b","big":"98765432109876543210"}', '{"id":"c","big":0}', '{"id":"d","big":"-9223372036854775808"}'];
    await withConnection(async (c) => {
      await createJsonRawRows(c, raws.map((raw, i) => ({ object: 'big.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Big, representation: 'json', profile: false });
      expect(result.counts).toEqual({ in: 4, valid: 2, quarantined: 2 });
      expect((await tableRows(c, 'valid_rows')).map((r) => [r.id, r.big])).toEqual([['a', 12n], ['d', -9223372036854775808n]]);
      expect(result.quarantined.rows().map((q) => [q.line, q.issues.map((i) => i.code)])).toEqual([[2, ['not_storable']], [3, ['custom']]]);
    });
  });

  it('integers beyond 2^53 in deferred fields keep their digits (or are noted as rounded) without zod reading the row whole', async () => {
    const Ids = z.object({
      id: z.coerce.string().refine((s) => s.length > 3, 'four digits or more'),
      amount: z.number().refine((n) => n >= 0, 'not negative'),
      ok: z.boolean(),
    });
    const raws = Array.from({ length: 30 }, (_, i) => `{"id":${1234567890123456789n + BigInt(i)},"amount":${i % 2 ? 9007199254740993n : 5},"ok":true}`);
    const outcomes: { valid: unknown[]; notes: string[]; zodRows: number }[] = [];
    for (const schema of [Ids, zodOnly(Ids)]) {
      await withConnection(async (c) => {
        await createJsonRawRows(c, raws.map((raw, i) => ({ object: 'ids.jsonl', line: i + 1, raw })));
        const result = await runValidationStage(c, { schema, representation: 'json', profile: false });
        outcomes.push({ valid: (await tableRows(c, 'valid_rows')).map((r) => [r.id, r.amount]), notes: [...result.coercionNotes], zodRows: result.fastPath.zodRows });
      });
    }
    const [deferred, whole] = outcomes;
    expect(deferred!.zodRows).toBe(0);
    expect(whole!.zodRows).toBe(30);
    expect(deferred!.valid).toEqual(whole!.valid);
    expect(deferred!.valid[1]).toEqual(['1234567890123456790', 9007199254740992]);
    expect(deferred!.notes).toEqual(whole!.notes);
    expect(deferred!.notes.join('\n')).toMatch(/^amount: 15 integers in the source had more digits than a JavaScript number holds exactly/);
  });

  it('coercions zod made in a deferred field are noted, as on the whole-row path', async () => {
    const Seconds = z.object({ id: z.string(), ts: z.coerce.date().refine((d) => d.getTime() !== 0, 'not the epoch') });
    const raws = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `e${i}`, ts: 1_700_000_000 + i }));
    const notes: string[][] = [];
    for (const schema of [Seconds, zodOnly(Seconds)]) {
      await withConnection(async (c) => {
        await createJsonRawRows(c, raws.map((raw, i) => ({ object: 's.jsonl', line: i + 1, raw })));
        const result = await runValidationStage(c, { schema, representation: 'json', profile: false });
        notes.push([...result.coercionNotes]);
      });
    }
    // The first ran the deferred path, the second (an object-level refine) zod over whole rows.
    expect(notes[0]).toEqual(notes[1]);
    expect(notes[0]!.join('\n')).toMatch(/^ts: z\.coerce\.date\(\) \(new Date\(x\)\) read 20 numbers that look like seconds/);
  });

  describe('typed rows (Parquet)', () => {
    const Flight = z.object({
      origin: z.string().length(3).transform((s) => s.toLowerCase()),
      delay: z.number().refine((n) => n !== 13, 'unlucky').nullable(),
      distance: z.int().positive(),
      date: z.coerce.date().refine((d) => d.getUTCDay() !== 0, 'not on a Sunday'),
      gate: z.string().refine((g) => g.startsWith('G'), 'a gate starts with G').optional(),
      seen: z.date(),
    });
    const flight = fc.record({
      origin: fc.option(fc.constantFrom('LAS', 'ATL', 'MC', 'SFO', 'éé1'), { nil: null }),
      delay: fc.option(fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constantFrom(13, 13.5, Number.NaN)), { nil: null }),
      distance: fc.option(fc.integer({ min: -2, max: 3000 }), { nil: null }),
      // Every day of the week (with microseconds: zod reads the date, a deferred field, floored).
      date: fc.option(fc.tuple(fc.integer({ min: 0, max: 20 * 86_400 }), fc.constantFrom(0n, 0n, 0n, 250n)).map(([s, micros]) => BigInt(Date.UTC(2024, 0, 1) + s * 1000) * 1000n + micros), { nil: null }),
      // A field SQL checks: with microseconds, SQL leaves the row to zod, which reads it whole (and accepts it).
      seen: fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(0n, 0n, 0n, 7n)).map(([s, micros]) => BigInt(Date.UTC(2024, 0, 1) + s * 1000) * 1000n + micros),
      gate: fc.option(fc.constantFrom('G1', 'B2', ''), { nil: null }),
    });
    type Flight = { origin: string | null; delay: number | null; distance: number | null; date: bigint | null; gate: string | null; seen: bigint };
    const sql = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'bigint' ? `make_timestamp(${v})` : typeof v === 'number' ? (Number.isNaN(v) ? "'NaN'::DOUBLE" : String(v)) : `'${String(v)}'`);
    /** raw_rows as the Parquet loader makes it; objects b.parquet lack the gate column (missing, not null). */
    const load = async (c: Parameters<Parameters<typeof withConnection>[0]>[0], rows: readonly Flight[]): Promise<void> => {
      const values = rows.map((r, i) => `(${i + 1}::BIGINT, '${i % 3 ? 'a' : 'b'}.parquet', ${i + 1}::BIGINT, ${sql(r.origin)}, ${sql(r.delay)}::DOUBLE, ${sql(r.distance)}::BIGINT, ${sql(r.date)}::TIMESTAMP, ${i % 3 ? sql(r.gate) : 'NULL'}::VARCHAR, ${sql(r.seen)}::TIMESTAMP)`);
      await c.run(`CREATE OR REPLACE TABLE raw_rows AS SELECT * FROM (VALUES ${values.join(', ')}) AS t(_row_id, _object, _line, origin, delay, distance, date, gate, seen)`);
    };
    const absentColumns = { gate: ['b.parquet'] };
    /** What zod sees for a row, written here independently: the documented conversion of typed values. */
    const zodInput = (r: Flight, i: number): Record<string, unknown> => ({
      origin: r.origin, delay: r.delay, distance: r.distance, date: r.date === null ? null : new Date(Number(r.date / 1000n)),
      ...(i % 3 ? { gate: r.gate } : {}),
      seen: new Date(Number(r.seen / 1000n)),
    });

    it('gives zod-over-the-whole-row results, profile included, with objects that lack a deferred column', async () => {
      let deferredRows = 0;
      await fc.assert(fc.asyncProperty(fc.array(flight, { minLength: 1, maxLength: 120 }), async (rows) => {
        await withConnection(async (c) => {
          await load(c, rows);
          const result = await runValidationStage(c, { schema: Flight, representation: 'typed', absentColumns, distributions: false });
          const expected = rows.map((r, i) => ({ i, parsed: Flight.safeParse(zodInput(r, i)) }));
          const valid = expected.filter((e) => e.parsed.success);
          expect((await tableRows(c, 'valid_rows')).map((r) => [Number(r._row_id), r.origin, r.delay, r.distance === null ? null : Number(r.distance), (r.date as Date | null)?.getTime() ?? null, r.gate ?? null, (r.seen as Date).getTime()]))
            .toEqual(valid.map(({ i, parsed }) => { const d = parsed.data!; return [i + 1, d.origin, d.delay, d.distance, d.date.getTime(), d.gate ?? null, d.seen.getTime()]; }));
          expect(result.quarantined.rows().map((q) => [q.line, q.issues.map((x) => x.message)]))
            .toEqual(expected.filter((e) => !e.parsed.success).map(({ i, parsed }) => [i + 1, parsed.error!.issues.map((x) => x.message)]));
          expect(result.counts).toEqual({ in: rows.length, valid: valid.length, quarantined: rows.length - valid.length });
          // zod read whole only the rows it rejects and those SQL left to it (microseconds in seen):
          // a deferred column an object lacks is missing to zod, not null.
          expect(result.fastPath.zodRows).toBe(expected.filter(({ i, parsed }) => !parsed.success || rows[i]!.seen % 1000n !== 0n).length);
          // The profile is the valid rows' (zod's values), not the scan's.
          const origin = result.profile!.columns.find((col) => col.name === 'origin')!;
          expect([origin.count, origin.min, origin.max]).toEqual([valid.length, ...(valid.length ? [valid.map((v) => v.parsed.data!.origin).sort()[0], valid.map((v) => v.parsed.data!.origin).sort().at(-1)] : [null, null])]);
          if (result.fastPath.deferred) expect(result.fastPath.deferred.fields).toEqual(['origin', 'delay', 'date', 'gate']);
          deferredRows += result.fastPath.deferred?.rows ?? 0;
        });
      }), { numRuns: 25, endOnFailure: true });
      expect(deferredRows).toBeGreaterThan(10); // the property exercised the deferred path, not only zod's
    }, 240_000);
  });

  it('zod reads a deferred field in UTC, as on the whole-row path: text without a zone is the same instant on any machine', async () => {
    // The suite runs in New York time (vitest.config.ts); sluice runs zod in UTC.
    expect(process.env.TZ).not.toBe('UTC');
    const Local = z.object({ id: z.string(), at: z.preprocess((v) => (typeof v === 'string' ? new Date(v).getTime() : v), z.number()) });
    const raws = ['{"id":"a","at":"2024-01-01 10:00:00"}', '{"id":"b","at":"2024-07-01T08:30"}', '{"id":"c","at":1700000000000}'];
    const stored: unknown[][] = [];
    for (const schema of [Local, zodOnly(Local)]) {
      await withConnection(async (c) => {
        await createJsonRawRows(c, raws.map((raw, i) => ({ object: 'tz.jsonl', line: i + 1, raw })));
        await runValidationStage(c, { schema, representation: 'json', profile: false });
        stored.push((await tableRows(c, 'valid_rows')).map((r) => r.at));
      });
    }
    expect(stored[0]).toEqual([Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 6, 1, 8, 30), 1_700_000_000_000]);
    expect(stored[0]).toEqual(stored[1]);
  });
});
