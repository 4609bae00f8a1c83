import type { z } from 'zod';
import type { PipelinePlan } from '../plan/pipeline-plan.js';

/**
 * What every backend receives from a built pipeline: the frozen plan (data), its canonical
 * hash, and the two live things data cannot hold — the zod schema and the `.map()`
 * functions. Backends compile this; none of them re-interprets the fluent API.
 */
export interface PipelineDefinition {
  readonly plan: PipelinePlan;
  readonly hash: string;
  readonly schema?: z.ZodObject<z.ZodRawShape>;
  readonly mapFunctions: readonly ((row: any) => any)[];
}
