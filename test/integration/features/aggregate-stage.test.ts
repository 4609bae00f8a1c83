/**
 * The local aggregate stage: feature_rows is created with the columns and storage types
 * featureColumns() promises (DESIGN §4: BIGINT counts, DOUBLE numbers, first/last keep the
 * column's type), and its row count is reported.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { count, countDistinct, first, last, max, mean, min, stddev, sum } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { featureColumns } from '../../../sdk/src/features/feature-naming.js';
import { runAggregateStage } from '../../../sdk/src/engines/local/aggregate-stage.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';

const DUCKDB_TYPE = { bigint: 'BIGINT', double: 'DOUBLE', string: 'VARCHAR', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP' } as const;

describe('runAggregateStage', () => {
  it('creates feature_rows with the promised columns and types', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(`CREATE TABLE valid_rows AS SELECT * FROM (VALUES
        ('u1', TIMESTAMP '2024-03-01 10:00:00', 3, 2.5, 'click', TRUE, 0),
        ('u1', TIMESTAMP '2024-03-02 10:00:00', 4, NULL, 'view', FALSE, 1),
        ('u2', TIMESTAMP '2024-03-05 00:00:00', NULL, 1.0, NULL, NULL, 2)) t(user_id, ts, qty, amount, event_type, flag, _row_id)`);
      const columns = new Map<string, ScalarType>([['user_id', 'string'], ['ts', 'timestamp'], ['qty', 'integer'], ['amount', 'number'], ['event_type', 'string'], ['flag', 'boolean']]);
      const node = validateWindow(window({
        entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '2d'],
        features: { n: count(), q: sum('qty'), a: mean('amount'), lo: min('qty'), hi: max('event_type'), sd: stddev('amount'), k: countDistinct('event_type'), f: first('qty'), l: last('flag'), t: last('ts') },
      }), columns, 'steps[2].window');
      const result = await runAggregateStage(c, node, { table: 'valid_rows', orderColumns: ['_row_id'] });
      // u1: buckets Mar 1, Mar 2 → rows Mar 2, 3, 4 and the empty Mar 5; u2: bucket Mar 5 →
      // rows Mar 6, 7 and the empty Mar 8.
      expect(result).toEqual({ table: 'feature_rows', rows: 7 });
      const described = (await c.runAndReadAll('DESCRIBE feature_rows')).getRowObjectsJS().map((r) => `${r.column_name}:${r.column_type}`);
      expect(described).toEqual(['entity_id:VARCHAR', 'feature_ts:TIMESTAMP', ...featureColumns(node).map((f) => `${f.name}:${DUCKDB_TYPE[f.type]}`)]);
      const u1 = (await c.runAndReadAll(`SELECT n_2d, q_2d, lo_2d, hi_2d, f_2d, l_2d, t_2d FROM feature_rows WHERE entity_id = 'u1' ORDER BY feature_ts`)).getRowsJS();
      expect(u1).toEqual([
        [1n, 3, 3, 'click', 3n, true, new Date('2024-03-01T10:00:00Z')],
        [2n, 7, 3, 'view', 3n, false, new Date('2024-03-02T10:00:00Z')],
        [1n, 4, 4, 'view', 4n, false, new Date('2024-03-02T10:00:00Z')],
        [0n, 0, null, null, null, null, null],
      ]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
