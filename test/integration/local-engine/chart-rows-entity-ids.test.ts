/**
 * The rows kept for charts say how many entities they hold; ids that differ only by a leading
 * U+FEFF are two entities there too (apache-arrow's get() would read both as one).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CHART_ROWS, selectChartRows } from '../../../sdk/src/engines/local/chart-rows.js';
import { keepLeadingByteOrderMarks } from '../../../sdk/src/engines/local/duckdb-text-decoding.js';

describe('the rows kept for charts', () => {
  it('count entities whose ids differ by a leading U+FEFF apart', async () => {
    keepLeadingByteOrderMarks(); // as the local engine reads text
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      // 11 entities of 1,000 rows: 10 fit in CHART_ROWS.
      const ids = ['\uFEFFe0', 'e0', ...Array.from({ length: 9 }, (_, i) => `e${i + 1}`)];
      await connection.run(`CREATE TABLE feature_rows AS
        SELECT id AS entity_id, TIMESTAMP '2024-01-01' + INTERVAL (d) DAY AS feature_ts, d::DOUBLE AS clicks
        FROM unnest([${ids.map((id) => `'${id}'`).join(', ')}]) t(id), range(1000) r(d)`);
      const chart = await selectChartRows(connection, 'feature_rows', { windowed: true });
      expect(CHART_ROWS).toBe(10_000);
      expect(chart.table.numRows).toBe(10_000);
      // Both spellings are among the kept entities (so the count below tells them apart).
      const [both] = (await connection.runAndReadAll(`
        WITH per_entity AS (SELECT entity_id, count(*) AS n FROM feature_rows GROUP BY entity_id),
        ranked AS (SELECT entity_id, sum(n) OVER (ORDER BY hash(entity_id), entity_id ROWS UNBOUNDED PRECEDING) AS upto FROM per_entity)
        SELECT count(*) AS n FROM ranked WHERE upto <= 10000 AND entity_id IN ('\uFEFFe0', 'e0')`)).getRowObjectsJS();
      expect(Number(both!.n)).toBe(2);
      expect(chart.entities).toEqual({ kept: 10, of: 11 });
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
