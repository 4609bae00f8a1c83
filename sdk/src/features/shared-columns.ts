/**
 * Features that need the same intermediate column share it. `sum('amount')` and
 * `mean('amount')` both keep Σamount per bucket, and both sum it over every window: computed
 * once, not once per feature (the demo's aggregation summed the same column over the same
 * frames twice, for each of its three windows).
 */
import { canonicalJson } from '../plan/canonical-json.js';
import type { SqlExpr } from '../sql/sql-node.js';
import type { Named } from './window-partials.js';

/**
 * The columns with distinct expressions (the first of each), and for each other column the
 * one it repeats (alias → kept alias).
 *
 * @example
 * ```ts
 * const { kept, renames } = shareEqualColumns([
 *   { alias: '__f0_s', expr: agg('sum', [col('__v0')]) },
 *   { alias: '__f1_s', expr: agg('sum', [col('__v0')]) },
 * ]);
 * // kept: the first only; renames: Map { '__f1_s' => '__f0_s' }
 * ```
 */
export function shareEqualColumns(columns: readonly Named[]): { kept: Named[]; renames: Map<string, string> } {
  const byExpr = new Map<string, string>();
  const kept: Named[] = [];
  const renames = new Map<string, string>();
  for (const column of columns) {
    const key = canonicalJson(column.expr);
    const first = byExpr.get(key);
    if (first === undefined) {
      byExpr.set(key, column.alias);
      kept.push(column);
    } else {
      renames.set(column.alias, first);
    }
  }
  return { kept, renames };
}

/**
 * `expr` with its unqualified column references renamed by `renames` (the window query's
 * intermediate columns are never qualified, and these expressions hold no subquery).
 *
 * @example
 * ```ts
 * renameColumns(agg('sum', [col('__f1_s')]), new Map([['__f1_s', '__f0_s']])) // sum("__f0_s")
 * ```
 */
export function renameColumns<T extends SqlExpr>(expr: T, renames: ReadonlyMap<string, string>): T {
  return renames.size === 0 ? expr : (rename(expr, renames) as T);
}

function rename(node: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rename(item, renames));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (record.kind === 'column' && record.table === undefined && typeof record.name === 'string') {
    const to = renames.get(record.name);
    return to === undefined ? node : { ...record, name: to };
  }
  if (record.kind === 'subqueryExpr') throw new Error('renameColumns: a subquery has columns of its own scope');
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, rename(value, renames)]));
}
