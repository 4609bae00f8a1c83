/**
 * Build-time checks of a window spec. `checkWindowShape` needs no schema (durations,
 * cadence multiples, names) and runs inside `window()`; `validateWindow` checks the spec
 * against the columns in scope and produces the plan's `WindowNode`. Every error is a
 * PlanError with a path inside the plan and a message that says how to fix it.
 */
import { PlanError } from '../errors.js';
import { durationMs } from '../plan/duration.js';
import { deepFreeze } from '../plan/canonical-json.js';
import { suggestionText } from '../plan/did-you-mean.js';
import { checkExpressionSyntax, parseExpression } from '../plan/expression-parser.js';
import type { ExprNode, ParsedExpression, ScalarType } from '../plan/expression-node.js';
import { AGGREGATION_KINDS, type AggregationNode, type WindowNode } from '../plan/window-node.js';
import { expressionError } from '../plan/expression-errors.js';
import type { Aggregation } from './aggregations.js';
import { perWindow } from './derived-features.js';
import { expressionColumns } from '../plan/expression-columns.js';
import { featureColumnName, featureColumnType, RESERVED_COLUMNS, type FeatureColumnType } from './feature-naming.js';

/** The fields of a window spec, as `window()` receives them or as `WindowSpec` holds them. */
export interface WindowShape {
  readonly entity: string;
  readonly timestamp: string;
  readonly every: string;
  readonly windows: readonly string[];
  readonly features: Readonly<Record<string, Aggregation<string>>>;
  readonly derive?: Readonly<Record<string, string>>;
}

/** Lowercase, so Glue and Athena (which lowercase column names) see the same names as DuckDB. */
const FEATURE_NAME = /^[a-z_][a-z0-9_]*$/;

const NUMERIC_ONLY = new Set(['sum', 'mean', 'stddev', 'percentile']);

const BUILDER_NAMES: Readonly<Record<string, string>> = {
  count: 'count()', sum: 'sum(column)', mean: 'mean(column)', min: 'min(column)', max: 'max(column)',
  stddev: 'stddev(column)', count_distinct: 'countDistinct(column)', first: 'first(column)', last: 'last(column)',
  percentile: 'percentile(column, p)',
};

/** `path` is the window's own path (`steps[3].window`); alone, `window`. */
function windowPath(path: string): string {
  return path || 'window';
}

/**
 * Checks everything about a window spec that does not need the schema.
 *
 * @example
 * ```ts
 * checkWindowShape({ entity: 'u', timestamp: 'ts', every: '1d', windows: ['36h'], features: { n: count() } }, 'steps[3].window')
 * // throws PlanError WINDOW_NOT_MULTIPLE at steps[3].window.windows[0]
 * ```
 */
