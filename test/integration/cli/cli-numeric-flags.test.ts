/**
 * Numeric flags through the built bin. `--budget-usd abc` used to reach the CDK template as
 * `BudgetLimit {"Amount": null}`; every such flag must now be refused before anything runs,
 * naming the flag, the rule and an example.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');

const sluice = (args: string[]) => runCli(args, { cwd: root });

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
});

// The module does not exist: a refused flag must be reported before the module is even looked for.
const MISSING = 'no-such-pipeline.ts';

describe('numeric flags', () => {
  it.each(['abc', '', '0', '-5', 'Infinity', '0x10', '12abc'])('promote --budget-usd %j is refused', async (value) => {
    const result = await sluice(['promote', MISSING, '--out', join(root, 'test', '.tmp-never-written'), `--budget-usd=${value}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`--budget-usd takes a positive number of US dollars a month, e.g. --budget-usd 50; got "${value}"`);
    expect(existsSync(join(root, 'test', '.tmp-never-written'))).toBe(false);
  });

  it.each([
    [['promote', MISSING, '--out', 'o', '--budget-usd', '-5'], '--budget-usd takes a positive number of US dollars a month, e.g. --budget-usd 50; got "-5"'],
    [['run', MISSING, '--sample', '-5'], '--sample takes a positive whole number of rows, e.g. --sample 10000; got "-5"'],
    [['demo', MISSING, '--sample', '-5'], '--sample takes a positive whole number of rows, e.g. --sample 10000; got "-5"'],
    [['dev', MISSING, '--aggregate-every', '-.5'], '--aggregate-every takes a number of seconds (0 = never), e.g. --aggregate-every 60; got "-.5"'],
    [['training-set', '--labels', 'l.csv', '--entity', 'u', '--features', 'g:*', '--ttl', '1d', '--out', 'o.csv', '--max-cost-usd', '-1'], '--max-cost-usd takes a positive number of dollars'],
  ])('a negative number after a space is read as the value and judged by the flag\'s rule: %j', async (args, rule) => {
    const result = await sluice(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(rule);
    expect(result.stderr).not.toContain('needs a value');
  });

  it('a flag followed by another flag still needs a value', async () => {
    const result = await sluice(['run', MISSING, '--sample', '--dry-run']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--sample needs a value: --sample N');
  });

  it('promote --budget-usd 12.5 is accepted (the run goes on to look for the module)', async () => {
    const result = await sluice(['promote', MISSING, '--out', 'o', '--budget-usd', '12.5']);
    expect(result.status).toBe(1);
    // The first line is the problem (the usage line after it lists every flag).
    expect(result.stderr.split('\n')[0]).not.toContain('--budget-usd');
    expect(result.stderr).toContain(`No file at ${MISSING}`);
  });

  it.each(['soon', '', '-1', 'NaN'])('dev --aggregate-every %j is refused', async (value) => {
    const result = await sluice(['dev', MISSING, `--aggregate-every=${value}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`--aggregate-every takes a number of seconds (0 = never), e.g. --aggregate-every 60; got "${value}"`);
  });

  it.each(['', '0', '2.5', '1e3'])('run --sample %j is refused', async (value) => {
    const result = await sluice(['run', MISSING, `--sample=${value}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`--sample takes a positive whole number of rows, e.g. --sample 10000; got "${value}"`);
  });
});
