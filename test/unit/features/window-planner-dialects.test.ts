/**
 * The window query uses only constructs every dialect prints: it prints for duckdb, spark and
 * trino, and the spark and trino texts parse under dt-sql-parser's grammars (an independent
 * check of the printed SQL). The semantics are tested against an oracle in
 * test/integration/features/window-oracle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { count, countDistinct, first, last, max, mean, median, min, percentile, stddev, sum } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { planWindowQuery } from '../../../sdk/src/features/window-planner.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';

const node = validateWindow(
  window({
    entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d', '30d'],
    features: {
      events: count(), clicks: count().where("event_type = 'it''s'"), spend: sum('amount'), avg_spend: mean('amount'),
      low: min('amount'), high: max('amount'), spread: stddev('amount'), kinds: countDistinct('event_type'),
      first_type: first('event_type'), last_type: last('event_type'), p90: percentile('amount', 0.9), mid: median('amount'),
    },
    derive: { ctr: 'clicks / events', trend: 'events_1d * 7 / events_7d' },
  }),
  new Map<string, ScalarType>([['user_id', 'string'], ['ts', 'timestamp'], ['amount', 'number'], ['event_type', 'string']]),
  'steps[2].window',
);
const query = planWindowQuery(node, { table: 'valid_rows', orderColumns: ['_object', '_line'] });

describe('window query in every dialect', () => {
  it('parses under the Spark SQL grammar', () => {
    const sql = printSql(query, 'spark');
    expect(sql).toContain('LATERAL VIEW explode(sequence(');
    expect(new SparkSQL().validate(sql)).toEqual([]);
  });

  it('parses under the Trino grammar', () => {
    const sql = printSql(query, 'trino');
    expect(sql).toContain('CROSS JOIN UNNEST(sequence(');
    expect(new TrinoSQL().validate(sql)).toEqual([]);
  });

  it('never uses QUALIFY and carries user literals escaped, not pasted', () => {
    for (const dialect of ['duckdb', 'spark', 'trino'] as const) {
      const sql = printSql(query, dialect);
      expect(sql).not.toMatch(/QUALIFY/);
      expect(sql).not.toContain("= 'it's'");
    }
    expect(printSql(query, 'duckdb')).toContain("'it''s'");
    expect(printSql(query, 'spark')).toContain("'it\\'s'");
  });

  it('orders the feature rows by entity and time unless told they are ordered by their reader', () => {
    const unordered = planWindowQuery(node, { table: 'valid_rows', orderColumns: ['_object', '_line'] }, { ordered: false });
    for (const dialect of ['duckdb', 'spark', 'trino'] as const) {
      expect(printSql(query, dialect)).toMatch(/ORDER BY [`"]?entity_id[`"]? ASC, [`"]?feature_ts[`"]? ASC$/);
      expect(printSql(unordered, dialect)).toBe(printSql(query, dialect).replace(/ ORDER BY [`"]?entity_id[`"]? ASC, [`"]?feature_ts[`"]? ASC$/, ''));
    }
  });
});