export function checkWindowShape(spec: WindowShape, path: string): void {
  const at = windowPath(path);
  if (spec === null || typeof spec !== 'object') {
    throw new PlanError('INVALID_WINDOW', at, 'window() takes one object: { entity, timestamp, every, windows, features }.');
  }
  for (const field of ['entity', 'timestamp'] as const) {
    if (typeof spec[field] !== 'string' || spec[field] === '') {
      throw new PlanError('INVALID_WINDOW', `${at}.${field}`, `window({ ${field} }) must name a column, e.g. ${field}: '${field === 'entity' ? 'user_id' : 'ts'}'; got ${JSON.stringify(spec[field])}.`);
    }
  }
  const every = durationMs(spec.every, `${at}.every`);
  if (!Array.isArray(spec.windows) || spec.windows.length === 0) {
    throw new PlanError('INVALID_WINDOW', `${at}.windows`, `window({ windows }) must list at least one window length, e.g. windows: ['1d', '7d', '30d'].`);
  }
  const seen = new Map<number, string>();
  spec.windows.forEach((w, i) => {
    const ms = durationMs(w, `${at}.windows[${i}]`);
    if (ms % every !== 0) {
      throw new PlanError(
        'WINDOW_NOT_MULTIPLE',
        `${at}.windows[${i}]`,
        `The window '${w}' is not a multiple of the cadence every: '${spec.every}' (windows not multiples of the cadence cannot be computed from whole ${spec.every} buckets). Use a multiple such as '${formatMultiple(spec.every, Math.max(1, Math.round(ms / every)))}', or a smaller cadence.`,
      );
    }
    const earlier = seen.get(ms);
    if (earlier !== undefined) {
      throw new PlanError('DUPLICATE_WINDOW', `${at}.windows[${i}]`, `The window '${w}' has the same length as '${earlier}', listed earlier: each feature would be computed twice. Remove one of them.`);
    }
    seen.set(ms, w);
  });
  if (spec.features === null || typeof spec.features !== 'object' || Object.keys(spec.features).length === 0) {
    throw new PlanError('NO_FEATURES', `${at}.features`, `window({ features }) must define at least one feature, e.g. features: { events: count(), spend: sum('amount') }.`);
  }
  const generated = new Map<string, string>();
  for (const [name, aggregation] of Object.entries(spec.features)) {
    const featurePath = `${at}.features.${name}`;
    if (!FEATURE_NAME.test(name)) {
      const suggestion = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1');
      throw new PlanError('INVALID_FEATURE_NAME', featurePath, `The feature name ${JSON.stringify(name)} is not a lowercase identifier (letters a-z, digits, _; not starting with a digit). Glue and Athena lowercase column names, so sluice requires it. Rename it, e.g. to ${JSON.stringify(suggestion || 'feature')}.`);
    }
    if (!isAggregation(aggregation)) {
      throw new PlanError('INVALID_AGGREGATION', featurePath, `The feature ${JSON.stringify(name)} is not an aggregation. Use one of ${Object.values(BUILDER_NAMES).join(', ')}, e.g. ${name}: count().`);
    }
    for (const w of spec.windows) {
      const column = featureColumnName(name, w);
      if (RESERVED_COLUMNS.includes(column)) {
        throw new PlanError('DUPLICATE_FEATURE_NAME', featurePath, `The feature column ${column} collides with the store's own column of that name. Rename the feature.`);
      }
      const other = generated.get(column);
      if (other !== undefined) {
        throw new PlanError('DUPLICATE_FEATURE_NAME', featurePath, `The feature columns of ${JSON.stringify(name)} and ${JSON.stringify(other)} would both be named ${column}. Rename one of the features.`);
      }
      generated.set(column, name);
    }
  }
  checkDerivedNames(spec, at);
}

/**
 * The names and text of derived features, without the schema: identifiers like the features',
 * expressions in the subset's grammar. Their stored columns depend on what the expressions name,
 * so collisions are checked when they are parsed (`parseDerived`).
 */
function checkDerivedNames(spec: WindowShape, at: string): void {
  if (spec.derive === undefined) return;
  if (spec.derive === null || typeof spec.derive !== 'object' || Array.isArray(spec.derive)) {
    throw new PlanError('INVALID_DERIVED_FEATURE', `${at}.derive`, `window({ derive }) maps feature names to expressions over the window's features, e.g. derive: { ctr: 'clicks / views' }; got ${JSON.stringify(spec.derive)}.`);
  }
  for (const [name, expression] of Object.entries(spec.derive)) {
    const path = `${at}.derive.${name}`;
    if (!FEATURE_NAME.test(name)) {
      throw new PlanError('INVALID_FEATURE_NAME', path, `The derived feature name ${JSON.stringify(name)} is not a lowercase identifier (letters a-z, digits, _; not starting with a digit). Glue and Athena lowercase column names, so sluice requires it.`);
    }
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw new PlanError('INVALID_DERIVED_FEATURE', path, `The derived feature ${JSON.stringify(name)} must be an expression over the window's features, as text, e.g. ${name}: '${Object.keys(spec.features)[0] ?? 'clicks'} / 7'; got ${JSON.stringify(expression)}.`);
    }
    checkExpressionSyntax(expression, path);
    if (Object.hasOwn(spec.features, name)) {
      throw new PlanError('DUPLICATE_FEATURE_NAME', path, `${JSON.stringify(name)} is both a feature and a derived feature of this window. Rename the derived one.`);
    }
  }
}

/**
 * Parses the derived features against the window's features, typed as their columns are stored
 * (counts integers, means numbers, first/last their column's type), and `feature_ts`, the row's
 * boundary.
 */
