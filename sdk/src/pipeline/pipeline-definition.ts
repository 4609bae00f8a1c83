import type { RowSchema } from './row-schema.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import type { ScalarType } from '../plan/expression-node.js';

/**
 * What every backend receives from a built pipeline: the frozen plan (data), its canonical
 * hash, and the two live things data cannot hold — the zod schema and the `.map()`
 * functions. Backends compile this; none of them re-interprets the fluent API.
 */
export interface PipelineDefinition {
  readonly plan: PipelinePlan;
  readonly hash: string;
  readonly schema?: RowSchema;
  readonly mapFunctions: readonly ((row: any) => any)[];
  /**
   * The row's column types after the last row step, as the builder knows them (schema, derive,
   * and the types declared with `.map(fn, { columns })`, which the plan records by name only);
   * absent once a `.map()` without declared columns ran. Not part of the plan or its hash.
   */
  readonly columnTypes?: Readonly<Record<string, ScalarType>>;
  /**
   * The column types each `.map()` declared, by map (the same order as `mapFunctions`;
   * undefined for a map that declared none). A map that no row reaches returns nothing to infer
   * types from: the local engine gives its empty output these types, so later steps still bind.
   */
  readonly mapColumnTypes?: readonly (Readonly<Record<string, ScalarType>> | undefined)[];
}
