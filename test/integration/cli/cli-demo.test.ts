/**
 * `sluice demo --data DIR` as a user runs it: the pipeline it runs reads DIR — not the
 * `data/events/` folder examples/engagement.ts was written for, which a fresh clone lacks.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';

let dir: string;

beforeAll(async () => {
  // Inside the checkout, so that the example's 'sluice' and 'zod' imports resolve; it has no data/events/.
  dir = mkdtempSync(join(REPO_ROOT, 'test', '.tmp-demo-'));
  await generateDemoEvents({ dir: join(dir, 'clicks'), users: 30, days: 8, eventsPerDay: 200, seed: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice demo --data', () => {
  it('runs the pipeline on the folder --data names', async () => {
    const result = await runCli(['demo', join(REPO_ROOT, 'examples/engagement.ts'), '--data', 'clicks', '--sample', '500'], { cwd: dir, timeoutMs: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Using the demo clickstream in clicks');
    expect(result.stdout).toMatch(/^ {2}clicks\/events-2024-01-01\.jsonl: in /m);
    expect(result.stdout).not.toContain('data/events');
  });

  it('with an absolute --data too', async () => {
    const result = await runCli(['demo', join(REPO_ROOT, 'examples/engagement.ts'), '--data', join(dir, 'clicks'), '--sample', '200'], { cwd: dir, timeoutMs: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${join(dir, 'clicks')}/events-2024-01-01.jsonl: in `);
  });

  it('without a module, in a project made by sluice init (pipelines/, no examples/), runs its pipelines/engagement.ts', async () => {
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'templates/project/pipelines/engagement.ts'), join(dir, 'pipelines', 'engagement.ts'));
    const result = await runCli(['demo', '--data', 'clicks', '--sample', '300'], { cwd: dir, timeoutMs: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ {2}clicks\/events-2024-01-01\.jsonl: in /m);
  });

  it('makes the clickstream where --data is an empty folder, beside it first, and clears a stopped demo\'s scratch folder', async () => {
    mkdirSync(join(dir, 'fresh'));
    mkdirSync(join(dir, 'fresh.partial-999999'));
    writeFileSync(join(dir, 'fresh.partial-999999', 'events-2024-01-01.jsonl'), '{}\n');
    const result = await runCli(['demo', join(REPO_ROOT, 'examples/engagement.ts'), '--data', 'fresh', '--sample', '300'], { cwd: dir, timeoutMs: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Made a seeded clickstream in fresh');
    expect(readdirSync(join(dir, 'fresh')).length).toBeGreaterThan(50);
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
  });
});