function parseDerived(spec: WindowShape, features: Readonly<Record<string, AggregationNode>>, at: string): Record<string, ParsedExpression> | undefined {
  if (spec.derive === undefined || Object.keys(spec.derive).length === 0) return undefined;
  const typed = Object.entries(features).map(([name, node]) => [name, scalarTypeOf(featureColumnType(node))] as const);
  // In scope: the row's boundary (the time since a last event, `last_seen: max('ts')`, is a
  // feature), every feature column with its window (`clicks_7d / clicks_30d`, a trend), and the
  // features by name, per window.
  const columnOf = new Map(typed.flatMap(([name]) => spec.windows.map((w) => [featureColumnName(name, w), { feature: name, window: w }] as const)));
  const scope = new Map<string, ScalarType>([
    ['feature_ts', 'timestamp'],
    ...typed.flatMap(([name, type]) => spec.windows.map((w) => [featureColumnName(name, w), type] as const)),
    ...typed,
  ]);
  const taken = new Set([...RESERVED_COLUMNS, ...columnOf.keys()]);
  const derived: Record<string, ParsedExpression> = {};
  for (const [name, text] of Object.entries(spec.derive)) {
    const path = `${at}.derive.${name}`;
    const parsed = parseExpression(text, scope, path);
    // A feature named like another feature's column (a feature `clicks_7d` beside `clicks` with
    // a 7d window) would be read one way while its author may mean the other.
    for (const name of expressionColumns(parsed.node)) {
      const column = Object.hasOwn(features, name) ? columnOf.get(name) : undefined;
      if (column) {
        throw new PlanError('AMBIGUOUS_FEATURE_NAME', path, `${JSON.stringify(name)} in ${JSON.stringify(text)} names both the feature ${name} (per window: ${spec.windows.map((w) => featureColumnName(name, w)).join(', ')}) and the ${column.window} column of the feature ${column.feature}. Rename the feature ${name} (e.g. to ${name.replace(/_[0-9]+[a-z]+$/, '')}_total) so that each name means one thing.`);
      }
    }
    if (parsed.type === 'null' || parsed.type === 'unknown') {
      throw new PlanError('INVALID_DERIVED_FEATURE', path, `The derived feature ${JSON.stringify(name)} (${text}) has no type of its own (it is NULL, or only NULL-typed parts): a feature column needs one. Write an expression over the features, e.g. ${name}: '${Object.keys(features)[0]} * 1.0'.`);
    }
    // Over fixed windows, the feature is one column named as it is; per window, one per window.
    const stored = perWindow(parsed.node, { features }) ? spec.windows.map((w) => featureColumnName(name, w)) : [name];
    for (const column of stored) {
      if (taken.has(column)) {
        throw new PlanError('DUPLICATE_FEATURE_NAME', path, `The derived feature ${JSON.stringify(name)} would be stored as ${column}, a column this window already has. Rename it.`);
      }
      taken.add(column);
    }
    derived[name] = parsed;
  }
  return derived;
}

function scalarTypeOf(type: FeatureColumnType): ScalarType {
  return ({ bigint: 'integer', double: 'number', string: 'string', boolean: 'boolean', timestamp: 'timestamp' } as const)[type];
}

/**
 * Checks a window spec against the columns in scope and returns the plan's `WindowNode`
 * (where-expressions parsed and type-checked; each aggregated column's type recorded).
 *
 * @param path the path of the window in the plan (`steps[3].window`); errors point below it,
 *   e.g. `steps[3].window.features.clicks`.
 *
 * @example
 * ```ts
 * const node = validateWindow(spec, new Map([['user_id', 'string'], ['ts', 'timestamp'], ['amount', 'number']]), 'steps[3].window');
 * ```
 * @throws PlanError `UNKNOWN_COLUMN`, `NOT_A_TIMESTAMP`, `NOT_NUMERIC`, `UNTYPED_COLUMN`, `INVALID_ENTITY_TYPE`,
 *   `INVALID_DERIVED_FEATURE`, the errors of `checkWindowShape`, and ExpressionError for a bad
 *   `.where()` or derived feature (an expression over the window's features, by feature name).
 */
