/**
 * Micro benchmark of the window planner (not a test): the sluice-planned feature query versus
 * the same features hand-written in DuckDB SQL, over vega-datasets' flights-3m.parquet
 * (3M flights, Jan–Jun 2001). Features: flights count, mean delay, max delay over 1d/7d/30d at
 * a daily cadence, entity = origin airport. Both read the same in-memory table; the script
 * checks that the outputs are equal and prints both timings (best and median of ROUNDS=5 runs,
 * alternating; on a shared machine the best run is the steadier figure).
 *
 * Run: npx vite-node bench/window-planner-bench.ts
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import { count, max, mean } from '../sdk/src/features/aggregations.js';
import { window } from '../sdk/src/features/window.js';
import { validateWindow } from '../sdk/src/features/window-validation.js';
import { planWindowQuery } from '../sdk/src/features/window-planner.js';
import { printSql } from '../sdk/src/sql/dialects.js';

const PARQUET = fileURLToPath(new URL('../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url));
const DAY = 86_400_000;
const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** What an engineer fluent in DuckDB would write: daily partials, a dense day grid, frames. */
const HAND_WRITTEN = `
CREATE OR REPLACE TABLE hand_rows AS
WITH daily AS (
  SELECT origin, epoch_ms(date) // ${DAY} AS d, count(*) AS n, sum(delay) AS s, count(delay) AS c, max(delay) AS mx
  FROM flights WHERE origin IS NOT NULL AND date IS NOT NULL
  GROUP BY ALL
), grid AS (
  SELECT origin, unnest(range(min(d) + 1, max(d) + 31)) AS j FROM daily GROUP BY origin
), joined AS (
  SELECT g.origin, g.j, d.n, d.s, d.c, d.mx FROM grid g LEFT JOIN daily d ON d.origin = g.origin AND d.d = g.j - 1
), w AS (
  SELECT origin, j,
    sum(n) OVER w1 AS n1, sum(n) OVER w7 AS n7, sum(n) OVER w30 AS n30,
    sum(s) OVER w1 / sum(c) OVER w1 AS m1, sum(s) OVER w7 / sum(c) OVER w7 AS m7, sum(s) OVER w30 / sum(c) OVER w30 AS m30,
    max(mx) OVER w1 AS x1, max(mx) OVER w7 AS x7, max(mx) OVER w30 AS x30
  FROM joined
  WINDOW w1 AS (PARTITION BY origin ORDER BY j ROWS BETWEEN CURRENT ROW AND CURRENT ROW),
         w7 AS (PARTITION BY origin ORDER BY j ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),
         w30 AS (PARTITION BY origin ORDER BY j ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT origin AS entity_id, epoch_ms(j * ${DAY}) AS feature_ts,
  coalesce(n1, 0) AS flights_1d, coalesce(n7, 0) AS flights_7d, coalesce(n30, 0) AS flights_30d,
  m1 AS mean_delay_1d, m7 AS mean_delay_7d, m30 AS mean_delay_30d,
  x1 AS max_delay_1d, x7 AS max_delay_7d, x30 AS max_delay_30d
FROM w WHERE n30 > 0
ORDER BY entity_id, feature_ts`;

const spec = window({
  entity: 'origin', timestamp: 'date', every: '1d', windows: ['1d', '7d', '30d'],
  features: { flights: count(), mean_delay: mean('delay'), max_delay: max('delay') },
});
const node = validateWindow(spec, new Map([['date', 'timestamp'], ['delay', 'integer'], ['distance', 'integer'], ['origin', 'string'], ['destination', 'string']] as const), 'window');
const SLUICE = printSql({ kind: 'createTableAs', name: 'sluice_rows', orReplace: true, query: planWindowQuery(node, { table: 'flights', orderColumns: [] }) }, 'duckdb');

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
let t = performance.now();
await c.run(`CREATE TABLE flights AS SELECT * FROM read_parquet('${PARQUET.replaceAll("'", "''")}')`);
console.log(`load parquet: ${(performance.now() - t).toFixed(0)} ms`);

const timings: Record<'sluice' | 'hand', number[]> = { sluice: [], hand: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, sql] of [['sluice', SLUICE], ['hand', HAND_WRITTEN]] as const) {
    t = performance.now();
    await c.run(sql);
    timings[name].push(performance.now() - t);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const columns = ['flights_1d', 'flights_7d', 'flights_30d', 'mean_delay_1d', 'mean_delay_7d', 'mean_delay_30d', 'max_delay_1d', 'max_delay_7d', 'max_delay_30d'];
const diff = await c.runAndReadAll(`
  SELECT (SELECT count(*) FROM sluice_rows) AS sluice_rows, (SELECT count(*) FROM hand_rows) AS hand_rows,
    count(*) FILTER (WHERE s.entity_id IS NULL OR h.entity_id IS NULL) AS unmatched,
    count(*) FILTER (WHERE ${columns.map((col) => `NOT (s.${col} IS NOT DISTINCT FROM h.${col} OR abs(s.${col} - h.${col}) <= 1e-9 * greatest(1, abs(h.${col})))`).join(' OR ')}) AS different
  FROM sluice_rows s FULL JOIN hand_rows h ON s.entity_id = h.entity_id AND s.feature_ts = h.feature_ts`);
const check = diff.getRowObjectsJS()[0]!;
const s = median(timings.sluice);
const h = median(timings.hand);
const best = (xs: number[]) => Math.min(...xs);
console.log(`rows: sluice ${check.sluice_rows}, hand-written ${check.hand_rows}; unmatched ${check.unmatched}, different ${check.different}`);
console.log(`sluice planner: ${s.toFixed(0)} ms (runs ${timings.sluice.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`hand-written:   ${h.toFixed(0)} ms (runs ${timings.hand.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`ratio sluice / hand-written: median ${(s / h).toFixed(2)}, best ${(best(timings.sluice) / best(timings.hand)).toFixed(2)}`);
c.closeSync();
db.closeSync();
if (check.unmatched !== 0n || check.different !== 0n) process.exitCode = 1;
