/**
 * The rows a run keeps for `run.plot()` and `run.plotDistribution()` when a notebook shows it.
 * The run's database is gone once `run()` returns, and its preview (the first 20 rows in
 * entity order) is two entities cut short; charts drawn from it misstated the features.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChartRows } from '../../pipeline/run-types.js';
import { printerFor } from '../../sql/dialects.js';
import { queryArrow } from './duckdb-to-arrow.js';
import { DataType } from 'apache-arrow';
import { valuesAsWritten } from '../../format/arrow-exact-text.js';

/**
 * The most rows kept: converting DuckDB's rows to Arrow costs about 3 ms per thousand feature
 * rows, and a chart of more points than pixels shows no more.
 */
export const CHART_ROWS = 10_000;

/**
 * Feature rows: all of them up to CHART_ROWS, else every row of a fixed pseudo-random sample of
 * entities (in the order of their hash), so lines run their whole length. Rows of a pipeline
 * without windows: all, else a repeatable random sample.
 *
 * @example
 * ```ts
 * const chart = await selectChartRows(connection, 'feature_rows', { windowed: true });
 * chart.ofRows; // 172509
 * chart.entities; // { kept: 83, of: 2000 }
 * ```
 */
export async function selectChartRows(
  connection: DuckDBConnection,
  table: string,
  options: { readonly windowed: boolean },
): Promise<ChartRows> {
  const t = printerFor('duckdb').quoteIdentifier(table);
  const [counted] = (await connection.runAndReadAll(`SELECT count(*) AS n${options.windowed ? ', count(DISTINCT entity_id) AS e' : ''} FROM ${t}`)).getRowObjectsJS();
  const total = Number(counted!.n);
  if (!options.windowed) {
    const sampled = total > CHART_ROWS ? ` USING SAMPLE reservoir(${CHART_ROWS} ROWS) REPEATABLE (7)` : '';
    const rows = await queryArrow(connection, `SELECT * EXCLUDE (_row_id, _object, _line) FROM (SELECT * FROM ${t}${sampled}) ORDER BY _row_id`);
    return { table: rows, ofRows: total };
  }
  const entities = Number(counted!.e);
  if (total <= CHART_ROWS) {
    const rows = await queryArrow(connection, `SELECT * FROM ${t} ORDER BY entity_id, feature_ts`);
    return { table: rows, ofRows: total, entities: { kept: entities, of: entities } };
  }
  // Entities in hash order until their rows would pass the limit (the first always, cut short
  // if it alone has more).
  const rows = await queryArrow(connection, `
    WITH per_entity AS (SELECT entity_id, count(*) AS n FROM ${t} GROUP BY entity_id),
    ranked AS (SELECT entity_id, sum(n) OVER (ORDER BY hash(entity_id), entity_id ROWS UNBOUNDED PRECEDING) AS upto,
      row_number() OVER (ORDER BY hash(entity_id), entity_id) AS k FROM per_entity)
    SELECT * FROM ${t} WHERE entity_id IN (SELECT entity_id FROM ranked WHERE upto <= ${CHART_ROWS} OR k = 1)
    ORDER BY entity_id, feature_ts LIMIT ${CHART_ROWS}`);
  // Ids as stored (apache-arrow's get() drops a leading U+FEFF, and two ids would count as one).
  const kept = new Set(rows.getChild('entity_id') ? valuesAsWritten({ DataType }, rows.getChild('entity_id')!).map(String) : []);
  return { table: rows, ofRows: total, entities: { kept: kept.size, of: entities } };
}
