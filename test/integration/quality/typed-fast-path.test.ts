/**
 * Typed rows (as read from Parquet): the SQL fast path and pure zod agree. What zod sees for
 * a typed row is written out here independently: integers as numbers when exact (bigint
 * otherwise), timestamps as Dates truncated to milliseconds.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { tableRows, withConnection } from './raw-rows.js';

const Flight = z.object({
  origin: z.string().length(3),
  delay: z.number().gte(-60).nullable(),
  distance: z.int().positive(),
  cancelled: z.boolean(),
  date: z.coerce.date().min(new Date('2000-01-01T00:00:00Z')),
  carrier: z.enum(['AA', 'UA', 'DL']),
  gate: z.string().optional(),
});

interface TypedRow { origin: string | null; delay: number | null; distance: bigint | null; cancelled: boolean | null; micros: bigint | null; carrier: string | null }

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const typedRow: fc.Arbitrary<TypedRow> = fc.record({
  origin: fc.option(fc.constantFrom('LAS', 'ATL', 'MC', 'MCIX', '😀😀😀', 'SFO'), { nil: null }),
  delay: fc.option(fc.oneof(fc.integer({ min: -100, max: 300 }), fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -60, -60.5)), { nil: null }),
  distance: fc.option(fc.oneof(fc.bigInt({ min: -5n, max: 3000n }), fc.constantFrom(0n, 1n, MAX_SAFE, MAX_SAFE + 1n, -MAX_SAFE - 2n)), { nil: null }),
  cancelled: fc.option(fc.boolean(), { nil: null }),
  micros: fc.option(fc.oneof(
    fc.bigInt({ min: 946_684_800_000_000n, max: 1_900_000_000_000_000n }).map((m) => (m / 1000n) * 1000n),
    fc.bigInt({ min: 900_000_000_000_000n, max: 1_900_000_000_000_000n }),
    fc.constantFrom(946_684_800_000_000n, 946_684_799_999_000n, 946_684_800_000_001n),
  ), { nil: null }),
  carrier: fc.option(fc.constantFrom('AA', 'UA', 'DL', 'XX'), { nil: null }),
});

/** What zod sees for a typed row (the documented conversion, written here independently). */
function zodInput(r: TypedRow): Record<string, unknown> {
  return {
    origin: r.origin,
    delay: r.delay,
    distance: r.distance === null ? null : r.distance >= -MAX_SAFE && r.distance <= MAX_SAFE ? Number(r.distance) : r.distance,
    cancelled: r.cancelled,
    // Floored to the millisecond, as JS reads the same instant from text ('…59.9995Z' is …59.999).
    date: r.micros === null ? null : new Date(Math.floor(Number(r.micros) / 1000)),
    carrier: r.carrier,
  };
}

async function loadTypedRows(c: Parameters<Parameters<typeof withConnection>[0]>[0], input: readonly TypedRow[]): Promise<void> {
  await c.run('CREATE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, origin VARCHAR, delay DOUBLE, distance BIGINT, cancelled BOOLEAN, date TIMESTAMP, carrier VARCHAR)');
  const appender = await c.createAppender('raw_rows');
  input.forEach((r, i) => {
    appender.appendBigInt(BigInt(i + 1));
    appender.appendVarchar(i % 2 ? 'a.parquet' : 'b.parquet');
    appender.appendBigInt(BigInt(i + 1));
    if (r.origin === null) appender.appendNull(); else appender.appendVarchar(r.origin);
    if (r.delay === null) appender.appendNull(); else appender.appendDouble(r.delay);
    if (r.distance === null) appender.appendNull(); else appender.appendBigInt(r.distance);
    if (r.cancelled === null) appender.appendNull(); else appender.appendBoolean(r.cancelled);
    if (r.micros === null) appender.appendNull(); else appender.appendTimestamp(new DuckDBTimestampValue(r.micros));
    if (r.carrier === null) appender.appendNull(); else appender.appendVarchar(r.carrier);
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}

/** A column's profile computed from zod's outputs in plain JS: what the report must show. */
function jsColumnProfile(values: readonly unknown[], kind: 'text' | 'number' | 'timestamp' | 'boolean') {
  const present = values.filter((v) => v !== null && v !== undefined);
  const keyed = present.map((v) => (v instanceof Date ? v.getTime() : v));
  const sorted = [...keyed].sort((a, b) => (kind === 'text' || kind === 'boolean' ? (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0) : (a as number) - (b as number)));
  const show = (v: unknown) => (v === undefined ? null : kind === 'timestamp' ? new Date(v as number).toISOString() : v);
  const out: Record<string, unknown> = {
    count: values.length, nullCount: values.length - present.length, distinctCount: new Set(keyed).size,
    min: show(sorted[0]), max: show(sorted.at(-1)),
  };
  if (kind === 'number') {
    const xs = keyed as number[];
    const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    out.mean = mean;
    out.stddev = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean!) ** 2, 0) / (xs.length - 1)) : null;
  }
  return out;
}

