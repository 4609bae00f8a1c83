/**
 * Issue 2's benchmark: the sluice pipeline over vega-datasets' flights-3m (3,000,000 real US
 * flights, Jan–Jun 2001) against the same computation hand-written in DuckDB SQL. Both write
 * the same `dt=` partitioned Parquet; the outputs are compared row by row before any figure
 * is reported. Target: sluice / hand-written <= 1.3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { pipeline, file, window, count, mean, max, featureStore } from '../sdk/src/index.js';

export const FLIGHTS = resolve(import.meta.dirname, '../node_modules/vega-datasets/data/flights-3m.parquet');

const Flight = z.object({
  date: z.date(),
  delay: z.number().int(),
  distance: z.number().int().nonnegative(),
  origin: z.string().length(3),
  destination: z.string(),
});

export function flightsPipeline(root: string) {
  return pipeline('flights')
    .from(file(FLIGHTS))
    .validate(Flight)
    .aggregate(
      window({
        entity: 'origin',
        timestamp: 'date',
        every: '1d',
        windows: ['1d', '7d', '30d'],
        features: { flights: count(), mean_delay: mean('delay'), max_delay: max('delay') },
      }),
    )
    .toFeatureStore(featureStore(root), { entity: 'airport', group: 'delays' });
}

const DAY = 86_400_000;

/**
 * What a careful engineer writes by hand for the same job: the schema's checks as a WHERE
 * clause (date present; delay and distance integers — BIGINT in the file — within JS's exact
 * range, distance >= 0; origin 3 characters; destination present), then per-day partials, a
 * dense day grid per airport, window frames, the rows where the 30-day window is non-empty or
 * was the day before (the row where it is empty again), written as the same dt= partitioned
 * Parquet (Snappy, as sluice writes).
 */
export function handWrittenSql(out: string): string {
  const frame = (days: number) => `OVER (PARTITION BY origin ORDER BY t ROWS BETWEEN ${days - 1} PRECEDING AND CURRENT ROW)`;
  const cols = [1, 7, 30]
    .map((d) => `coalesce(sum(n) ${frame(d)}, 0) AS flights_${d}d, sum(s) ${frame(d)} / sum(n) ${frame(d)} AS mean_delay_${d}d, max(mx) ${frame(d)} AS max_delay_${d}d`)
    .join(',\n  ');
  return `
COPY (
WITH days AS (
  SELECT origin, epoch_ms(date) // ${DAY} AS day, count(*) AS n, sum(delay)::DOUBLE AS s, max(delay)::DOUBLE AS mx
  FROM read_parquet('${FLIGHTS}')
  WHERE date IS NOT NULL
    AND delay BETWEEN -9007199254740991 AND 9007199254740991
    AND distance BETWEEN 0 AND 9007199254740991
    AND length(origin) = 3
    AND destination IS NOT NULL
  GROUP BY ALL),
grid AS (SELECT origin, unnest(generate_series(min(day) + 1, max(day) + 31)) AS t FROM days GROUP BY origin),
dense AS (SELECT g.origin, g.t, d.n, d.s, d.mx FROM grid g LEFT JOIN days d ON d.origin = g.origin AND d.day = g.t - 1),
windowed AS (SELECT origin, t,
  ${cols},
  sum(n) ${frame(31)} AS flights_31d
  FROM dense)
SELECT origin AS entity_id, epoch_ms(t * ${DAY}) AS feature_ts,
  flights_1d, flights_7d, flights_30d, mean_delay_1d, mean_delay_7d, mean_delay_30d, max_delay_1d, max_delay_7d, max_delay_30d,
  strftime(epoch_ms(t * ${DAY}), '%Y-%m-%d') AS dt
FROM windowed WHERE flights_31d > 0
ORDER BY dt, entity_id, feature_ts
) TO '${out}' (FORMAT PARQUET, PARTITION_BY (dt), COMPRESSION SNAPPY)`;
}

