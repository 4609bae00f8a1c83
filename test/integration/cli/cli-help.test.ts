/**
 * `--help` on every subcommand, and command-line mistakes, through the built bin as a user
 * meets them: help lists and explains every flag the command takes (the flags below are written
 * out here, not read from the CLI's own table), and a wrong flag gets one line naming it plus the
 * usage — never a Node stack trace.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');

/** Each subcommand's flags, and a value for each flag that takes one. */
const FLAGS: Record<string, Record<string, string | true>> = {
  run: { sample: '100', 'write-sample': true, 'dry-run': true, zones: 'z', 'save-profile': 'p.json', 'no-profile': true, 'max-feature-rows': '1000' },
  demo: { data: 'data/events', sample: '100' },
  catalog: { store: 's' },
  init: { name: 'n', force: true },
  promote: { out: 'o', schedule: 'rate(1 hour)', 'budget-usd': '50', 'alarm-email': 'a@example.com' },
  dev: { dir: 'd', 'aggregate-every': '30', 's3-port': '0', 'dynamo-port': '0' },
  'training-set': {
    labels: 'l.parquet', entity: 'user', features: 'g:*', ttl: '1d', out: 'o.parquet', store: 's', 'entity-column': 'e', 'timestamp-column': 't',
    format: 'csv', explain: true, sql: 'duckdb', engine: 'local', workgroup: 'w', database: 'd', 'output-location': 's3://b/p', region: 'eu-west-1',
    endpoint: 'http://x', 'max-cost-usd': '1', 'max-bytes': '10', 'allow-expensive': true,
  },
};

const sluice = (args: string[]) => runCli(args, { cwd: root });

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('ERR_PARSE_ARGS');
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
});

describe('sluice --help', () => {
  it('lists every subcommand with every flag it takes', async () => {
    const result = await sluice(['--help']);
    expect(result.status).toBe(0);
    for (const [command, flags] of Object.entries(FLAGS)) {
      expect(result.stdout).toContain(`sluice ${command}`);
      for (const flag of Object.keys(flags)) expect(result.stdout, `${command} --${flag}`).toMatch(new RegExp(`sluice ${command} .*--${flag}\\b`, 's'));
    }
  });

  it('sluice help <command> prints that command\'s help', async () => {
    for (const command of ['run', 'promote', 'training-set']) {
      const result = await sluice(['help', command]);
      expect(result.status, command).toBe(0);
      expect(result.stdout.split('\n')[0], command).toMatch(new RegExp(`^sluice ${command} — `));
    }
  });

  it('--version, -v and version print the version and exit 0', async () => {
    const { version } = (await import('../../../sdk/package.json', { with: { type: 'json' } })).default as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const result = await sluice([flag]);
      expect({ status: result.status, stdout: result.stdout.trim() }).toEqual({ status: 0, stdout: `sluice ${version}` });
    }
  });

  it('shows one usage line per command, and no example among them', async () => {
    const result = await sluice(['--help']);
    const usage = /^Usage:\n([\s\S]*?)\n\n/m.exec(result.stdout)![1]!;
    const commandsShown = [...usage.matchAll(/^ {2}sluice (\S+)/gm)].map((m) => m[1]);
    expect(commandsShown.sort()).toEqual(Object.keys(FLAGS).sort());
    // An example has values where a usage line has placeholders.
    expect(usage).not.toContain('data/labels.parquet');
  });
});

describe.each(Object.entries(FLAGS))('sluice %s', (command, flags) => {
  it('--help (after every flag it takes, each accepted) prints its usage and every flag, and exits 0', async () => {
    const args = Object.entries(flags).flatMap(([flag, value]) => (value === true ? [`--${flag}`] : [`--${flag}`, value]));
    for (const help of ['--help', '-h']) {
      const result = await sluice([command, ...args, help]);
      expect(result.status, result.stderr).toBe(0);
      expectNoStackTrace(result.stderr);
      expect(result.stdout).toContain(`sluice ${command}`);
      for (const flag of Object.keys(flags)) expect(result.stdout).toContain(`--${flag}`);
    }
  });

  it('--help explains every flag on a line of its own (flag, then what it does), and no flag this table lacks', async () => {
    const result = await sluice([command, '--help']);
    expect(result.status, result.stderr).toBe(0);
    // An option line: indent, --flag, its value if any, two spaces or more, a description.
    const explained = [...result.stdout.matchAll(/^ {2}(?:-h, )?--([a-z0-9-]+)(?: \S+)? {2,}\S/gm)].map((m) => m[1]);
    expect(explained.sort()).toEqual([...Object.keys(flags), 'help'].sort());
    expect(result.stdout).toMatch(new RegExp(`^Examples?:\\n {2}sluice ${command} `, 'm'));
  });

  it('an unknown flag: one line naming it, the usage, exit 1, no stack trace', async () => {
    const result = await sluice([command, ...(command === 'training-set' ? [] : ['pipelines/x.ts']), '--bogus']);
    expect(result.status).toBe(1);
    expectNoStackTrace(result.stderr);
    expect(result.stderr).toMatch(new RegExp(`^✖ sluice ${command}: unknown flag --bogus`));
    expect(result.stderr).toContain(`sluice ${command} `);
    expect(result.stdout).toBe('');
  });
});

describe('sluice run --help', () => {
  it("says where the zones go by default as the engine decides: beside a local store, else under .sluice/", async () => {
    const result = await sluice(['run', '--help']);
    expect(result.stdout).toContain("<the local store's parent>/zones/<pipeline>");
    expect(result.stdout).toContain('.sluice/zones/<pipeline> when the store is on S3 or there is none');
  });
});

describe('command-line mistakes', () => {
  it('a misspelt flag gets a suggestion', async () => {
    const result = await sluice(['run', 'x.ts', '--smaple', '10']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown flag --smaple (did you mean --sample?)');
  });

  it('a flag without its value names the flag and what it takes', async () => {
    const result = await sluice(['run', 'x.ts', '--sample']);
    expect(result.status).toBe(1);
    expectNoStackTrace(result.stderr);
    expect(result.stderr).toContain('--sample needs a value: --sample N');
  });

  it('a second module is refused, not ignored', async () => {
    const result = await sluice(['run', 'a.ts', 'b.ts']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unexpected argument "b.ts"');
    const trainingSet = await sluice(['training-set', 'labels.parquet']);
    expect(trainingSet.status).toBe(1);
    expectNoStackTrace(trainingSet.stderr);
    expect(trainingSet.stderr).toContain('unexpected argument "labels.parquet"');
  });
});
