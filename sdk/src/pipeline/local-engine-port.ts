/**
 * The builder runs pipelines through whichever local engine `index.ts` registered. The
 * builder never imports an engine itself: that keeps DuckDB out of the Lambda bundle, which
 * reuses the builder to rebuild the user's pipeline.
 */
import { SluiceError } from '../errors.js';
import type { PipelineDefinition } from './pipeline-definition.js';
import type { RunOptions, RunResult } from './run-types.js';

export interface LocalEngine {
  run(definition: PipelineDefinition, options: RunOptions): Promise<RunResult>;
}

let registered: LocalEngine | undefined;

/** Called once by `index.ts`. */
export function registerLocalEngine(engine: LocalEngine): void {
  registered = engine;
}

export function localEngine(): LocalEngine {
  if (!registered) {
    throw new SluiceError(
      'NO_LOCAL_ENGINE',
      'No local engine is available in this build of sluice (the Lambda runtime build has none). Import from "sluice" to run pipelines locally.',
    );
  }
  return registered;
}
