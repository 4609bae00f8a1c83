/**
 * sluice — the public API, and the one place (with cli/) that wires backends to the model.
 *
 * @example
 * ```ts
 * import { pipeline, file, window, count, sum, mean, featureStore } from 'sluice';
 * ```
 */
import { registerLocalEngine, registerPromoter } from './pipeline/backend-ports.js';
import { runLocal } from './engines/local/run-pipeline.js';
import { withNotebookDisplay } from './notebook/run-result-display.js';
import { attachRichDisplay, createProgressDisplay, isNotebook, tableBundle } from './notebook/index.js';
import { setTrainingSetDisplay } from './retrieval/training-set.js';

// In a notebook a run shows live progress and its result renders itself (HTML, charts);
// elsewhere it prints as text.
registerLocalEngine({
  run: async (definition, options) => {
    const notebook = isNotebook();
    const progress = options.onProgress === undefined && notebook ? createProgressDisplay() : undefined;
    try {
      return withNotebookDisplay(await runLocal(definition, progress ? { ...options, onProgress: progress.onProgress } : options, { keepChartRows: notebook }));
    } finally {
      progress?.finish();
    }
  },
});
// Training sets too: live progress while they are computed, and an HTML table as the result.
setTrainingSetDisplay({
  progress: () => (isNotebook() ? createProgressDisplay() : undefined),
  table: (table) => attachRichDisplay(table, (t) => tableBundle(t, { limit: 20 })),
});
// CDK is heavy: it loads only when a pipeline is promoted.
registerPromoter({ promote: async (definition, options) => (await import('./promote/promote.js')).promote(definition, options) });

// Explore: define and run pipelines.
export { pipeline } from './pipeline/pipeline-builder.js';
export type {
  AggregatedPipeline,
  FeaturePipeline,
  PipelineStart,
  RunnablePipeline,
  SourcedPipeline,
  ValidatedPipeline,
  ValidateOptions,
} from './pipeline/pipeline-builder.js';
export type { PipelineDefinition } from './pipeline/pipeline-definition.js';
export type { PromoteOptions, PromoteSummary } from './promote/promote.js';
export type { BaseRunResult, ProgressEvent, RowCounts, RunOptions, RunOutputs, RunResult } from './pipeline/run-types.js';
export { featureStore, type FeatureStore } from './pipeline/feature-store.js';
export { file, s3, type Source, type SourceOptions, type S3SourceOptions } from './sources/index.js';
export { window, type WindowSpec, type WindowOptions } from './features/window.js';
export { count, sum, mean, min, max, stddev, countDistinct, first, last, percentile, median, type Aggregation } from './features/aggregations.js';
export type { Duration } from './plan/duration.js';
export type { PipelinePlan } from './plan/pipeline-plan.js';

// Train: point-in-time-correct training sets, locally (DuckDB) or on Athena.
export { trainingSet, setDefaultTrainingSetEngine, type TrainingSet, type TrainingSetExplain, type TrainingSetRun, type FetchOptions, type GroupExplain } from './retrieval/training-set.js';
export type { TrainingSetOptions, TrainingSetEngine, LabelsInput, EngineRunStats, FeatureStoreRef } from './retrieval/training-set-types.js';
export { localEngine, type LocalEngineOptions } from './engines/local/training-set-local-engine.js';
export { athena, type AthenaConfig } from './engines/athena/athena-engine.js';
export { CostGuardError, queryCostUsd, estimateCostUsd } from './retrieval/cost-estimate.js';

// The catalog of a store.
export { listCatalog, readCatalogEntry, listPartitions, type CatalogEntry } from './features/catalog.js';
export { storeFiles } from './features/store-files.js';

// Errors users can branch on.
export { SluiceError, PlanError, ExpressionError, SourceError, GateError, EngineError, StoreError } from './errors.js';

export { formatTextTable } from './format/text-table.js';

// Notebook display: rich HTML tables, quality reports, charts, live progress.
export {
  showTable, showQualityReport, showChart, plotFeature, plotDistribution, createProgressDisplay, featurePlotSpec, distributionSpec,
  renderSvg, tableToHtml, tableToText, qualityReportToHtml, qualityReportToText, isNotebook,
  type DisplayBundle, type TableDisplayOptions, type FeaturePlotOptions, type DistributionOptions, type VegaLiteSpec,
  type ProgressDisplay, type ProgressUpdate, type RunResultDisplay,
} from './notebook/index.js';

// Production behaviour on this machine: s3rver + dynalite + the bundled handler (`sluice dev`).
export type { DevOptions, DevSession } from './cli/dev-command.js';
/**
 * Starts s3rver and dynalite in-process, bundles the pipeline module's Lambda handler, and
 * delivers landing-bucket events to it in AWS's form, running the aggregate stage on a timer.
 *
 * @example
 * ```ts
 * const dev = await startDev({ pipelineModule: 'pipelines/engagement.ts', aggregateEveryMs: 0 });
 * // put objects into the landing bucket at dev.s3Endpoint, then:
 * await dev.idle(); await dev.aggregateNow(); await dev.stop();
 * ```
 */
export async function startDev(options: import('./cli/dev-command.js').DevOptions): Promise<import('./cli/dev-command.js').DevSession> {
  return (await import('./cli/dev-command.js')).startDev(options);
}

// The demo clickstream, for notebooks and tutorials.
export { generateDemoEvents, type DemoDataOptions } from './cli/demo-data.js';
export { SDK_VERSION } from './version.js';