export function validateWindow(spec: WindowShape, columns: ReadonlyMap<string, ScalarType>, path: string): WindowNode {
  checkWindowShape(spec, path);
  const at = windowPath(path);
  const names = [...columns.keys()];
  const typeOf = (column: string, columnPath: string, role: string): ScalarType => {
    const type = columns.get(column);
    if (type === undefined) {
      throw new PlanError('UNKNOWN_COLUMN', columnPath, `The ${role} column "${column}" does not exist at this step of the pipeline. ${suggestionText(column, names, 'Available columns')}`);
    }
    return type;
  };

  const entityType = typeOf(spec.entity, `${at}.entity`, 'entity');
  if (entityType !== 'string' && entityType !== 'integer' && entityType !== 'unknown') {
    throw new PlanError('INVALID_ENTITY_TYPE', `${at}.entity`, `The entity column "${spec.entity}" is a ${entityType}; entity ids must be strings or integers (they are stored as text in entity_id). Pick an id column, or derive one, e.g. .derive({ ${spec.entity}_id: 'CAST(${spec.entity} AS bigint)' }).`);
  }
  const timestampType = typeOf(spec.timestamp, `${at}.timestamp`, 'timestamp');
  if (timestampType !== 'timestamp') {
    throw new PlanError('NOT_A_TIMESTAMP', `${at}.timestamp`, `The timestamp column "${spec.timestamp}" is ${timestampType === 'unknown' ? 'of unknown type' : `a ${timestampType}`}, not a timestamp. Declare it as a date in the schema, e.g. ${spec.timestamp}: z.coerce.date().`);
  }

  const features: Record<string, AggregationNode> = {};
  for (const [name, aggregation] of Object.entries(spec.features)) {
    const featurePath = `${at}.features.${name}`;
    let valueType: ScalarType | undefined;
    if (aggregation.column !== undefined) {
      valueType = typeOf(aggregation.column, featurePath, `aggregated`);
      const builder = BUILDER_NAMES[aggregation.fn]!.replace('column', `'${aggregation.column}'`);
      if (NUMERIC_ONLY.has(aggregation.fn) && valueType !== 'number' && valueType !== 'integer') {
        const code = valueType === 'unknown' ? 'UNTYPED_COLUMN' : 'NOT_NUMERIC';
        throw new PlanError(code, featurePath, `${builder} needs a numeric column, but "${aggregation.column}" is ${describeType(valueType)}. ${valueType === 'unknown' ? `Give it a type first: .derive({ ${aggregation.column}_num: 'CAST(${aggregation.column} AS double)' }).` : `Aggregate a numeric column, or use count()/countDistinct() for ${valueType} values.`}`);
      }
      if ((aggregation.fn === 'min' || aggregation.fn === 'max' || aggregation.fn === 'first' || aggregation.fn === 'last') && (valueType === 'unknown' || valueType === 'null')) {
        throw new PlanError('UNTYPED_COLUMN', featurePath, `${builder} needs to know the type of "${aggregation.column}" (it comes from .map() without a type). Give it one first, e.g. .derive({ ${aggregation.column}_typed: 'CAST(${aggregation.column} AS double)' }), and aggregate that column.`);
      }
    }
    const where = aggregation.filters.length ? parseFilters(aggregation.filters, columns, `${featurePath}.where`) : undefined;
    const node: AggregationNode = {
      kind: 'aggregation',
      fn: aggregation.fn,
      ...(aggregation.column !== undefined ? { column: aggregation.column } : {}),
      ...(where ? { where } : {}),
      ...(aggregation.approximate ? { approximate: true } : {}),
      ...(aggregation.fraction !== undefined ? { fraction: aggregation.fraction } : {}),
      ...(valueType !== undefined ? { valueType } : {}),
    };
    features[name] = node;
  }
  const derive = parseDerived(spec, features, at);
  return deepFreeze({
    kind: 'window',
    entity: spec.entity,
    timestamp: spec.timestamp,
    every: spec.every,
    windows: [...spec.windows],
    features,
    ...(derive ? { derive } : {}),
  });
}

/** Parses each `.where()` condition, requires booleans, and ANDs them into one expression. */
function parseFilters(filters: readonly string[], columns: ReadonlyMap<string, ScalarType>, path: string): ParsedExpression {
  const parsed = filters.map((text) => {
    const expression = parseExpression(text, columns, path);
    if (expression.type !== 'boolean' && expression.type !== 'unknown' && expression.type !== 'null') {
      throw expressionError('TYPE_MISMATCH', path, text, { start: 0, end: text.length }, `A .where() condition must be true or false, but this is ${describeType(expression.type)}. Compare it with something, e.g. ${text.trim()} > 0 or ${text.trim()} IS NOT NULL.`);
    }
    return expression;
  });
  if (parsed.length === 1) return parsed[0]!;
  const node = parsed.map((p) => p.node).reduce((left, right): ExprNode => ({ kind: 'binary', op: 'and', left, right }));
  return { text: parsed.map((p) => `(${p.text})`).join(' AND '), node, type: 'boolean' };
}

function isAggregation(value: unknown): value is Aggregation<string> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Aggregation<string>>;
  return (AGGREGATION_KINDS as readonly unknown[]).includes(v.fn) && Array.isArray(v.filters) && typeof v.where === 'function';
}

function describeType(type: ScalarType): string {
  return type === 'integer' ? 'an integer' : type === 'unknown' ? 'of unknown type' : `a ${type}`;
}

function formatMultiple(every: string, factor: number): string {
  const match = /^([0-9]+)(.)$/.exec(every);
  return match ? `${Number(match[1]) * factor}${match[2]}` : every;
}
