import { agg, as, asc, col, isNull, select, table } from '../../sql/sql-builders.js';
import { printSql } from '../../sql/dialects.js';
import { toNumber } from '../sql-runner.js';
import { requireColumn } from './gate-columns.js';
import type { GateContext, GateResult } from './gate-result.js';
import { fmt } from './gate-result.js';

/**
 * Fails when a column has nulls among valid rows; examples give the rows' object and line.
 *
 * @example
 * ```ts
 * await notNullGate('user_id', ctx) // { gate: 'notNull(user_id)', passed: true, detail: 'no nulls in user_id', count: 0 }
 * ```
 */
export async function notNullGate(column: string, ctx: GateContext, path = 'validate.gates.notNull'): Promise<GateResult> {
  const c = col(requireColumn(ctx.columns, column, path).name);
  const gate = `notNull(${column})`;
  const [counted] = await ctx.run(printSql(select([as(agg('count_star', [], isNull(c)), 'n')], { from: table(ctx.validTable) }), 'duckdb'));
  const n = toNumber(counted?.n) ?? 0;
  if (n === 0) return { gate, passed: true, detail: `no nulls in ${column}`, count: 0 };
  const examples = await ctx.run(printSql(select([as(col('_object'), 'object'), as(col('_line'), 'line')], { from: table(ctx.validTable), where: isNull(c), orderBy: [asc(col('_row_id'))], limit: 3 }), 'duckdb'));
  return {
    gate, passed: false, count: n,
    examples: examples.map((e) => ({ object: String(e.object), line: toNumber(e.line) })),
    detail: `${fmt(n)} valid rows have no ${column}`,
  };
}
