/**
 * sluice's promote entry point (`sluice/promote`): what the generated CDK app and users' own
 * CDK apps import. Kept apart from the main entry so that CDK loads only when promoting.
 */
export { FeaturePipeline, PIPELINE_TAG, type FeaturePipelineProps } from './feature-pipeline-construct.js';
export { createFeaturePipelineStack, synthesizeFeaturePipeline, checkAwsSolutions, stackNameFor, type NagResult, type NagFinding, type SynthesizedStack } from './synth-stack.js';
export { acknowledgeSharedFindings } from './nag-acknowledgements.js';
export { promote, assertPromotable, type PromoteOptions, type PromoteSummary } from './promote.js';
export { compileAggregateSql } from './compile-aggregate.js';
export { GLUE_JOB_ARGUMENTS, glueDefaultArguments } from './glue-job-arguments.js';
export { glueDatabaseName, glueTableName, featureTableColumns } from '../features/glue-catalog-names.js';
export { freeVariables, assertSelfContained } from './free-variables.js';
