/**
 * Names and types of the feature columns a window produces: `<feature>_<window>`, in spec
 * order (features in key order, windows in the order given), after `entity_id, feature_ts`.
 */
import type { AggregationKind, AggregationNode, WindowNode } from '../plan/window-node.js';
import { derivedColumns } from './derived-features.js';

/** Storage types of feature columns (DuckDB: BIGINT, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP). */
export type FeatureColumnType = 'bigint' | 'double' | 'string' | 'boolean' | 'timestamp';

export interface FeatureColumn {
  /** `<feature>_<window>`, e.g. `clicks_7d`. */
  readonly name: string;
  readonly feature: string;
  /** The window as written, e.g. `'7d'`; absent for a derived feature whose expression names its windows (`trend`). */
  readonly window?: string;
  /** The aggregation, or `expression` for a derived feature (window({ derive })). */
  readonly fn: AggregationKind | 'expression';
  readonly type: FeatureColumnType;
}

/** Columns every feature row has besides its features; a feature column may not take these names. */
export const RESERVED_COLUMNS: readonly string[] = ['entity_id', 'feature_ts', '_plan_hash'];

/**
 * The name of one feature column.
 *
 * @example
 * ```ts
 * featureColumnName('clicks', '7d') // 'clicks_7d'
 * ```
 */
export function featureColumnName(feature: string, window: string): string {
  return `${feature}_${window}`;
}

/**
 * The feature columns of a window node, in output order, with their storage types.
 *
 * @example
 * ```ts
 * featureColumns(node) // [{ name: 'clicks_1d', feature: 'clicks', window: '1d', fn: 'count', type: 'bigint' }, ...]
 * ```
 */
export function featureColumns(node: WindowNode): FeatureColumn[] {
  const columns: FeatureColumn[] = [];
  for (const [feature, aggregation] of Object.entries(node.features)) {
    const type = featureColumnType(aggregation);
    for (const window of node.windows) {
      columns.push({ name: featureColumnName(feature, window), feature, window, fn: aggregation.fn, type });
    }
  }
  for (const derived of derivedColumns(node)) {
    columns.push({ name: derived.name, feature: derived.feature, ...(derived.window === undefined ? {} : { window: derived.window }), fn: 'expression', type: derived.type });
  }
  return columns;
}

/**
 * The storage type of an aggregation's result: BIGINT for counts, DOUBLE for numeric results;
 * min/max of non-numeric columns and first/last keep the column's type.
 *
 * @example
 * ```ts
 * featureColumnType({ kind: 'aggregation', fn: 'first', column: 'event_type', valueType: 'string' }) // 'string'
 * ```
 */
export function featureColumnType(aggregation: AggregationNode): FeatureColumnType {
  switch (aggregation.fn) {
    case 'count':
    case 'count_distinct':
      return 'bigint';
    case 'sum':
    case 'mean':
    case 'stddev':
    case 'percentile':
      return 'double';
    case 'min':
    case 'max':
      return isNumeric(aggregation) ? 'double' : storageType(aggregation);
    case 'first':
    case 'last':
      return storageType(aggregation);
  }
}

function isNumeric(aggregation: AggregationNode): boolean {
  return aggregation.valueType === undefined || aggregation.valueType === 'number' || aggregation.valueType === 'integer' || aggregation.valueType === 'unknown';
}

function storageType(aggregation: AggregationNode): FeatureColumnType {
  switch (aggregation.valueType) {
    case 'integer':
      return 'bigint';
    case 'string':
    case 'boolean':
    case 'timestamp':
      return aggregation.valueType;
    default:
      return 'double';
  }
}
