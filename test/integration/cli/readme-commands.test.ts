/**
 * The README's Explore commands, read from README.md itself and run as a user runs them on a
 * fresh clone: the demo clickstream `npm start` makes, then `npx sluice run …` from the
 * checkout's root. If the README, the example module or the demo data drift apart, this fails
 * (it did: a 1% gate over a 10,000-row sample of data that is ~0.9% malformed by design).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');
let dir: string;

/** The README's shell lines that start with `prefix`, as argument lists after `npx sluice`. */
function readmeCommands(prefix: string): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return readme
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice('npx sluice '.length).split(/\s+/));
}

const sluice = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 180_000 });

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
  // A stand-in for the checkout's root: the example module as committed, and the demo data as
  // `npm start` makes it (its defaults, so the same seed and the same bytes). Inside the
  // checkout, so that the module's 'sluice' and 'zod' imports resolve as they do for a user.
  dir = mkdtempSync(join(root, 'test', '.tmp-readme-'));
  cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  await generateDemoEvents({ dir: join(dir, 'data/events') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README', () => {
  it('shows a sample run and a whole run of the example pipeline', () => {
    const runs = readmeCommands('npx sluice run examples/');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain('--sample');
    expect(runs[1]).not.toContain('--sample');
  });

  it("Explore: `npx sluice run examples/engagement.ts --sample …` reports on the demo data and writes no partitions", async () => {
    const [args] = readmeCommands('npx sluice run examples/');
    const result = await sluice(args!);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    const sample = Number(args![args!.indexOf('--sample') + 1]);
    const line = /in ([\d,]+) = valid ([\d,]+) \+ quarantined ([\d,]+)/.exec(result.stdout);
    expect(line).not.toBeNull();
    expect(Number(line![1]!.replaceAll(',', ''))).toBe(sample);
    expect(result.stdout).toContain('clicks_7d');
    expect(result.stdout).toMatch(/A sample run: the feature store and the validated zone were not written/);
    expect(existsSync(join(dir, '.sluice/features/entity=user'))).toBe(false);
  });

  it('Explore: the whole run writes the store, and the `npx sluice catalog` command after it describes the group', async () => {
    const [, args] = readmeCommands('npx sluice run examples/');
    const run = await sluice(args!);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const [catalogArgs] = readmeCommands('npx sluice catalog ');
    const result = await sluice(catalogArgs!);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('pipeline user-engagement');
    expect(result.stdout).toMatch(/partitions: [1-9]/);
  });
});
