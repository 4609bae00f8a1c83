/**
 * The builder runs and promotes pipelines through whichever backends `index.ts` registered.
 * The builder never imports a backend itself: that keeps DuckDB and CDK out of the Lambda
 * bundle, which reuses the builder to rebuild the user's pipeline.
 */
import { SluiceError } from '../errors.js';
import type { PipelineDefinition } from './pipeline-definition.js';
import type { RunOptions, RunResult } from './run-types.js';
import type { PromoteOptions, PromoteSummary } from '../promote/promote.js';

export interface LocalEngine {
  run(definition: PipelineDefinition, options: RunOptions): Promise<RunResult>;
}

export interface Promoter {
  promote(definition: PipelineDefinition, options: PromoteOptions): Promise<PromoteSummary>;
}

let engine: LocalEngine | undefined;
let promoter: Promoter | undefined;

/**
 * Called once by `index.ts`.
 *
 * @example
 * ```ts
 * registerLocalEngine({ run: (definition, options) => runLocal(definition, options) });
 * // from now on pipeline(...).run() runs through it (localEngine() returns it)
 * ```
 */
export function registerLocalEngine(registered: LocalEngine): void {
  engine = registered;
}

/**
 * Called once by `index.ts`.
 *
 * @example
 * ```ts
 * registerPromoter({ promote: async (definition, options) => (await import('./promote/promote.js')).promote(definition, options) });
 * // from now on pipeline(...).promote() runs through it (registeredPromoter() returns it)
 * ```
 */
export function registerPromoter(registered: Promoter): void {
  promoter = registered;
}

/**
 * The registered local engine; a build without one (the Lambda runtime) throws `NO_LOCAL_ENGINE`.
 *
 * @example
 * ```ts
 * const result = await localEngine().run(engagement.definition, { sample: 10_000 }); // a RunResult
 * // in the Lambda runtime build: throws SluiceError NO_LOCAL_ENGINE
 * ```
 */
export function localEngine(): LocalEngine {
  if (!engine) {
    throw new SluiceError('NO_LOCAL_ENGINE', 'No local engine is available in this build of sluice (the Lambda runtime build has none). Import from "sluice" to run pipelines locally.');
  }
  return engine;
}

/**
 * The registered promoter; a build without one (the Lambda runtime) throws `NO_PROMOTER`.
 *
 * @example
 * ```ts
 * const summary = await registeredPromoter().promote(engagement.definition, { out: 'deploy/user-engagement' }); // a PromoteSummary
 * // in the Lambda runtime build: throws SluiceError NO_PROMOTER
 * ```
 */
export function registeredPromoter(): Promoter {
  if (!promoter) {
    throw new SluiceError('NO_PROMOTER', 'Promotion is not available in this build of sluice (the Lambda runtime build has none). Import from "sluice" to promote pipelines.');
  }
  return promoter;
}
