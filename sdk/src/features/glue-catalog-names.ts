/**
 * Names and column types of the Glue Data Catalog objects a promoted pipeline creates: one
 * database per pipeline, one table per feature group. Athena reads (training sets) use the
 * same functions, so the names are defined once.
 */
import { PlanError } from '../errors.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import type { WindowNode } from '../plan/window-node.js';
import type { FeatureStoreSinkNode } from '../plan/sink-node.js';
import { featureColumns } from './feature-naming.js';

/**
 * Glue and Athena names: lowercase letters, digits and underscores.
 *
 * @example
 * ```ts
 * glueName('User-Engagement v2') // 'user_engagement_v2'
 * glueName('---')                // 'x'
 * ```
 */
export function glueName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return name === '' ? 'x' : name;
}

/**
 * @example
 * ```ts
 * glueDatabaseName('user-engagement') // 'sluice_user_engagement'
 * ```
 */
export function glueDatabaseName(pipeline: string): string {
  return `sluice_${glueName(pipeline)}`;
}

/**
 * @example
 * ```ts
 * glueTableName('user', 'engagement') // 'user__engagement'
 * ```
 */
export function glueTableName(entity: string, group: string): string {
  return `${glueName(entity)}__${glueName(group)}`;
}

/** One column of a feature group table, typed in Glue/Hive type names. */
export interface GlueColumn {
  readonly name: string;
  readonly type: 'string' | 'timestamp' | 'bigint' | 'double' | 'boolean';
}

/**
 * The plan's window step and its feature-store sink; promote needs both.
 *
 * @example
 * ```ts
 * const { window, sink } = aggregateSteps(engagement.plan);
 * [window.every, sink.entity, sink.group] // ['1h', 'user', 'engagement']
 * // a plan without .aggregate(window(...)).toFeatureStore(...): throws PlanError NOT_PROMOTABLE
 * ```
 */
export function aggregateSteps(plan: PipelinePlan): { window: WindowNode; sink: FeatureStoreSinkNode } {
  const window = plan.steps.find((s): s is WindowNode => s.kind === 'window');
  const sink = plan.steps.find((s): s is FeatureStoreSinkNode => s.kind === 'featureStore');
  if (!window || !sink) {
    throw new PlanError('NOT_PROMOTABLE', 'steps',
      `Pipeline "${plan.name}" has no ${window ? 'toFeatureStore()' : 'aggregate(window(...))'} step. Promote deploys the aggregate stage to Glue: add .aggregate(window({...})).toFeatureStore(store, { entity, group }).`);
  }
  return { window, sink };
}

/**
 * The columns of a feature group as stored (DESIGN §4): `entity_id`, `feature_ts`, the
 * feature columns (names and types from `featureColumns`), `_plan_hash`. `dt` is the
 * partition key, not a column.
 *
 * @example
 * ```ts
 * featureTableColumns(plan).map((c) => c.name)
 * // ['entity_id', 'feature_ts', 'clicks_1d', 'clicks_7d', ..., '_plan_hash']
 * ```
 */
export function featureTableColumns(plan: PipelinePlan): GlueColumn[] {
  const { window } = aggregateSteps(plan);
  return [
    { name: 'entity_id', type: 'string' },
    { name: 'feature_ts', type: 'timestamp' },
    // FeatureColumnType's names are Hive's: bigint, double, string, boolean, timestamp.
    ...featureColumns(window).map((c) => ({ name: c.name, type: c.type })),
    { name: '_plan_hash', type: 'string' },
  ];
}
