/**
 * A hand-built pipeline definition for the promote tests (independent of the fluent builder):
 * every aggregation kind, a `.where()` filter, a derive and a map step.
 */
import { z } from 'zod';
import type { PipelineDefinition } from '../../../sdk/src/pipeline/pipeline-definition.js';
import type { PipelinePlan } from '../../../sdk/src/plan/pipeline-plan.js';
import type { SourceNode } from '../../../sdk/src/plan/source-node.js';
import type { GateSpec } from '../../../sdk/src/plan/validate-node.js';
import type { AggregationNode, WindowNode } from '../../../sdk/src/plan/window-node.js';
import { deepFreeze, planHash } from '../../../sdk/src/plan/canonical-json.js';

export const Event = z.object({
  event_id: z.string().uuid(),
  user_id: z.string().min(1),
  event_type: z.enum(['view', 'click', 'purchase']),
  amount: z.number().nonnegative().nullable(),
  ts: z.coerce.date(),
});

const clickFilter = {
  text: "event_type = 'click'",
  node: { kind: 'binary', op: '=', left: { kind: 'column', name: 'event_type' }, right: { kind: 'literal', value: 'click' } },
  type: 'boolean',
} as const;

export function aggregation(fn: AggregationNode['fn'], column?: string, extra: Partial<AggregationNode> = {}): AggregationNode {
  return { kind: 'aggregation', fn, ...(column === undefined ? {} : { column }), ...extra };
}

export const ALL_FEATURES: Record<string, AggregationNode> = {
  events: aggregation('count'),
  clicks: aggregation('count', undefined, { where: clickFilter }),
  spend: aggregation('sum', 'amount', { valueType: 'number' }),
  avg_spend: aggregation('mean', 'amount', { valueType: 'number' }),
  min_spend: aggregation('min', 'amount', { valueType: 'number' }),
  max_spend: aggregation('max', 'amount', { valueType: 'number' }),
  sd_spend: aggregation('stddev', 'amount', { valueType: 'number' }),
  types: aggregation('count_distinct', 'event_type', { valueType: 'string' }),
  approx_types: aggregation('count_distinct', 'event_type', { approximate: true, valueType: 'string' }),
  first_type: aggregation('first', 'event_type', { valueType: 'string' }),
  last_amount: aggregation('last', 'amount', { valueType: 'number' }),
};

export function windowNode(overrides: Partial<WindowNode> = {}): WindowNode {
  return { kind: 'window', entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d', '30d'], features: ALL_FEATURES, ...overrides };
}

export const DEFAULT_GATES: GateSpec = { maxInvalidRatio: 0.01, unique: ['event_id'] };

export const DEFAULT_SOURCE: SourceNode = { kind: 'source', scheme: 's3', uri: 's3://landing/events/', format: 'jsonl', compression: 'auto' };

export function definition(options: { window?: WindowNode; mapSource?: string; name?: string; gates?: GateSpec; source?: SourceNode } = {}): PipelineDefinition {
  const mapSource = options.mapSource ?? '(row) => ({ ...row, domain: String(row.user_id).split("@")[1] ?? null })';
  const plan: PipelinePlan = deepFreeze({
    version: 1,
    name: options.name ?? 'user-engagement',
    steps: [
      options.source ?? DEFAULT_SOURCE,
      { kind: 'validate', jsonSchema: z.toJSONSchema(Event, { unrepresentable: 'any' }), gates: options.gates ?? DEFAULT_GATES },
      { kind: 'map', source: mapSource },
      options.window ?? windowNode(),
      { kind: 'featureStore', root: 's3://ml-features/features', entity: 'user', group: 'engagement' },
    ],
  } as PipelinePlan);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return { plan, hash: planHash(plan), schema: Event, mapFunctions: [(row: Record<string, unknown>) => ({ ...row, domain: String(row.user_id).split('@')[1] ?? null })] };
}
