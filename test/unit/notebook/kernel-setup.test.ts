import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const INSTALL = join(ROOT, 'kernel-setup', 'install.js');
const LAUNCH = join(ROOT, 'kernel-setup', 'launch.js');

/** Runs a command without blocking the test worker (Jupyter start-up is slow on a busy machine). */
function exec(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, out: `${stdout}${stderr}` }));
  });
}

const install = (args: string[], env: NodeJS.ProcessEnv) => exec(process.execPath, [INSTALL, ...args], env);

describe('kernel-setup command lines', () => {
  // Kernels would go to a temporary data dir, so a wrong answer cannot touch the real kernel.
  const data = mkdtempSync(join(tmpdir(), 'sluice-jupyter-args-'));
  const env = { ...process.env, JUPYTER_DATA_DIR: data };
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const kernelFile = join(data, 'kernels', 'sluice', 'kernel.json');

  it.each([[['--uninstal']], [['--chek']], [['uninstall']], [['--check', '--uninstall']]])('install.js %j: usage, exit 2, and nothing registered', async (args) => {
    const r = await install(args, env);
    expect(r.status).toBe(2);
    expect(r.out).toContain('usage: node kernel-setup/install.js [--check | --uninstall]');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(r.out).not.toContain('Registered kernel');
    expect(existsSync(kernelFile)).toBe(false);
  });

  it('install.js names the typo and the flag it resembles', async () => {
    expect((await install(['--uninstal'], env)).out).toContain('unknown argument "--uninstal" (did you mean --uninstall?)');
  });

  it.each([[['--dir']], [['--dir', '--no-browser']], [['--dir=']]])('launch.js %j: says --dir needs a folder, usage, exit 2, starts nothing', async (args) => {
    const r = await exec(process.execPath, [LAUNCH, ...args], env);
    expect(r.status).toBe(2);
    expect(r.out).toContain('--dir needs a folder');
    expect(r.out).toContain('usage: node kernel-setup/launch.js [--dir NOTEBOOKS_DIR]');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(existsSync(kernelFile)).toBe(false);
  });
});

describe('kernel-setup without Jupyter', () => {
  // A PATH with neither `jupyter`, `python3` nor `apt-get` on it.
  const empty = mkdtempSync(join(tmpdir(), 'sluice-nopath-'));
  const env = { ...process.env, PATH: empty };
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('--check reports Jupyter missing, with the command to install it, and exits 1', async () => {
    const r = await install(['--check'], env);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/MISSING\s+jupyter: not found \(tried `jupyter` on PATH and `python3 -m jupyter`\)/);
    expect(r.out).toContain('jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client');
    expect(r.out).toMatch(/ok\s+tslab: .*node_modules\/tslab\/bin\/tslab/);
  }, 240_000);

  it('install stops with the exact command when it cannot install Jupyter itself', async () => {
    const r = await install([], env);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/Jupyter is missing .* cannot be installed automatically here/);
    expect(r.out).toMatch(/Run: (sudo )?apt-get update && (sudo )?apt-get install -y --no-install-recommends jupyter-notebook/);
  }, 240_000);
});

describe('kernel-setup with Jupyter (kernels in a temporary data dir)', () => {
  const data = mkdtempSync(join(tmpdir(), 'sluice-jupyter-data-'));
  const env = { ...process.env, JUPYTER_DATA_DIR: data };
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const kernelFile = join(data, 'kernels', 'sluice', 'kernel.json');

  it('registers the kernel with node and tslab by absolute path, idempotently', async () => {
    const first = await install([], env);
    expect(first.out).toContain('Registered kernel "sluice"');
    expect(first.status).toBe(0);
    const spec = JSON.parse(readFileSync(kernelFile, 'utf8'));
    expect(spec.display_name).toBe('TypeScript (sluice)');
    expect(spec.language).toBe('typescript');
    expect(spec.argv).toEqual([process.execPath, join(ROOT, 'node_modules/tslab/bin/tslab'), 'kernel', '--config-path', '{connection_file}']);
    const before = readFileSync(kernelFile, 'utf8');
    expect((await install([], env)).status).toBe(0);
    expect(readFileSync(kernelFile, 'utf8')).toBe(before);

    // Jupyter itself must see it.
    const list = await exec('jupyter', ['kernelspec', 'list', '--json'], env);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).kernelspecs.sluice.resource_dir).toBe(join(data, 'kernels', 'sluice'));
    expect((await install(['--check'], env)).status).toBe(0);
  }, 240_000);

  it('--uninstall removes it and --check then reports it missing', async () => {
    await install([], env);
    const r = await install(['--uninstall'], env);
    expect(r.status).toBe(0);
    expect(existsSync(kernelFile)).toBe(false);
    const check = await install(['--check'], env);
    expect(check.status).toBe(1);
    expect(check.out).toMatch(/MISSING\s+kernel sluice: .*not found: run `npm run kernel:install`/);
    expect((await install(['--uninstall'], env)).out).toContain('was not registered');
  }, 240_000);
});
