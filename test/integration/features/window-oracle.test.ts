/**
 * Window semantics (DESIGN §4) against a naive oracle: for random event sets, the planned SQL
 * run in DuckDB must equal a plain-JS loop over entities, boundaries and events. The oracle
 * is written from the spec, independently of the planner's bucket/island/frame strategy.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, countDistinct, first, last, max, mean, median, min, percentile, stddev, sum } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { planWindowQuery } from '../../../sdk/src/features/window-planner.js';
import { planFeatureRowCount } from '../../../sdk/src/features/window-row-count.js';
import { featureColumns } from '../../../sdk/src/features/feature-naming.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import type { Duration } from '../../../sdk/src/plan/duration.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';

interface Event {
  user: string | null;
  ts: number | null; // epoch ms
  amount: number | null;
  kind: string | null;
  line: number;
}

const COLUMNS = new Map<string, ScalarType>([['user', 'string'], ['ts', 'timestamp'], ['amount', 'number'], ['kind', 'string'], ['_line', 'integer']]);
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function buildNode(every: Duration, windows: Duration[]) {
  const spec = window({
    entity: 'user', timestamp: 'ts', every, windows,
    features: {
      events: count(),
      clicks: count().where("kind = 'click'"),
      spend: sum('amount'),
      avg_amount: mean('amount'),
      low: min('amount'),
      high: max('amount').where('amount < 500'),
      spread: stddev('amount'),
      kinds: countDistinct('kind'),
      // The local engine has no mergeable sketch: the approximate form is counted exactly.
      paid_kinds: countDistinct('kind', { approximate: true }).where('amount > 0'),
      first_kind: first('kind'),
      last_amount: last('amount').where("kind <> 'view'"),
      p90: percentile('amount', 0.9),
      paid_median: median('amount').where("kind = 'purchase'"),
      p07: percentile('amount', 0.07),
    },
    // Derived per window (names a feature bare), and once over fixed windows / the boundary.
    derive: {
      click_share: 'clicks / events',
      spend_per_kind: 'spend / kinds',
      trend: `events_${windows[0]} - events_${windows.at(-1)}`,
      boundary_weekday: 'day_of_week(feature_ts)',
    },
  });
  return validateWindow(spec, COLUMNS, 'steps[2].window');
}

// ---- the oracle: straight from DESIGN §4 ----

type Row = Record<string, string | number | null>;

function oracle(events: Event[], everyMs: number, windows: { name: string; ms: number }[]): Row[] {
  const maxWindow = Math.max(...windows.map((w) => w.ms));
  const rows: Row[] = [];
  const usable = events.filter((e) => e.user !== null && e.ts !== null) as (Event & { user: string; ts: number })[];
  const users = [...new Set(usable.map((e) => e.user))].sort();
  for (const user of users) {
    const mine = usable.filter((e) => e.user === user);
    // Every boundary t (a multiple of every) at which the longest window is non-empty…
    const nonEmpty = new Set<number>();
    for (const e of mine) {
      for (let t = Math.floor(e.ts / everyMs) * everyMs + everyMs; t <= e.ts + maxWindow; t += everyMs) nonEmpty.add(t);
    }
    // …and each boundary right after one of those at which every window is empty again.
    const boundaries = new Set(nonEmpty);
    for (const t of nonEmpty) if (!nonEmpty.has(t + everyMs)) boundaries.add(t + everyMs);
    for (const t of [...boundaries].sort((a, b) => a - b)) {
      const row: Row = { entity_id: user, feature_ts: t };
      const features: Record<string, (inWindow: typeof mine) => string | number | null> = {
        events: (w) => w.length,
        clicks: (w) => w.filter((e) => e.kind === 'click').length,
        spend: (w) => nonNull(w.map((e) => e.amount)).reduce((a, b) => a + b, 0),
        avg_amount: (w) => {
          const xs = nonNull(w.map((e) => e.amount));
          return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
        },
        low: (w) => {
          const xs = nonNull(w.map((e) => e.amount));
          return xs.length ? Math.min(...xs) : null;
        },
        high: (w) => {
          const xs = nonNull(w.map((e) => e.amount)).filter((x) => x < 500);
          return xs.length ? Math.max(...xs) : null;
        },
        spread: (w) => {
          const xs = nonNull(w.map((e) => e.amount));
          if (xs.length < 2) return null;
          const m = xs.reduce((a, b) => a + b, 0) / xs.length;
          return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
        },
        kinds: (w) => new Set(nonNull(w.map((e) => e.kind))).size,
        paid_kinds: (w) => new Set(nonNull(w.filter((e) => e.amount !== null && e.amount > 0).map((e) => e.kind))).size,
        first_kind: (w) => {
          const candidates = w.filter((e) => e.kind !== null).sort((a, b) => a.ts - b.ts || a.line - b.line);
          return candidates.length ? candidates[0]!.kind : null;
        },
        p90: (w) => nearestRank(nonNull(w.map((e) => e.amount)), 0.9),
        paid_median: (w) => nearestRank(nonNull(w.filter((e) => e.kind === 'purchase').map((e) => e.amount)), 0.5),
        p07: (w) => nearestRank(nonNull(w.map((e) => e.amount)), 0.07),
        last_amount: (w) => {
          // SQL: kind <> 'view' is NULL (not true) when kind is NULL.
          const candidates = w.filter((e) => e.amount !== null && e.kind !== null && e.kind !== 'view').sort((a, b) => a.ts - b.ts || a.line - b.line);
          return candidates.length ? candidates[candidates.length - 1]!.amount : null;
        },
      };
      for (const [name, compute] of Object.entries(features)) {
        for (const w of windows) row[`${name}_${w.name}`] = compute(mine.filter((e) => t - w.ms <= e.ts && e.ts < t));
      }
      // Derived from the row's own features (division by zero is NULL), in window({ derive }) order.
      const divide = (a: string | number | null, b: string | number | null) => (a === null || b === null || b === 0 ? null : Number(a) / Number(b));
      for (const w of windows) row[`click_share_${w.name}`] = divide(row[`clicks_${w.name}`]!, row[`events_${w.name}`]!);
      for (const w of windows) row[`spend_per_kind_${w.name}`] = divide(row[`spend_${w.name}`]!, row[`kinds_${w.name}`]!);
      row.trend = Number(row[`events_${windows[0]!.name}`]) - Number(row[`events_${windows.at(-1)!.name}`]);
      row.boundary_weekday = ((new Date(t).getUTCDay() + 6) % 7) + 1;
      rows.push(row);
    }
  }
  return rows;
}

/** The smallest value with at least a fraction p of the values at or below it (rank ⌈p·n⌉, by exact arithmetic on p in millionths). */
function nearestRank(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const millionths = Math.round(p * 1e6);
  return sorted[Math.max(1, Math.ceil((millionths * sorted.length) / 1e6)) - 1]!;
}

