/**
 * `.ci/run`, the CI entry point, on a fresh machine. It runs on a copy of the script in a
 * scratch folder with a PATH of stand-ins (node reports a chosen version; npm, python3 and
 * apt-get only record that they ran), so the real checkout's node_modules is never touched.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const BASH = '/bin/bash';
let scratch: string;
let project: string;
let log: string;

/** A PATH directory with the basic tools the script needs, plus the stand-ins asked for. */
function toolbox(name: string, standIns: Record<string, string>): string {
  const bin = join(scratch, name);
  mkdirSync(bin);
  // Stand-ins first, each a new file ('wx' refuses to open an existing one): writing through a
  // symlink to a real tool would overwrite the machine's own copy.
  for (const [tool, script] of Object.entries(standIns)) {
    writeFileSync(join(bin, tool), `#!/bin/sh\n${script}\n`, { flag: 'wx', mode: 0o755 });
  }
  for (const tool of ['dirname', 'sed', 'head', 'id', 'env', 'cat'].filter((t) => !(t in standIns))) {
    const real = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (real) symlinkSync(real, join(bin, tool));
  }
  return bin;
}

const recorder = (tool: string) => `echo "${tool} $*" >> "$CI_LOG"`;

function ciRun(bin: string): Promise<{ status: number | null; stderr: string; ran: string[] }> {
  writeFileSync(log, '');
  return new Promise((done) => {
    execFile(BASH, [join(project, '.ci', 'run')], { env: { PATH: bin, CI_LOG: log, HOME: scratch }, encoding: 'utf8' }, (error, _stdout, stderr) => {
      const ran = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr, ran });
    });
  });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-ci-run-'));
  project = join(scratch, 'checkout');
  mkdirSync(join(project, '.ci'), { recursive: true });
  copyFileSync(join(ROOT, '.ci', 'run'), join(project, '.ci', 'run'));
  copyFileSync(join(ROOT, 'package.json'), join(project, 'package.json'));
  log = join(scratch, 'ran.log');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('.ci/run checks Node.js first', () => {
  it.each(['v18.20.4', 'v20.18.1', 'v16.0.0'])('node %s: says what is installed, what is needed and how to get it; runs nothing', async (version) => {
    const bin = toolbox(`node-${version}`, { node: `echo ${version}`, npm: recorder('npm'), 'apt-get': recorder('apt-get'), jupyter: recorder('jupyter') });
    const result = await ciRun(bin);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Node.js ${version.slice(1)} is installed`);
    expect(result.stderr).toContain('sluice needs 20.19 or newer');
    expect(result.stderr).toMatch(/nodejs\.org.*nvm install/);
    expect(result.ran).toEqual([]);
  });

  it('no node at all: says so, and how to get it', async () => {
    const bin = toolbox('no-node', { npm: recorder('npm') });
    const result = await ciRun(bin);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Node.js is not installed');
    expect(result.stderr).toContain('nvm install');
    expect(result.ran).toEqual([]);
  });
});

describe('.ci/run finds Jupyter either way', () => {
  it.each(['v20.19.0', 'v22.11.0'])('node %s, no `jupyter` on PATH but `python3 -m jupyter` works: installs nothing, runs npm ci and npm test', async (version) => {
    const bin = toolbox(`py-jupyter-${version}`, {
      node: `echo ${version}`,
      npm: recorder('npm'),
      'apt-get': recorder('apt-get'),
      python3: `[ "$1 $2" = "-m jupyter" ] && exit 0; exit 1`,
    });
    const result = await ciRun(bin);
    expect(result.status, result.stderr).toBe(0);
    expect(result.ran).toEqual(['npm ci', 'npm test']);
  });

  it('neither form, and not root: names both forms and the install command; runs nothing', async () => {
    const bin = toolbox('no-jupyter', { node: 'echo v22.11.0', npm: recorder('npm'), 'apt-get': recorder('apt-get'), python3: 'exit 1', id: 'echo 1000' });
    const result = await ciRun(bin);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Jupyter is missing (neither `jupyter` on PATH nor `python3 -m jupyter`)');
    expect(result.stderr).toContain('apt-get install -y --no-install-recommends jupyter-notebook');
    expect(result.ran).toEqual([]);
  });
});