describe('SQL fast path ≡ pure zod (typed rows)', () => {
  it('the column profile (taken in the validation scan when SQL accepts every row) equals one computed from zod\'s outputs', async () => {
    // Half the cases keep only rows zod accepts with whole-millisecond dates, so SQL accepts them
    // all and the profile comes from the validation scan; the others take the zod path.
    await fc.assert(fc.asyncProperty(fc.array(typedRow, { minLength: 1, maxLength: 80 }), fc.boolean(), async (generated, onlyValid) => {
      const input = onlyValid
        ? generated.filter((r) => Flight.safeParse(zodInput(r)).success && r.micros! % 1000n === 0n)
        : generated;
      if (input.length === 0) return;
      await withConnection(async (c) => {
        await loadTypedRows(c, input);
        const result = await runValidationStage(c, { schema: Flight, representation: 'typed', distributions: false });
        const valid = input.map((r) => Flight.safeParse(zodInput(r))).filter((p) => p.success).map((p) => p.data!);
        if (onlyValid) expect(result.fastPath.zodRows).toBe(0);
        const kinds = { origin: 'text', delay: 'number', distance: 'number', cancelled: 'boolean', date: 'timestamp', carrier: 'text', gate: 'text' } as const;
        const profile = Object.fromEntries(result.profile!.columns.map((col) => [col.name, col]));
        for (const [name, kind] of Object.entries(kinds)) {
          const expected = jsColumnProfile(valid.map((row) => (row as Record<string, unknown>)[name] ?? null), kind);
          const actual = profile[name]!;
          expect({ name, count: actual.count, nullCount: actual.nullCount, distinctCount: actual.distinctCount, min: actual.min, max: actual.max })
            .toEqual({ name, count: expected.count, nullCount: expected.nullCount, distinctCount: expected.distinctCount, min: expected.min, max: expected.max });
          if (kind === 'number') {
            for (const stat of ['mean', 'stddev'] as const) {
              const e = expected[stat] as number | null;
              const a = actual[stat] ?? null;
              if (e === null) expect(a).toBeNull();
              else expect(Math.abs(a! - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
            }
          }
        }
      });
    }), { numRuns: 30, endOnFailure: true });
  }, 240_000);

  it('huge valid values beside a NaN in a rejected row: the profile scales only the huge column (no overflow error, no zero stddev)', async () => {
    // max(delay) over the scan is NaN (the rejected row), which once hid the 1e308s from the
    // overflow retry: it left delay unscaled and the run died with "STDDEV_SAMP is out of range".
    const base = { origin: 'LAS', cancelled: true, micros: 1_000_000_000_000_000n, carrier: 'AA' };
    const input: TypedRow[] = [
      { ...base, delay: 1e308, distance: 10n },
      { ...base, delay: 1.5e308, distance: 20n },
      { ...base, delay: 5, distance: 30n },
      { ...base, delay: 7, distance: 40n },
      { ...base, delay: Number.NaN, distance: 50n },
    ];
    await withConnection(async (c) => {
      await loadTypedRows(c, input);
      const result = await runValidationStage(c, { schema: Flight, representation: 'typed', distributions: false });
      expect(result.counts).toEqual({ in: 5, valid: 4, quarantined: 1 });
      const profile = Object.fromEntries(result.profile!.columns.map((col) => [col.name, col]));
      const scale = 2 ** -600;
      const delays = [1e308, 1.5e308, 5, 7].map((d) => d * scale);
      const mean = delays.reduce((a, b) => a + b, 0) / 4;
      const sd = Math.sqrt(delays.reduce((a, x) => a + (x - mean) ** 2, 0) / 3) / scale;
      expect(Math.abs(profile.delay!.stddev! - sd) / sd).toBeLessThan(1e-12);
      expect(profile.distance!.stddev).toBeCloseTo(Math.sqrt(((10 - 25) ** 2 + (20 - 25) ** 2 + (30 - 25) ** 2 + (40 - 25) ** 2) / 3), 9);
    });
  });

  it('a floating-point column checked as an integer: NaN, ±Infinity and values past 64 bits are quarantined, the profile scan never converts them', async () => {
    // pandas writes an integer column with missing values as float64 with NaN; casting those to
    // BIGINT for the profile once failed the whole run ("Conversion Error … can't be cast").
    const Counts = z.object({ id: z.string(), n: z.number().int() });
    const values = [1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e30, 2 ** 63, -(2 ** 63) * 2, 42];
    await withConnection(async (c) => {
      await c.run('CREATE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, id VARCHAR, n DOUBLE)');
      const appender = await c.createAppender('raw_rows');
      values.forEach((n, i) => {
        appender.appendBigInt(BigInt(i + 1));
        appender.appendVarchar('a.parquet');
        appender.appendBigInt(BigInt(i + 1));
        appender.appendVarchar(`r${i + 1}`);
        appender.appendDouble(n);
        appender.endRow();
      });
      appender.closeSync();
      const result = await runValidationStage(c, { schema: Counts, representation: 'typed', distributions: false });
      const expected = values.map((n, i) => ({ line: i + 1, parsed: Counts.safeParse({ id: `r${i + 1}`, n }) }));
      expect(result.counts).toEqual({ in: values.length, valid: 2, quarantined: values.length - 2 });
      expect(result.quarantined.rows().map((q) => ({ line: q.line, issues: q.issues.map((x) => x.message) }))).toEqual(
        expected.filter((e) => !e.parsed.success).map((e) => ({ line: e.line, issues: e.parsed.error!.issues.map((x) => x.message) })),
      );
      const n = result.profile!.columns.find((col) => col.name === 'n')!;
      expect([n.min, n.max, n.distinctCount]).toEqual([1, 42, 2]);
    });
  });

  it('integer checks over integer columns of every width: the fast path accepts exactly what zod accepts', async () => {
    // A column's type may already prove a check (an INTEGER column is whole and within int32),
    // or prove only part of it (a UINTEGER column is whole but may exceed int32): values at each
    // type's edges and at each format's edges, against zod given the same numbers.
    const Ints = z.object({
      tiny: z.int32(),
      small: z.uint32(),
      int: z.int32(),
      uint: z.int32(),
      big: z.int(),
      bigU: z.uint32(),
      bigMin: z.int().min(-5),
    });
    const edges = {
      tiny: [-128, 0, 127],
      small: [-32_768, -1, 0, 32_767],
      int: [-2_147_483_648, 0, 2_147_483_647],
      uint: [0, 2_147_483_647, 2_147_483_648, 4_294_967_295],
      big: [-(2n ** 63n), -MAX_SAFE - 1n, -MAX_SAFE, 0n, MAX_SAFE, MAX_SAFE + 1n, 2n ** 63n - 1n],
      bigU: [-1n, 0n, 4_294_967_295n, 4_294_967_296n],
      bigMin: [-6n, -5n, 7n, MAX_SAFE + 1n],
    };
    const types = { tiny: 'TINYINT', small: 'SMALLINT', int: 'INTEGER', uint: 'UINTEGER', big: 'BIGINT', bigU: 'BIGINT', bigMin: 'BIGINT' } as const;
    const names = Object.keys(types) as (keyof typeof types)[];
    const rows = fc.sample(fc.record(Object.fromEntries(names.map((n) => [n, fc.constantFrom(...(edges[n] as (number | bigint)[]))])) as Record<keyof typeof types, fc.Arbitrary<number | bigint>>), { numRuns: 200, seed: 7 });
    const toZod = (v: number | bigint): number | bigint => (typeof v === 'number' ? v : v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v);
    await withConnection(async (c) => {
      await c.run(`CREATE TABLE raw_rows (_row_id BIGINT, _object VARCHAR, _line BIGINT, ${names.map((n) => `${n} ${types[n]}`).join(', ')})`);
      await c.run(`INSERT INTO raw_rows VALUES ${rows.map((r, i) => `(${i + 1}, 'a.parquet', ${i + 1}, ${names.map((n) => String(r[n])).join(', ')})`).join(', ')}`);
      const result = await runValidationStage(c, { schema: Ints, representation: 'typed', profile: false });
      const expected = rows.map((r, i) => ({ line: i + 1, ok: Ints.safeParse(Object.fromEntries(names.map((n) => [n, toZod(r[n])]))).success }));
      const validLines = new Set((await tableRows(c, 'valid_rows')).map((row) => Number(row._line)));
      expect(expected.map((e) => ({ line: e.line, ok: validLines.has(e.line) }))).toEqual(expected);
      expect(result.fastPath.sqlRows).toBe(expected.filter((e) => e.ok).length);
      expect(expected.some((e) => e.ok) && expected.some((e) => !e.ok)).toBe(true);
    });
  });

  it('random typed rows', async () => {
    await fc.assert(fc.asyncProperty(fc.array(typedRow, { minLength: 20, maxLength: 120 }), async (input) => {
      await withConnection(async (c) => {
        await loadTypedRows(c, input);

        const result = await runValidationStage(c, { schema: Flight, representation: 'typed', profile: false, windowColumns: { entity: 'origin', timestamp: 'date' } });
        // Without a profile the same scan takes what bounds a window's rows, when SQL accepted
        // every row (else zod may accept rows the scan did not look at, and there is no bound).
        const instants = input.flatMap((r) => (r.micros === null ? [] : [r.micros]));
        expect(result.windowBounds).toEqual(instants.length === 0 || result.fastPath.sqlRows < input.length ? undefined : {
          entities: new Set(input.flatMap((r) => (r.origin === null ? [] : [r.origin]))).size,
          firstMs: Number(instants.reduce((a, b) => (b < a ? b : a)) / 1000n),
          lastMs: Number(instants.reduce((a, b) => (b > a ? b : a)) / 1000n),
        });
        const expectedValid: Record<string, unknown>[] = [];
        const expectedQuarantine: unknown[] = [];
        input.forEach((r, i) => {
          const parsed = Flight.safeParse(zodInput(r));
          if (parsed.success) {
            const d = parsed.data;
            expectedValid.push({ line: i + 1, origin: d.origin, delay: d.delay, distance: d.distance, cancelled: d.cancelled, date: d.date.getTime(), carrier: d.carrier, gate: d.gate ?? null });
          } else {
            expectedQuarantine.push({ line: i + 1, issues: parsed.error.issues.map((x) => ({ path: x.path, code: x.code, message: x.message })) });
          }
        });
        const valid = (await tableRows(c, 'valid_rows')).map((row) => ({
          line: Number(row._line), origin: row.origin, delay: row.delay, distance: typeof row.distance === 'bigint' ? Number(row.distance) : row.distance,
          cancelled: row.cancelled, date: (row.date as Date).getTime(), carrier: row.carrier, gate: row.gate,
        }));
        expect(valid).toEqual(expectedValid);
        expect(result.quarantined.rows().map((q) => ({ line: q.line, issues: q.issues }))).toEqual(expectedQuarantine);
        expect(result.counts.in).toBe(input.length);
        expect(result.counts.valid + result.counts.quarantined).toBe(input.length);
        // The fast path did the work: every valid row went through SQL — those whose timestamp has
        // sub-millisecond digits in a second look at the rows the first did not accept, floored as
        // zod sees them — and zod saw only the rows it rejects.
        expect(result.fastPath.sqlRows).toBe(expectedValid.length);
        expect(result.fastPath.zodRows).toBe(expectedQuarantine.length);
      });
    }), { numRuns: 20, endOnFailure: true });
  }, 240_000);
});
