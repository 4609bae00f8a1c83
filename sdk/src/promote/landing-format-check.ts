/**
 * The event stage (Lambda) reads JSON and CSV landing objects; a Parquet one it quarantines
 * whole ("not read by the event stage yet"). A pipeline whose source is Parquet would deploy
 * and then quarantine every object it was built for, which is found only after the data has
 * landed. promote() refuses it before writing anything, naming the fix.
 */
import { PlanError } from '../errors.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';

/**
 * Throws `SOURCE_NOT_PROMOTABLE` when the plan's source is Parquet: declared (`format:
 * 'parquet'`), or selected by its glob's extension (`*.parquet`, `*.parquet.gz`). A glob that
 * names no extension is left to the event stage, which quarantines any Parquet object it meets.
 *
 * @example
 * ```ts
 * assertLandingFormatReadable(pipeline('x').from(s3('s3://landing/events/*.parquet')).validate(Event).definition.plan);
 * // PlanError SOURCE_NOT_PROMOTABLE at steps[0].source
 * ```
 */
export function assertLandingFormatReadable(plan: PipelinePlan): void {
  plan.steps.forEach((step, i) => {
    if (step.kind !== 'source') return;
    const byName = /\.parquet(\.gz)?$/i.test(step.uri);
    if (step.format !== 'parquet' && !(step.format === undefined && byName)) return;
    throw new PlanError(
      'SOURCE_NOT_PROMOTABLE',
      `steps[${i}].source${step.format === 'parquet' ? '.format' : '.uri'}`,
      `The source reads Parquet (${step.format === 'parquet' ? "format: 'parquet'" : step.uri}), and the event stage in AWS reads JSON and CSV landing ` +
        'objects only: deployed, it would quarantine every object it was built for. Land the records as JSON Lines or CSV ' +
        "(Kinesis Data Firehose's default, or the producer's export), or keep this pipeline local (pipeline.run(), which reads Parquet).",
    );
  });
}
