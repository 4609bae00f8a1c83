/**
 * The columns of a window's derived features (`window({ derive })`). An expression that names a
 * feature bare (`clicks / views`) is computed for each window from that window's columns and
 * stored as `<name>_<window>`; one that names only feature columns with their window
 * (`clicks_7d / clicks_30d`, a trend) and `feature_ts` is computed once and stored as `<name>`.
 */
import type { ExprNode, ScalarType } from '../plan/expression-node.js';
import type { FeatureColumnType } from './feature-naming.js';
import { expressionColumns } from '../plan/expression-columns.js';
import type { WindowNode } from '../plan/window-node.js';
import { renameColumns } from './shared-columns.js';
import type { SqlExpr } from '../sql/sql-node.js';

export interface DerivedColumn {
  /** The stored column: `ctr_7d`, or `trend` for an expression over fixed windows. */
  readonly name: string;
  /** The derived feature's name, as written in `derive`. */
  readonly feature: string;
  /** The window it was computed for; absent when the expression names its windows itself. */
  readonly window?: string;
  /** The expression over the stored feature columns (bare feature names replaced by the window's). */
  readonly expression: ExprNode;
  /** How the column is stored, from the expression's type. */
  readonly type: FeatureColumnType;
}

/**
 * Whether an expression names a feature without its window (and is computed per window).
 *
 * @example
 * ```ts
 * perWindow(parse('clicks / views'), node)          // true
 * perWindow(parse('clicks_7d / clicks_30d'), node)  // false
 * ```
 */
export function perWindow(expression: ExprNode, node: Pick<WindowNode, 'features'>): boolean {
  return expressionColumns(expression).some((column) => Object.hasOwn(node.features, column));
}

/**
 * The derived columns of a window node, in the order they are stored (derived features in key
 * order, each in window order), after the aggregated features' columns.
 *
 * @example
 * ```ts
 * derivedColumns(node).map((c) => c.name) // ['ctr_7d', 'ctr_30d', 'trend']
 * ```
 */
export function derivedColumns(node: WindowNode): DerivedColumn[] {
  const columns: DerivedColumn[] = [];
  for (const [feature, parsed] of Object.entries(node.derive ?? {})) {
    const type = derivedColumnType(parsed.type);
    if (!perWindow(parsed.node, node)) {
      columns.push({ name: feature, feature, expression: parsed.node, type });
      continue;
    }
    for (const window of node.windows) {
      const renames = new Map(Object.keys(node.features).map((f) => [f, `${f}_${window}`]));
      columns.push({ name: `${feature}_${window}`, feature, window, expression: renameColumns(parsed.node as SqlExpr, renames) as ExprNode, type });
    }
  }
  return columns;
}

/**
 * The storage type of a derived feature, from its expression's type.
 *
 * @example
 * ```ts
 * derivedColumnType('number') // 'double'
 * ```
 */
export function derivedColumnType(type: ScalarType): FeatureColumnType {
  switch (type) {
    case 'integer': return 'bigint';
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'timestamp': return 'timestamp';
    default: return 'double';
  }
}
