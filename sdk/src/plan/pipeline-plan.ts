import type { SourceNode } from './source-node.js';
import type { ValidateNode } from './validate-node.js';
import type { TransformNode } from './transform-node.js';
import type { WindowNode } from './window-node.js';
import type { FeatureStoreSinkNode } from './sink-node.js';

export const PLAN_VERSION = 1;

/**
 * The whole pipeline as frozen, JSON-serialisable data. Steps are kept in the order the
 * user wrote them; the builder enforces their legal order (source, validate, transforms,
 * aggregate, sink), so `steps[i]` paths in errors point at what the user wrote.
 */
export interface PipelinePlan {
  readonly version: typeof PLAN_VERSION;
  readonly name: string;
  readonly steps: readonly PlanStep[];
}

export type PlanStep = SourceNode | ValidateNode | TransformNode | WindowNode | FeatureStoreSinkNode;
