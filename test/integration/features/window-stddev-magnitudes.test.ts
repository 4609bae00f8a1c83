/**
 * stddev over values too large for the plain sum of squared deviations (|x| beyond ~1e154):
 * DuckDB's stddev_samp raises "Out of Range" there, which failed the whole aggregate stage
 * for one valid row. The oracle is the textbook scaled two-pass formula (scale by max |x|,
 * then s · sd(x / s)), written here independently of the planner.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stddev } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { planWindowQuery } from '../../../sdk/src/features/window-planner.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';

const COLUMNS = new Map<string, ScalarType>([['user', 'string'], ['ts', 'timestamp'], ['x', 'number'], ['_line', 'integer']]);
const DAY = 86_400_000;

function scaledSampleStddev(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const s = Math.max(...xs.map(Math.abs));
  if (s === 0) return 0;
  const ys = xs.map((x) => x / s);
  const m = ys.reduce((a, b) => a + b, 0) / ys.length;
  return s * Math.sqrt(ys.reduce((a, y) => a + (y - m) ** 2, 0) / (ys.length - 1));
}

let db: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  c = await db.connect();
});
afterAll(() => {
  c.closeSync();
  db.closeSync();
});

/** (day, value) events of one user; returns stddev_1d by feature day. */
async function spread1d(events: [number, number][]): Promise<Map<number, number | null>> {
  await c.run('CREATE OR REPLACE TABLE ev ("user" VARCHAR, ts TIMESTAMP, x DOUBLE, _line BIGINT)');
  await c.run(`INSERT INTO ev VALUES ${events.map(([d, x], i) => `('u', epoch_ms(CAST(${d * DAY + i * 1000} AS BIGINT)), CAST('${x}' AS DOUBLE), ${i})`).join(', ')}`);
  const node = validateWindow(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d'], features: { sd: stddev('x') } }), COLUMNS, 'steps[2].window');
  const rows = (await c.runAndReadAll(printSql(planWindowQuery(node, { table: 'ev', orderColumns: ['_line'] }), 'duckdb'))).getRowObjectsJS();
  return new Map(rows.map((r) => [(r.feature_ts as Date).getTime() / DAY, r.sd_1d as number | null]));
}

describe('windowed stddev at extreme magnitudes', () => {
  it.each([
    ['two huge values', [1e200, 2e200]],
    ['a huge value beside an ordinary one', [1e200, 3]],
    ['huge negative and positive values', [-1e160, 1e160, 5e159]],
    ['near the largest double', [1.5e308, -1.5e308 / 2]],
  ])('%s: the sample stddev, not an engine error', async (_, xs) => {
    const got = (await spread1d(xs.map((x) => [0, x]))).get(1)!;
    const want = scaledSampleStddev(xs)!;
    expect(Math.abs(got - want) / want).toBeLessThan(1e-12);
  });

  it('keeps an island of ordinary values exact after an island holding huge ones', async () => {
    const got = await spread1d([[0, 1e200], [0, 1e200], [5, 1], [5, 2]]);
    expect(got.get(1)).toBe(0);
    expect(got.get(6)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('windowed stddev of values whose magnitudes differ within an island', () => {
  // 1e9 and 1e9 + 1, then 1 and 2 three days later (one island for a 7d window): the windows
  // holding one pair have stddev 0.7071...; the spread between the pairs must not swamp it.
  const events: [number, number][] = [[0, 1e9], [0, 1e9 + 1], [3, 1], [3, 2]];

  async function spreads(): Promise<Map<number, { d1: number | null; d7: number | null }>> {
    await c.run('CREATE OR REPLACE TABLE ev ("user" VARCHAR, ts TIMESTAMP, x DOUBLE, _line BIGINT)');
    await c.run(`INSERT INTO ev VALUES ${events.map(([d, x], i) => `('u', epoch_ms(CAST(${d * DAY + (i + 1) * 1000} AS BIGINT)), ${x}, ${i})`).join(', ')}`);
    const node = validateWindow(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { sd: stddev('x') } }), COLUMNS, 'steps[2].window');
    const rows = (await c.runAndReadAll(printSql(planWindowQuery(node, { table: 'ev', orderColumns: ['_line'] }), 'duckdb'))).getRowObjectsJS();
    return new Map(rows.map((r) => [(r.feature_ts as Date).getTime() / DAY, { d1: r.sd_1d as number | null, d7: r.sd_7d as number | null }]));
  }

  it('gives each window the stddev of its own values', async () => {
    const got = await spreads();
    const pair = scaledSampleStddev([1, 2])!;
    const all = scaledSampleStddev(events.map(([, x]) => x))!;
    expect(got.get(1)!.d1).toBeCloseTo(pair, 9); // [1e9, 1e9 + 1]
    expect(got.get(2)!.d7).toBeCloseTo(pair, 9);
    expect(got.get(4)!.d1).toBeCloseTo(pair, 9); // [1, 2]
    expect(Math.abs(got.get(4)!.d7! - all) / all).toBeLessThan(1e-12);
    expect(got.get(9)!.d7).toBeCloseTo(pair, 9); // [2 Jan, 9 Jan): 1 and 2 only
  });
});

describe('windowed stddev after one far-off value weeks earlier in the same island', () => {
  // One mistyped amount (1e10) on day 0, then two amounts near 100 every day for 60 days: one
  // island. The island's mean bucket mean sat near 1.7e8, far from every later window's values,
  // and their sums of squares cancelled (a 7-day stddev of 4.08 where the values give 1.46).
  const events: [number, number][] = [];
  for (let d = 0; d < 60; d++) {
    const v = d === 0 ? 1e10 : 100 + ((d * 7919) % 13) * 0.37;
    events.push([d, v], [d, v + 0.0005]);
  }

  it('gives each later 7-day window the stddev of its own values', async () => {
    await c.run('CREATE OR REPLACE TABLE ev ("user" VARCHAR, ts TIMESTAMP, x DOUBLE, _line BIGINT)');
    await c.run(`INSERT INTO ev VALUES ${events.map(([d, x], i) => `('u', epoch_ms(CAST(${d * DAY + (i % 2 + 1) * 3_600_000} AS BIGINT)), ${x}, ${i})`).join(', ')}`);
    const node = validateWindow(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['7d'], features: { sd: stddev('x') } }), COLUMNS, 'steps[2].window');
    const rows = (await c.runAndReadAll(printSql(planWindowQuery(node, { table: 'ev', orderColumns: ['_line'] }), 'duckdb'))).getRowObjectsJS();
    const byDay = new Map(rows.map((r) => [(r.feature_ts as Date).getTime() / DAY, r.sd_7d as number | null]));
    let checked = 0;
    for (let day = 8; day <= 60; day++) {
      const want = scaledSampleStddev(events.filter(([d]) => d >= day - 7 && d < day).map(([, x]) => x))!;
      expect(Math.abs(byDay.get(day)! - want) / want, `day ${day}`).toBeLessThan(1e-9);
      checked++;
    }
    expect(checked).toBe(53);
  });
});
