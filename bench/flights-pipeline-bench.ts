/**
 * Issue 2's benchmark: the sluice pipeline over vega-datasets' flights-3m (3,000,000 real US
 * flights, Jan–Jun 2001) against the same computation hand-written in DuckDB SQL. Both write
 * the same `dt=` partitioned Parquet; the outputs are compared row by row before any figure
 * is reported. Target: sluice / hand-written <= 1.3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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
 * dense day grid per airport, window frames, written as the same dt= partitioned Parquet.
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
grid AS (SELECT origin, unnest(generate_series(min(day) + 1, max(day) + 30)) AS t FROM days GROUP BY origin),
dense AS (SELECT g.origin, g.t, d.n, d.s, d.mx FROM grid g LEFT JOIN days d ON d.origin = g.origin AND d.day = g.t - 1),
windowed AS (SELECT origin, t,
  ${cols}
  FROM dense)
SELECT origin AS entity_id, epoch_ms(t * ${DAY}) AS feature_ts,
  flights_1d, flights_7d, flights_30d, mean_delay_1d, mean_delay_7d, mean_delay_30d, max_delay_1d, max_delay_7d, max_delay_30d,
  strftime(epoch_ms(t * ${DAY}), '%Y-%m-%d') AS dt
FROM windowed WHERE flights_30d > 0
ORDER BY dt, entity_id, feature_ts
) TO '${out}' (FORMAT PARQUET, PARTITION_BY (dt), COMPRESSION ZSTD)`;
}

export interface FlightsBenchResult {
  readonly rows: number;
  readonly sluiceMs: number;
  readonly handWrittenMs: number;
  readonly ratio: number;
  readonly peakRssMb: number;
  readonly outputsEqual: boolean;
  /** Where sluice's time went (ms per stage, from result.timings). */
  readonly sluiceTimings: string;
}

/** Runs both, compares outputs, returns the figures. */
export async function runFlightsBench(): Promise<FlightsBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  try {
    // Warm the file cache so neither side pays the first read.
    const warm = await DuckDBInstance.create(':memory:');
    const wc = await warm.connect();
    await wc.run(`SELECT count(*) FROM read_parquet('${FLIGHTS}')`);

    const handOut = join(dir, 'hand');
    let started = performance.now();
    await wc.run(handWrittenSql(handOut));
    const handWrittenMs = performance.now() - started;

    const root = join(dir, 'store');
    started = performance.now();
    // writeZones: false skips the validated zone (a Parquet copy of all 3M valid rows, which
    // production writes in its event stage). The comparison is validation + feature computation
    // + feature-store write, which is all the hand-written SQL does. Quarantined rows would
    // still be reported (and written to the quarantine zone); the result's counts are checked.
    const result = await flightsPipeline(root).run({ zones: join(dir, 'zones'), writeZones: false });
    const sluiceMs = performance.now() - started;

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
    wc.closeSync();
    warm.closeSync();
    const outputsEqual =
      Number(row!.diffs) === 0 && Number(row!.na) === Number(row!.nb) && Number(row!.na) === result.featureRows &&
      result.counts.in === result.counts.valid + result.counts.quarantined;
    return {
      rows: result.counts.in,
      sluiceMs: Math.round(sluiceMs),
      handWrittenMs: Math.round(handWrittenMs),
      ratio: Number((sluiceMs / handWrittenMs).toFixed(2)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      outputsEqual,
      sluiceTimings: Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', '),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
