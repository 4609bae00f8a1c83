/**
 * `sluice promote <module> --out <dir>`: promotes the pipeline a module exports by default.
 */
import { SluiceError } from '../errors.js';
import type { FeaturePipeline } from '../pipeline/pipeline-builder.js';
import type { PromoteOptions } from '../promote/promote.js';
import { loadPipeline } from './run-command.js';

/**
 * @example
 * ```ts
 * process.exitCode = await promoteCommand('pipelines/engagement.ts', { out: 'deploy/user-engagement' });
 * ```
 */
export async function promoteCommand(modulePath: string, options: Omit<PromoteOptions, 'pipelineModule'>, out: (text: string) => void = console.log): Promise<number> {
  const pipeline = (await loadPipeline(modulePath)) as FeaturePipeline;
  if (typeof pipeline.promote !== 'function') {
    throw new SluiceError('NOT_PROMOTABLE', `${modulePath} exports a pipeline that does not end in toFeatureStore(); only complete pipelines can be promoted.`);
  }
  const summary = await pipeline.promote({ ...options, pipelineModule: modulePath });
  out(String(summary));
  return summary.nag.unacknowledged.length > 0 ? 3 : 0;
}
