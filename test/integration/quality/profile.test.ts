/**
 * Column profiles computed in DuckDB against the same statistics computed here in plain JS,
 * including values whose squares overflow a double, and the distributions a drift baseline
 * needs (computed only when asked for).
 */
import { describe, expect, it } from 'vitest';
import { computeProfile } from '../../../sdk/src/quality/profile.js';
import type { ColumnDescription } from '../../../sdk/src/quality/describe-schema.js';
import { withConnection } from './raw-rows.js';

const columns: ColumnDescription[] = [
  { name: 'x', type: 'number', nullable: true, optional: false },
  { name: 'kind', type: 'string', nullable: true, optional: false },
];

function jsMoments(xs: number[], s = 1): { mean: number; stddev: number } {
  // For values near 1e300, scaled like the engine's fallback so that squares stay finite here too.
  const ys = xs.map((x) => x * s);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const variance = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1);
  return { mean: mean / s, stddev: Math.sqrt(variance) / s };
}

async function profileOf(rows: [number | null, string | null][], distributions: boolean) {
  return withConnection(async (c) => {
    await c.run('CREATE TABLE t (x DOUBLE, kind VARCHAR)');
    const appender = await c.createAppender('t');
    for (const [x, kind] of rows) {
      if (x === null) appender.appendNull(); else appender.appendDouble(x);
      if (kind === null) appender.appendNull(); else appender.appendVarchar(kind);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    const run = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    return computeProfile(run, 't', columns, { distributions });
  });
}

describe('column profile', () => {
  it('counts, nulls, distinct values, extremes and moments match a plain-JS computation', async () => {
    const rows: [number | null, string | null][] = [[1.5, 'a'], [2.5, 'b'], [null, 'a'], [2.5, null], [-4, 'c'], [10, 'a']];
    const profile = await profileOf(rows, false);
    const x = profile.columns.find((c) => c.name === 'x')!;
    const kind = profile.columns.find((c) => c.name === 'kind')!;
    const xs = rows.map(([v]) => v).filter((v): v is number => v !== null);
    const { mean, stddev } = jsMoments(xs);
    expect({ count: x.count, nullCount: x.nullCount, distinctCount: x.distinctCount, min: x.min, max: x.max }).toEqual({ count: 6, nullCount: 1, distinctCount: 4, min: -4, max: 10 });
    expect(x.mean).toBeCloseTo(mean, 12);
    expect(x.stddev).toBeCloseTo(stddev, 12);
    expect({ nullCount: kind.nullCount, distinctCount: kind.distinctCount, min: kind.min, max: kind.max }).toEqual({ nullCount: 1, distinctCount: 3, min: 'a', max: 'c' });
    // No drift baseline asked for: no bins, no frequencies.
    expect(x.bins).toBeUndefined();
    expect(kind.frequencies).toBeUndefined();
  });

  it('values whose squares overflow a double still get a mean and stddev (the scaled retry)', async () => {
    const xs = [1e300, -1e300, 5e299, 1.7e308];
    const profile = await profileOf(xs.map((v) => [v, 'a']), false);
    const x = profile.columns.find((c) => c.name === 'x')!;
    const { mean, stddev } = jsMoments(xs, 2 ** -600);
    expect(Number.isFinite(x.stddev)).toBe(true);
    expect(Math.abs(x.stddev! - stddev) / stddev).toBeLessThan(1e-12);
    expect(Math.abs(x.mean! - mean) / Math.abs(mean)).toBeLessThan(1e-12);
  });

  it('the scaled retry scales only the columns that need it: ordinary values beside huge ones keep their stddev', async () => {
    // Scaled by 2^-600, 390 squared is below the smallest double: its stddev would come out 0.
    const both: ColumnDescription[] = [
      { name: 'huge', type: 'number', nullable: false, optional: false },
      { name: 'distance', type: 'integer', nullable: false, optional: false },
    ];
    const huge = [5.0278992070795195e179, 31, 235];
    const distance = [2441, 390, 298];
    const profile = await withConnection(async (c) => {
      await c.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${huge.map((h, i) => `(${h}::DOUBLE, ${distance[i]}::BIGINT)`).join(', ')}) AS v(huge, distance)`);
      const run = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
      return computeProfile(run, 't', both, { distributions: false });
    });
    const [h, d] = profile.columns;
    const expectedDistance = jsMoments(distance);
    expect(d!.mean).toBeCloseTo(1043, 9);
    expect(Math.abs(d!.stddev! - expectedDistance.stddev) / expectedDistance.stddev).toBeLessThan(1e-12);
    const expectedHuge = jsMoments(huge, 2 ** -600);
    expect(Math.abs(h!.stddev! - expectedHuge.stddev) / expectedHuge.stddev).toBeLessThan(1e-12);
  });

  it('distributions (bins, category frequencies) when a drift baseline needs them', async () => {
    const rows: [number, string][] = Array.from({ length: 100 }, (_, i) => [i, i % 4 === 0 ? 'rare' : 'common']);
    const profile = await profileOf(rows, true);
    const x = profile.columns.find((c) => c.name === 'x')!;
    const kind = profile.columns.find((c) => c.name === 'kind')!;
    expect(x.bins!.fractions.reduce((a, b) => a + b, 0) + x.bins!.nullFraction).toBeCloseTo(1, 12);
    // The minimum, the deciles, the maximum and the next double above it (x is 0 … 99).
    expect(x.bins!.edges).toEqual([0, 9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 99.00000000000001]);
    expect(x.bins!.fractions).toEqual([0, 0.09, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01, 0]);
    expect(kind.frequencies!.values).toEqual({ common: 0.75, rare: 0.25 });
  });

  it('a value most rows share gets its own bin [v, nextUp(v)), with the edge read back exactly', async () => {
    // 0.03's next double is 0.030000000000000002: printed as a plain decimal, DuckDB read it back
    // as 0.03 (a DECIMAL divided by 10^18), the own bin was empty and its rows fell in the next.
    const rows: [number, string][] = [...Array(80).fill(0.03), ...Array(10).fill(0.5), ...Array(10).fill(7)].map((x) => [x, 'k']);
    const x = (await profileOf(rows, true)).columns.find((c) => c.name === 'x')!;
    expect(x.bins!.edges.slice(0, 2)).toEqual([0.03, 0.030000000000000002]);
    const own = x.bins!.edges.indexOf(0.03) + 1; // bin i holds edges[i-1] <= x < edges[i]
    expect(x.bins!.fractions[own]).toBe(0.8);
  });
});
