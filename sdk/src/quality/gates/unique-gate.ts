import type { SqlExpr } from '../../sql/sql-node.js';
import { agg, and, as, bin, col, isNull, select, table } from '../../sql/sql-builders.js';
import { printSql } from '../../sql/dialects.js';
import { toJsonSafe, toNumber } from '../sql-runner.js';
import { requireColumn } from './gate-columns.js';
import type { GateContext, GateResult } from './gate-result.js';
import { fmt } from './gate-result.js';

/**
 * Fails when a column (or a combination of columns) repeats a value among valid rows. Rows
 * with a null in any of the columns are not compared (as SQL UNIQUE constraints do).
 * `count` is the number of rows beyond the first of each repeated value.
 *
 * @example
 * ```ts
 * await uniqueGate(['event_id'], ctx) // { gate: 'unique(event_id)', passed: false, count: 3, examples: [{ values: { event_id: 'e1' }, rows: 2 }, …] }
 * ```
 */
export async function uniqueGate(columns: readonly string[], ctx: GateContext, path = 'validate.gates.unique'): Promise<GateResult> {
  const keys = columns.map((name) => col(requireColumn(ctx.columns, name, path).name));
  const gate = `unique(${columns.join(', ')})`;
  const notNull: SqlExpr = and(...keys.map((k) => isNull(k, true)));
  const groups = select([...keys.map((k, i) => as(k, `k${i}`)), as(agg('count_star', []), 'n')], {
    from: table(ctx.validTable), where: notNull, groupBy: keys, having: bin('>', agg('count_star', []), { kind: 'literal', value: 1 }),
  });
  const overAll = (fn: 'count_star' | 'sum', args: SqlExpr[]): SqlExpr => ({ kind: 'over', fn: agg(fn, args), partitionBy: [], orderBy: [] });
  const query = select(
    [{ expr: { kind: 'star' } }, as(overAll('count_star', []), 'groups'), as(overAll('sum', [col('n')]), 'rows')],
    { from: { kind: 'subquery', query: groups, alias: 'g' }, orderBy: [{ expr: col('n'), desc: true }, ...keys.map((_, i) => ({ expr: col(`k${i}`) }))], limit: 3 },
  );
  const rows = await ctx.run(printSql(query, 'duckdb'));
  if (rows.length === 0) return { gate, passed: true, detail: `every value of ${columns.join(', ')} is unique`, count: 0 };
  const groupCount = toNumber(rows[0]!.groups) ?? 0;
  const duplicateRows = (toNumber(rows[0]!.rows) ?? 0) - groupCount;
  const examples = rows.map((r) => ({ values: Object.fromEntries(columns.map((c, i) => [c, toJsonSafe(r[`k${i}`])])), rows: toNumber(r.n) }));
  const shown = examples.map((e) => `${Object.values(e.values).map((v) => JSON.stringify(v instanceof Date ? v.toISOString() : v)).join('/')} ×${e.rows}`).join(', ');
  return {
    gate, passed: false, count: duplicateRows, examples,
    detail: `${fmt(duplicateRows)} duplicate rows across ${fmt(groupCount)} repeated values of ${columns.join(', ')} (e.g. ${shown})`,
  };
}
