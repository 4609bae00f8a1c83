/**
 * What `import ... from 'sluice'` resolves to inside the Lambda bundle: the builder
 * functions a pipeline module uses to define itself, WITHOUT the local engine (`index.ts`
 * registers DuckDB; this entry never does, so no native module can enter the bundle).
 * A pipeline module that imports anything else from 'sluice' (training sets, the catalog)
 * fails to bundle with esbuild naming the import: keep those in a separate module.
 */
export { pipeline } from '../pipeline/pipeline-builder.js';
export type {
  AggregatedPipeline,
  FeaturePipeline,
  PipelineStart,
  RunnablePipeline,
  SourcedPipeline,
  ValidatedPipeline,
  ValidateOptions,
} from '../pipeline/pipeline-builder.js';
export type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
export { featureStore, type FeatureStore } from '../pipeline/feature-store.js';
export { file, s3, type SourceOptions, type S3SourceOptions } from '../sources/source-builders.js';
export { window, type WindowSpec, type WindowOptions } from '../features/window.js';
export { count, sum, mean, min, max, stddev, countDistinct, first, last, type Aggregation } from '../features/aggregations.js';
export { SluiceError, PlanError, ExpressionError, SourceError, GateError, EngineError, StoreError } from '../errors.js';
export { SDK_VERSION } from '../version.js';