export interface FlightsBenchResult {
  readonly rows: number;
  /** Medians over the timed rounds. */
  readonly sluiceMs: number;
  readonly handWrittenMs: number;
  /** median(sluice) / median(hand-written). */
  readonly ratio: number;
  /** Each round's sluice / hand-written, in order. */
  readonly roundRatios: string;
  /**
   * The same with `run({ profile: false })`: sluice without the exact column profile of every
   * valid row (the quality report's column table), which the hand-written SQL does not compute.
   */
  readonly sluiceWithoutProfileMs: number;
  readonly ratioWithoutProfile: number;
  /**
   * CPU milliseconds of this process (DuckDB's threads included), medians: on a machine whose
   * cores both sides keep busy, wall time cannot fall below CPU time / cores, so this ratio
   * shows how much of the wall-time ratio is work sluice does that the hand-written SQL does not.
   */
  readonly sluiceCpuMs: number;
  readonly handWrittenCpuMs: number;
  readonly cpuRatio: number;
  readonly peakRssMb: number;
  readonly outputsEqual: boolean;
  /** Where sluice's time went in its median round (ms per stage, from result.timings). */
  readonly sluiceTimings: string;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/**
 * Runs both, compares outputs, returns the figures. One untimed round warms both sides (file
 * cache, DuckDB's memory, the JIT), then ROUNDS timed rounds alternate hand-written and sluice
 * (as run by default, then without the column profile) so that none gets the quieter moments
 * of a busy machine; medians are reported.
 */
export async function runFlightsBench(): Promise<FlightsBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  try {
    const warm = await DuckDBInstance.create(':memory:');
    const wc = await warm.connect();
    const hand: number[] = [];
    const handCpu: number[] = [];
    const sluiceCpu: number[] = [];
    const sluice: { ms: number; timings: string }[] = [];
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    const withoutProfile: number[] = [];
    let outputsEqual = true;
    let rows = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const handOut = join(dir, `hand-${round}`);
      let cpu = process.cpuUsage();
      let started = performance.now();
      await wc.run(handWrittenSql(handOut));
      const handWrittenMs = performance.now() - started;
      const handWrittenCpuMs = cpuMs(cpu);

      const root = join(dir, `store-${round}`);
      cpu = process.cpuUsage();
      started = performance.now();
      // writeZones: false skips the validated zone (a Parquet copy of all 3M valid rows, which
      // production writes in its event stage). The comparison is validation + feature computation
      // + feature-store write, which is all the hand-written SQL does. Quarantined rows would
      // still be reported (and written to the quarantine zone); the result's counts are checked.
      const result = await flightsPipeline(root).run({ zones: join(dir, `zones-${round}`), writeZones: false });
      const sluiceMs = performance.now() - started;
      const sluiceCpuMs = cpuMs(cpu);
      outputsEqual &&= (await outputsMatch(wc, root, handOut)) === result.featureRows && result.counts.in === result.counts.valid + result.counts.quarantined;
      rows = result.counts.in;

      const bare = join(dir, `store-bare-${round}`);
      started = performance.now();
      const bareResult = await flightsPipeline(bare).run({ zones: join(dir, `zones-bare-${round}`), writeZones: false, profile: false });
      const withoutProfileMs = performance.now() - started;
      outputsEqual &&= (await outputsMatch(wc, bare, handOut)) === bareResult.featureRows;
      if (round === 0) continue; // the warm-up round
      withoutProfile.push(withoutProfileMs);
      hand.push(handWrittenMs);
      handCpu.push(handWrittenCpuMs);
      sluiceCpu.push(sluiceCpuMs);
      sluice.push({ ms: sluiceMs, timings: Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', ') });
    }
    wc.closeSync();
    warm.closeSync();
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const handMedian = median(hand);
    const sluiceMedian = median(sluice.map((s) => s.ms));
    return {
      rows,
      sluiceMs: Math.round(sluiceMedian),
      handWrittenMs: Math.round(handMedian),
      ratio: Number((sluiceMedian / handMedian).toFixed(2)),
      roundRatios: sluice.map((s, i) => (s.ms / hand[i]!).toFixed(2)).join(' '),
      sluiceWithoutProfileMs: Math.round(median(withoutProfile)),
      ratioWithoutProfile: Number((median(withoutProfile) / handMedian).toFixed(2)),
      sluiceCpuMs: Math.round(median(sluiceCpu)),
      handWrittenCpuMs: Math.round(median(handCpu)),
      cpuRatio: Number((median(sluiceCpu) / median(handCpu)).toFixed(2)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      outputsEqual,
      sluiceTimings: sluice.find((s) => s.ms === sluiceMedian)!.timings,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The number of feature rows when both outputs hold the same rows (same keys, equal counts and
 * maxima, means within 1e-9), else -1.
 */
async function outputsMatch(wc: DuckDBConnection, root: string, handOut: string): Promise<number> {
  const sluiceFiles = `${root}/entity=airport/feature_group=delays/*/*.parquet`;
  const compare = await wc.runAndReadAll(`
    WITH a AS (SELECT * EXCLUDE (_plan_hash) FROM read_parquet('${sluiceFiles}')),
         b AS (SELECT * EXCLUDE (dt) FROM read_parquet('${handOut}/*/*.parquet', hive_partitioning = true))
    SELECT (SELECT count(*) FROM a) AS na, (SELECT count(*) FROM b) AS nb,
      (SELECT count(*) FROM a FULL JOIN b USING (entity_id, feature_ts)
        WHERE a.flights_1d IS DISTINCT FROM b.flights_1d OR a.flights_7d IS DISTINCT FROM b.flights_7d OR a.flights_30d IS DISTINCT FROM b.flights_30d
           OR a.max_delay_1d IS DISTINCT FROM b.max_delay_1d OR a.max_delay_7d IS DISTINCT FROM b.max_delay_7d OR a.max_delay_30d IS DISTINCT FROM b.max_delay_30d
           OR NOT (coalesce(abs(a.mean_delay_1d - b.mean_delay_1d), 0) < 1e-9 AND (a.mean_delay_1d IS NULL) = (b.mean_delay_1d IS NULL))
           OR NOT (coalesce(abs(a.mean_delay_7d - b.mean_delay_7d), 0) < 1e-9 AND (a.mean_delay_7d IS NULL) = (b.mean_delay_7d IS NULL))
           OR NOT (coalesce(abs(a.mean_delay_30d - b.mean_delay_30d), 0) < 1e-9 AND (a.mean_delay_30d IS NULL) = (b.mean_delay_30d IS NULL))) AS diffs`);
  const [row] = compare.getRowObjectsJS();
  const equal = Number(row!.diffs) === 0 && Number(row!.na) === Number(row!.nb);
  return equal ? Number(row!.na) : -1;
}
