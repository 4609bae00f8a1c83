/**
 * The demo runs a pipeline on the demo clickstream where `--data` put it. The module's own
 * `file(...)` names the folder it was written for (`data/events/`); a demo that says it uses
 * `/tmp/clicks` must read `/tmp/clicks`, so the demo swaps the plan's source for that folder.
 */
import { deepFreeze, planHash } from '../plan/canonical-json.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { runDefinition, type RunnablePipeline } from '../pipeline/pipeline-builder.js';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { file } from '../sources/source-builders.js';

/** The glob of examples/engagement.ts: every daily file, plain or gzip-compressed. */
export const DEMO_FILES_GLOB = '*.jsonl*';

/**
 * The same pipeline, reading `<dir>/*.jsonl*` instead of its own source. Everything after the
 * source (schema, gates, windows, store) is unchanged; the plan hash is recomputed, so a
 * different folder is a different plan (it is the same plan when the folder is the module's).
 *
 * @example
 * ```ts
 * const onDemoData = readingDemoFolder(await loadPipeline('examples/engagement.ts'), '/tmp/clicks');
 * onDemoData.plan.steps[0] // { kind: 'source', scheme: 'file', uri: '/tmp/clicks/*.jsonl*', compression: 'auto' }
 * ```
 */
export function readingDemoFolder(pipeline: RunnablePipeline, dir: string): RunnablePipeline {
  const source = file(`${dir.replace(/[\\/]+$/, '') || '.'}/${DEMO_FILES_GLOB}`).node;
  const { definition } = pipeline;
  const plan: PipelinePlan = deepFreeze({ ...definition.plan, steps: [source, ...definition.plan.steps.slice(1)] });
  const resourced: PipelineDefinition = Object.freeze({ ...definition, plan, hash: planHash(plan) });
  return Object.freeze({
    name: pipeline.name,
    plan,
    hash: resourced.hash,
    definition: resourced,
    run: (options = {}) => runDefinition(resourced, options),
    toJSON: () => plan,
  });
}
