import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
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
