/**
 * Features that need the same intermediate column share it: the window query computes each
 * partial and each windowed combination once (the semantics stay the oracle's:
 * test/integration/features/window-oracle.test.ts runs sum and mean of one column together).
 */
import { describe, expect, it } from 'vitest';
import { mean, stddev, sum } from '../../../sdk/src/features/aggregations.js';
import { renameColumns, shareEqualColumns } from '../../../sdk/src/features/shared-columns.js';
import { window } from '../../../sdk/src/features/window.js';
import { planWindowQuery } from '../../../sdk/src/features/window-planner.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { agg, caseWhen, col, lit } from '../../../sdk/src/sql/sql-builders.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';

describe('shareEqualColumns / renameColumns', () => {
  it('keeps the first of equal expressions and maps the others to it', () => {
    const { kept, renames } = shareEqualColumns([
      { alias: 'a', expr: agg('sum', [col('v')]) },
      { alias: 'b', expr: agg('count', [col('v')]) },
      { alias: 'c', expr: agg('sum', [col('v')]) },
      { alias: 'd', expr: agg('sum', [col('w')]) },
    ]);
    expect(kept.map((k) => k.alias)).toEqual(['a', 'b', 'd']);
    expect([...renames]).toEqual([['c', 'a']]);
  });

  it('renames unqualified column references at any depth, and nothing else', () => {
    const expr = caseWhen([{ when: { kind: 'isNull', operand: col('c'), negated: false }, then: agg('sum', [col('c')]) }], col('c', 't'));
    const renamed = renameColumns(expr, new Map([['c', 'a']]));
    expect(printSql({ kind: 'select', columns: [{ expr: renamed }] }, 'duckdb')).toBe('SELECT (CASE WHEN ("a" IS NULL) THEN sum("a") ELSE "t"."c" END)');
    expect(renameColumns(lit(1), new Map([['c', 'a']]))).toEqual(lit(1));
  });
});

describe('the window query', () => {
  it('sums a column shared by sum(), mean() and stddev() once per bucket and once per frame', () => {
    const node = validateWindow(
      window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d', '30d'], features: { spend: sum('amount'), avg: mean('amount'), sd: stddev('amount') } }),
      new Map<string, ScalarType>([['user_id', 'string'], ['ts', 'timestamp'], ['amount', 'number']]),
      'steps[1].window',
    );
    const sql = printSql(planWindowQuery(node, { table: 'valid_rows', orderColumns: ['_object', '_line'] }), 'duckdb');
    // One Σamount partial (mean reuses sum's), and one count(amount) (stddev reuses mean's).
    expect(sql.match(/sum\("__v0"\) AS/g)).toHaveLength(1);
    expect(sql.match(/count\("__v0"\) AS/g)).toHaveLength(1);
    // Σ over the 7- and 30-bucket frames, once each: sum's and mean's windows are one column.
    expect(sql.match(/sum\("__f0_s"\) OVER/g)).toHaveLength(2);
    expect(sql).not.toContain('"__f1_s"');
  });
});