function nonNull<T>(xs: (T | null)[]): T[] {
  return xs.filter((x): x is T => x !== null);
}

// ---- running the planned query ----

let db: DuckDBInstance;
let connection: DuckDBConnection;
let tableId = 0;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
});
afterAll(() => {
  connection.closeSync();
  db.closeSync();
});

const sqlString = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);

async function createEventsTable(events: Event[]): Promise<string> {
  const name = `events_${tableId++}`;
  await connection.run(`CREATE TABLE ${name} ("user" VARCHAR, ts TIMESTAMP, amount DOUBLE, kind VARCHAR, _line BIGINT)`);
  if (events.length) {
    const values = events.map((e) => `(${sqlString(e.user)}, ${e.ts === null ? 'NULL' : `epoch_ms(CAST(${e.ts} AS BIGINT))`}, ${e.amount === null ? 'NULL' : String(e.amount)}, ${sqlString(e.kind)}, ${e.line})`);
    await connection.run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
  return name;
}

/** What planFeatureRowCount says the window will emit over these events. */
async function countPlanned(events: Event[], every: Duration, windows: Duration[]): Promise<number> {
  const name = await createEventsTable(events);
  const reader = await connection.runAndReadAll(printSql(planFeatureRowCount(buildNode(every, windows), name), 'duckdb'));
  await connection.run(`DROP TABLE ${name}`);
  return Number(reader.getRows()[0]![0] ?? 0);
}

async function runPlanned(events: Event[], every: Duration, windows: Duration[]): Promise<Row[]> {
  const name = await createEventsTable(events);
  const node = buildNode(every, windows);
  const sql = printSql(planWindowQuery(node, { table: name, orderColumns: ['_line'] }), 'duckdb');
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  expect(names).toEqual(['entity_id', 'feature_ts', ...featureColumns(node).map((c) => c.name)]);
  await connection.run(`DROP TABLE ${name}`);
  return reader.getRowObjectsJS().map((r) => {
    const row: Row = {};
    for (const [k, v] of Object.entries(r)) {
      row[k] = v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : (v as string | number | null);
    }
    return row;
  });
}

function expectSameRows(actual: Row[], expected: Row[]): void {
  expect(actual.map((r) => [r.entity_id, r.feature_ts])).toEqual(expected.map((r) => [r.entity_id, r.feature_ts]));
  actual.forEach((row, i) => {
    const want = expected[i]!;
    for (const [key, value] of Object.entries(want)) {
      const got = row[key];
      if (typeof value === 'number' && typeof got === 'number' && !Number.isInteger(value)) {
        expect(Math.abs(got - value), `${key} at ${row.entity_id} ${new Date(row.feature_ts as number).toISOString()}: ${got} vs ${value}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(value)));
      } else {
        expect(got, `${key} at ${row.entity_id} ${new Date(row.feature_ts as number).toISOString()}`).toEqual(value);
      }
    }
  });
}

// ---- generators: timestamps cluster on and around boundaries, spread over wide gaps ----

const cadence = fc.constantFrom<{ every: Duration; ms: number }>({ every: '1h', ms: UNIT_MS.h }, { every: '1d', ms: UNIT_MS.d }, { every: '15m', ms: 15 * UNIT_MS.m });

function eventsFor(everyMs: number) {
  const ts = fc.tuple(fc.integer({ min: -40, max: 60 }), fc.constantFrom(0, 1, -1, 0.5, 0.999)).map(([bucket, frac]) => bucket * everyMs + Math.round(frac * everyMs));
  const event = fc.record({
    user: fc.option(fc.constantFrom('a', 'b', "o'c"), { freq: 12 }),
    ts: fc.option(ts, { freq: 15 }),
    amount: fc.option(fc.oneof(fc.integer({ min: -50, max: 700 }), fc.double({ min: -1000, max: 1000, noNaN: true }).map((x) => Math.round(x * 100) / 100 || 0)), { freq: 4 }), // || 0: no -0, which SQL does not keep
    kind: fc.option(fc.constantFrom('click', 'view', 'purchase'), { freq: 5 }),
  });
  return fc.array(event, { maxLength: 40 }).map((xs) => xs.map((e, line) => ({ ...e, line }) as Event));
}

const windowSets = fc.uniqueArray(fc.constantFrom(1, 2, 3, 7), { minLength: 1, maxLength: 3 });

/** A cadence, random events, windows that are multiples of the cadence, and the oracle's rows for them. */
const randomCase = cadence.chain((c) => fc.tuple(fc.constant(c), eventsFor(c.ms), windowSets)).map(([c, events, multiples]) => {
  const unit = c.every.slice(-1) as keyof typeof UNIT_MS;
  const size = Number(c.every.slice(0, -1));
  const windows = multiples.map((k) => `${k * size}${unit}` as Duration);
  const expected = oracle(events, c.ms, windows.map((w) => ({ name: w, ms: Number(w.slice(0, -1)) * UNIT_MS[unit] })));
  return { every: c.every, events, windows, expected };
});

describe('window planner vs naive oracle', () => {
  it('matches the oracle on random event sets (boundaries, gaps, decay, nulls, filters, ties, pre-1970)', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async ({ every, events, windows, expected }) => {
        expectSameRows(await runPlanned(events, every, windows), expected);
      }),
      { numRuns: 40 },
    );
  });

  it('the row count taken before computing (planFeatureRowCount) is the number of rows the oracle emits', async () => {
    await fc.assert(
      fc.asyncProperty(randomCase, async ({ every, events, windows, expected }) => {
        expect(await countPlanned(events, every, windows)).toBe(expected.length);
      }),
      { numRuns: 60 },
    );
  });

  it('emits rows while any window is non-empty, then one where every window is empty: counts decay to zero', async () => {
    const day = UNIT_MS.d;
    const t0 = Date.UTC(2024, 0, 10);
    const events: Event[] = [
      { user: 'u', ts: t0, amount: 5, kind: 'click', line: 0 }, // exactly on a boundary: belongs to the next row
      { user: 'u', ts: t0 + day - 1, amount: 7, kind: 'view', line: 1 },
      { user: 'u', ts: t0 + 10 * day, amount: 1, kind: 'click', line: 2 }, // after a gap longer than every window
    ];
    const rows = await runPlanned(events, '1d', ['1d', '2d']);
    // Written out by hand: one island [Jan 11, Jan 12] and its empty row Jan 13, a gap, then
    // [Jan 21, Jan 22] and Jan 23. A lookup after Jan 13 finds zeros, not Jan 12's two events.
    expect(rows.map((r) => [new Date(r.feature_ts as number).toISOString().slice(0, 10), r.events_1d, r.events_2d, r.spend_2d, r.first_kind_2d])).toEqual([
      ['2024-01-11', 2, 2, 12, 'click'],
      ['2024-01-12', 0, 2, 12, 'click'],
      ['2024-01-13', 0, 0, 0, null],
      ['2024-01-21', 1, 1, 1, 'click'],
      ['2024-01-22', 0, 1, 1, 'click'],
      ['2024-01-23', 0, 0, 0, null],
    ]);
  });

  it('takes the percentile at the exact rank where p·n is whole (0.07 × 100 is 7.000000000000001 in doubles)', async () => {
    const events: Event[] = Array.from({ length: 100 }, (_, i) => ({ user: 'a', ts: 3_600_000 + i, amount: 100 - i, kind: 'purchase', line: i }));
    const [row] = await runPlanned(events, '1d', ['1d']);
    expect(0.07 * 100).not.toBe(7);
    expect(row!.p07_1d).toBe(7);
    expect(row!.p90_1d).toBe(90);
    expect(row!.paid_median_1d).toBe(50);
  });

  it('skips rows with a null entity or timestamp and returns no rows for no events', async () => {
    expect(await runPlanned([], '1d', ['1d'])).toEqual([]);
    const rows = await runPlanned([{ user: null, ts: 0, amount: 1, kind: 'view', line: 0 }, { user: 'a', ts: null, amount: 1, kind: 'view', line: 1 }], '1d', ['1d']);
    expect(rows).toEqual([]);
  });

  it('keeps stddev accurate for large values with a small spread', async () => {
    const base = 1e9;
    const events: Event[] = [0, 1, 2, 3, 4, 5].map((i) => ({ user: 'u', ts: i * UNIT_MS.h, amount: base + (i % 3) * 0.5, kind: 'view', line: i }));
    const rows = await runPlanned(events, '1h', ['6h']);
    const xs = events.map((e) => e.amount! - base);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const expected = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    const at6 = rows.find((r) => r.feature_ts === 6 * UNIT_MS.h)!;
    expect(Math.abs((at6.spread_6h as number) - expected)).toBeLessThan(1e-9);
  });

  it('gives stddev exactly 0 over a window of equal values, whatever else the entity holds', async () => {
    // fast-check's counterexample (seed -1207243109): the shifted sums left 9.5e-7 here.
    const day = UNIT_MS.d;
    const events: Event[] = [[0, 0], [2, 267], [3, 0], [-1, 0], [1, 0]].map(([d, amount], line) => ({ user: 'b', ts: d! * day, amount: amount!, kind: null, line }));
    const rows = await runPlanned(events, '1d', ['3d']);
    const at = (d: number) => rows.find((r) => r.feature_ts === d * day)!.spread_3d;
    expect(at(2)).toBe(0); // [-1d, 2d): 0, 0, 0
    expect(at(3)).toBeCloseTo(Math.sqrt((2 * 89 ** 2 + 178 ** 2) / 2), 9); // 0, 0, 267
  });
});
