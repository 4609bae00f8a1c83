/**
 * Issue 5's benchmark: a point-in-time training set of 300,000 labels drawn from vega-datasets'
 * flights-3m (entity = origin airport, label time = the flight's time, label = delayed > 15 min)
 * over daily airport features (flights / mean delay / max delay over 1d, 7d, 30d — the shape of
 * the foundation benchmark), built here with plain DuckDB SQL into the store layout.
 *
 * sluice `trainingSet(...).fetch()` (local engine, ASOF strategy) is compared with a
 * hand-written DuckDB ASOF JOIN over the same files; results are checked equal before any
 * figure is printed. Also printed: bytes read with and without partition pruning.
 *
 * Run through `npm run bench` (or `BENCH=training-set npx vite-node bench/run.ts`).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { trainingSet } from '../sdk/src/retrieval/training-set.js';
import { localEngine } from '../sdk/src/engines/local/training-set-local-engine.js';

const FLIGHTS = resolve(import.meta.dirname, '../node_modules/vega-datasets/data/flights-3m.parquet');
const DAY = 86_400_000;
const LABELS = Number(process.env.LABELS ?? 300_000);
const FEATURES = ['flights_1d', 'flights_7d', 'flights_30d', 'mean_delay_1d', 'mean_delay_7d', 'mean_delay_30d', 'max_delay_1d', 'max_delay_7d', 'max_delay_30d'];

/** Runs the benchmark, prints its figures and returns them (npm run bench writes them to bench/results/). */
export async function runTrainingSetBench(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'sluice-ts-bench-'));
  const root = join(work, 'store');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    // ---- features: daily rows per airport (the day the 30-day window empties included), dt-partitioned like the store writer ----
    const frame = (d: number) => `OVER (PARTITION BY origin ORDER BY t ROWS BETWEEN ${d - 1} PRECEDING AND CURRENT ROW)`;
    const cols = [1, 7, 30].map((d) => `coalesce(sum(n) ${frame(d)}, 0)::BIGINT AS flights_${d}d, sum(s) ${frame(d)} / sum(n) ${frame(d)} AS mean_delay_${d}d, max(mx) ${frame(d)} AS max_delay_${d}d`).join(',\n');
    const groupDir = join(root, 'entity=airport', 'feature_group=delays');
    mkdirSync(groupDir, { recursive: true });
    await c.run(`
      COPY (
        WITH days AS (SELECT origin, epoch_ms(date) // ${DAY} AS day, count(*) AS n, sum(delay)::DOUBLE AS s, max(delay)::DOUBLE AS mx FROM read_parquet('${FLIGHTS}') GROUP BY ALL),
        grid AS (SELECT origin, unnest(generate_series(min(day) + 1, max(day) + 31)) AS t FROM days GROUP BY origin),
        dense AS (SELECT g.origin, g.t, d.n, d.s, d.mx FROM grid g LEFT JOIN days d ON d.origin = g.origin AND d.day = g.t - 1),
        w AS (SELECT origin, t, ${cols}, sum(n) ${frame(31)} AS flights_31d FROM dense)
        SELECT origin AS entity_id, epoch_ms(t * ${DAY}) AS feature_ts, ${FEATURES.join(', ')}, 'bench' AS _plan_hash, strftime(epoch_ms(t * ${DAY}), '%Y-%m-%d') AS dt
        FROM w WHERE flights_31d > 0
      ) TO '${groupDir}' (FORMAT PARQUET, PARTITION_BY (dt))`);
    mkdirSync(join(root, '_catalog', 'entity=airport'), { recursive: true });
    writeFileSync(join(root, '_catalog', 'entity=airport', 'feature_group=delays.json'), JSON.stringify({
      entity: 'airport', group: 'delays', pipeline: 'flights', planHash: 'bench', plan: {},
      columns: [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP' }, ...FEATURES.map((f) => ({ name: f, type: f.startsWith('flights') ? 'BIGINT' : 'DOUBLE' })), { name: '_plan_hash', type: 'VARCHAR' }],
      features: FEATURES, every: '1d', windows: ['1d', '7d', '30d'], partitions: readdirSync(groupDir).map((d) => d.slice(3)).sort(), updatedAt: new Date(0).toISOString(),
    }));
    const featureRows = Number((await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${groupDir}/*/*.parquet')`)).getColumnsJS()[0]![0]);

    // ---- labels: 300k flights, deterministic sample ----
    const labelsPath = join(work, 'labels.parquet');
    await c.run(`COPY (SELECT origin AS entity_id, date AS ts, (delay > 15) AS delayed FROM read_parquet('${FLIGHTS}') ORDER BY hash(date, origin, destination, delay, distance) LIMIT ${LABELS}) TO '${labelsPath}' (FORMAT PARQUET)`);
    const labelTable = await arrowLabels(c, labelsPath);

    // ---- sluice ----
    const set = (labels: Table) => trainingSet(root, { labels, entity: 'airport', features: ['delays:*'], ttl: '30d' });
    const engine = localEngine();
    await set(labelTable).fetch({ engine }); // warm-up (file cache, DuckDB init)
    const te = performance.now();
    await set(labelTable).explain({ engine });
    const explainMs = performance.now() - te;
    const t0 = performance.now();
    const result = await set(labelTable).run({ engine });
    const sluiceMs = performance.now() - t0;

    // ---- hand-written ASOF JOIN ----
    const handSql = `
      SELECT l.entity_id, l.ts, l.delayed, ${FEATURES.map((f) => `CASE WHEN f.feature_ts > l.ts - INTERVAL 30 DAY THEN f.${f} END AS ${f}`).join(', ')}
      FROM (SELECT *, row_number() OVER () AS rid FROM read_parquet('${labelsPath}')) l
      ASOF LEFT JOIN read_parquet('${groupDir}/*/*.parquet') f ON l.entity_id = f.entity_id AND l.ts >= f.feature_ts
      ORDER BY l.rid`;
    await c.runAndReadAll(handSql);
    const t1 = performance.now();
    const hand = (await c.runAndReadAll(handSql)).getColumnsJS();
    const handMs = performance.now() - t1;
    const t2 = performance.now();
    await c.run(handSql); // materialized inside DuckDB only, never converted to JS values
    const handDuckOnlyMs = performance.now() - t2;

    // ---- equal results ----
    FEATURES.forEach((f, k) => {
      const mine = result.table.getChild(`delays__${f}`)!;
      const theirs = hand[3 + k]!;
      for (let i = 0; i < result.table.numRows; i++) {
        const a = mine.get(i) as unknown;
        const b = theirs[i] as unknown;
        const same = a === null || b === null ? a === b : typeof a === 'bigint' ? a === BigInt(b as bigint) : Math.abs((a as number) - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(b)));
        if (!same) throw new Error(`Mismatch at row ${i}, ${f}: sluice ${String(a)} vs hand-written ${String(b)}`);
      }
    });

    // ---- pruning: bytes read with and without it ----
    const allBytes = readdirSync(groupDir).flatMap((d) => readdirSync(join(groupDir, d)).map((f) => statSync(join(groupDir, d, f)).size)).reduce((a, b) => a + b, 0);
    const march = await c.runAndReadAll(`SELECT entity_id, ts, delayed FROM read_parquet('${labelsPath}') WHERE ts >= TIMESTAMP '2001-03-01' AND ts < TIMESTAMP '2001-03-08'`);
    const weekLabels = await arrowFromReader(march);
    const weekExplain = await set(weekLabels).explain({ engine });
    const fullExplain = result.estimate;

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
    console.log(`training set: ${LABELS.toLocaleString()} labels × ${FEATURES.length} features over ${featureRows.toLocaleString()} feature rows (${readdirSync(groupDir).length} dt partitions)`);
    console.log(`  sluice trainingSet().fetch() [local, ASOF]: ${sluiceMs.toFixed(0)} ms  (${fullExplain.chunks.length} chunk(s), ${result.stats.queries} query)`);
    console.log(`    engine phases (ms): ${JSON.stringify(result.stats.timings)}; planning (catalog, label keys, chunks, listing; = explain()) ${explainMs.toFixed(0)} ms`);
    console.log(`  hand-written DuckDB ASOF JOIN:             ${handMs.toFixed(0)} ms`);
    console.log(`  hand-written, result left inside DuckDB (no JS conversion, a lower bound): ${handDuckOnlyMs.toFixed(0)} ms`);
    console.log(`  ratio sluice / hand-written: ${(sluiceMs / handMs).toFixed(2)}  (target <= 1.3); vs the DuckDB-only lower bound: ${(sluiceMs / handDuckOnlyMs).toFixed(2)}; results equal: yes`);
    console.log(`  bytes read, all labels (Jan–Jun, ttl 30d): ${mb(result.stats.bytesRead)} with pruning vs ${mb(allBytes)} without`);
    console.log(`  bytes read, one week of labels (2001-03-01..07, ${weekExplain.labels.toLocaleString()} labels): ${mb(weekExplain.bytes)} with pruning (${weekExplain.groups[0]!.partitions.length} partitions) vs ${mb(allBytes)} without`);
    console.log(`  estimated Athena cost of the full set: $${fullExplain.estimatedCostUsd.toFixed(6)}`);
    return {
      labels: LABELS,
      featureRows,
      sluiceMs: Math.round(sluiceMs),
      handWrittenMs: Math.round(handMs),
      ratio: Number((sluiceMs / handMs).toFixed(2)),
      handWrittenInsideDuckDbMs: Math.round(handDuckOnlyMs),
      resultsEqual: true,
      bytesReadWithPruning: result.stats.bytesRead,
      bytesWithoutPruning: allBytes,
      oneWeekBytesWithPruning: weekExplain.bytes,
      estimatedAthenaCostUsd: fullExplain.estimatedCostUsd,
    };
  } finally {
    c.closeSync();
    db.closeSync();
    rmSync(work, { recursive: true, force: true });
  }
}

async function arrowLabels(c: import('@duckdb/node-api').DuckDBConnection, path: string): Promise<Table> {
  return arrowFromReader(await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`));
}

async function arrowFromReader(reader: import('@duckdb/node-api').DuckDBResultReader): Promise<Table> {
  const arrow = await import('apache-arrow');
  const [entity, ts, delayed] = reader.getColumnsJS() as [string[], Date[], boolean[]];
  return new arrow.Table({
    entity_id: arrow.vectorFromArray(entity, new arrow.Utf8()),
    ts: arrow.vectorFromArray(ts.map((d) => d.getTime()), new arrow.TimestampMillisecond()),
    delayed: arrow.vectorFromArray(delayed, new arrow.Bool()),
  });
}

