import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PipelinePlan } from '../../../sdk/src/plan/pipeline-plan.js';
import { afterAll, expect, it } from 'vitest';
import { SluiceError } from '../../../sdk/src/errors.js';
import { bundlePipeline } from '../../../sdk/src/promote/bundle.js';

const outDir = resolve(`node_modules/.cache/sluice-runtime-test/checks-${process.pid}`);
afterAll(() => rm(outDir, { recursive: true, force: true }));

it('fails loudly when a forbidden package would enter the bundle', async () => {
  const attempt = bundlePipeline({ pipelineModule: resolve('test/integration/runtime/fixtures/forbidden-pipeline.mjs'), outDir });
  await expect(attempt).rejects.toBeInstanceOf(SluiceError);
  await expect(attempt).rejects.toMatchObject({ code: 'BUNDLE_FORBIDDEN_INPUT', message: expect.stringContaining('apache-arrow') });
}, 120_000);

it('fails loudly over the size budget, naming the largest inputs', async () => {
  const attempt = bundlePipeline({ pipelineModule: resolve('test/integration/runtime/fixtures/events-pipeline.mjs'), outDir, maxBytes: 100_000 });
  await expect(attempt).rejects.toMatchObject({ code: 'BUNDLE_TOO_LARGE', message: expect.stringContaining('zod') });
}, 120_000);

it('refuses a module that does not export a pipeline', async () => {
  const attempt = bundlePipeline({ pipelineModule: resolve('test/integration/runtime/fixtures/events-schema.ts'), outDir });
  await expect(attempt).rejects.toMatchObject({ code: 'NOT_A_PIPELINE' });
}, 120_000);

it('refuses a plan to embed that the module does not build, naming where they differ (the Lambda would refuse every event)', async () => {
  const pipelineModule = resolve('test/integration/runtime/fixtures/events-pipeline.mjs');
  await bundlePipeline({ pipelineModule, outDir });
  const { plan, planHash } = JSON.parse(await readFile(join(outDir, 'plan.json'), 'utf8')) as { plan: PipelinePlan; planHash: string };
  // The same plan (as a notebook holding that module's definition promotes it): accepted.
  await expect(bundlePipeline({ pipelineModule, outDir, plan: { plan, hash: planHash } })).resolves.toMatchObject({ planHash });
  // A notebook's version with another gate: refused at promote time.
  const steps = plan.steps.map((s) => (s.kind === 'validate' ? { ...s, gates: { ...s.gates, maxInvalidRatio: 0.05 } } : s));
  const attempt = bundlePipeline({ pipelineModule, outDir, plan: { plan: { ...plan, steps }, hash: 'notebook0000hash' } });
  await expect(attempt).rejects.toMatchObject({ code: 'PLAN_MISMATCH' });
  await expect(attempt).rejects.toThrow('steps[1].gates.maxInvalidRatio: 0.05 ≠ 0.5');
}, 120_000);
