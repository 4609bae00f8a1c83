/**
 * promote() with the pipeline's module: the real Lambda bundle is built (by the runtime's
 * bundlePipeline), lands in the output folder, fits the budget and carries the plan being
 * promoted; the handler module it produces loads and exports `handler`.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, vi } from 'vitest';
import { promote } from '../../../sdk/src/promote/promote.js';

// The fixture module imports 'sluice' as a user's module does; here that is the SDK source.
vi.mock('sluice', () => import('../../../sdk/src/index.js'));

const MODULE = resolve('test/integration/runtime/fixtures/events-pipeline.mjs');

test('promote bundles the pipeline module into lambda/index.mjs (<= 1 MiB) with the promoted plan', async () => {
  // @ts-expect-error -- a JavaScript fixture module without type declarations
  const { default: built } = await import('../runtime/fixtures/events-pipeline.mjs');
  const definition = built.definition;
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-promote-bundle-')), 'deploy');
  const summary = await promote(definition, { out, pipelineModule: MODULE, schedule: 'rate(30 minutes)' });
  expect(summary.bundle.status).toBe('built');
  const file = join(out, 'lambda', 'index.mjs');
  expect(existsSync(file)).toBe(true);
  const bytes = statSync(file).size;
  expect(summary.bundle.status === 'built' && summary.bundle.bytes).toBe(bytes);
  expect(bytes).toBeLessThanOrEqual(1024 * 1024);
  expect(readFileSync(file, 'utf8')).toContain(definition.hash);
  expect(summary.nag.unacknowledged).toEqual([]);
  const template = JSON.parse(readFileSync(join(out, 'template.json'), 'utf8'));
  const triggers = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Glue::Trigger');
  expect(triggers.map((t) => t.Properties.Schedule)).toEqual(['cron(0/30 * * * ? *)']);
  console.log(String(summary));
}, 300_000);
