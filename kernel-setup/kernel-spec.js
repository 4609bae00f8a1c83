// Finding Jupyter and registering the `sluice` kernel (tslab by absolute path).
//
// Plain Node ESM with no build step, so that `npm run kernel:install` works on a fresh
// clone before anything is compiled. Used by install.js, launch.js and the notebook tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_NAME = 'sluice';
export const KERNEL_DISPLAY_NAME = 'TypeScript (sluice)';
export const DEBIAN_PACKAGES = Object.freeze([
  'jupyter-notebook',
  'jupyter-nbconvert',
  'python3-nbclient',
  'jupyter-client',
]);

/** The checkout root: kernel-setup/.. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The tslab entry point of this checkout. tslab's own kernel.json names a bare `tslab`
 * command, which fails whenever Jupyter's PATH does not contain node_modules/.bin.
 */
export function tslabEntry(root = REPO_ROOT) {
  return join(root, 'node_modules', 'tslab', 'bin', 'tslab');
}

/** The kernel.json content: node and tslab both by absolute path. */
export function kernelJson(root = REPO_ROOT, node = process.execPath) {
  return {
    argv: [node, tslabEntry(root), 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    metadata: { sluice: { root } },
  };
}

function run(command, args, env = process.env) {
  const r = spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  return { ok: !r.error && r.status === 0, stdout: (r.stdout ?? '').trim(), stderr: (r.stderr ?? '').trim(), error: r.error };
}

/**
 * How to invoke Jupyter here: `jupyter` on PATH, else `python3 -m jupyter`; null if neither
 * works. `components` comes from `jupyter --version` (one Python start-up instead of one per
 * sub-command): `{ nbconvert: '6.5.3', jupyterlab: null, ... }`.
 * @returns {{ command: string, prefix: string[], label: string, components: Record<string, string | null> } | null}
 */
export function findJupyter(env = process.env) {
  const candidates = [
    { command: 'jupyter', prefix: [], label: 'jupyter' },
    { command: 'python3', prefix: ['-m', 'jupyter'], label: 'python3 -m jupyter' },
  ];
  for (const c of candidates) {
    const r = run(c.command, [...c.prefix, '--version'], env);
    if (r.ok) return { ...c, components: parseVersions(r.stdout) };
  }
  return null;
}

/** Parses `jupyter --version` lines such as `nbconvert        : 6.5.3` / `jupyterlab : not installed`. */
export function parseVersions(text) {
  const components = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (m) components[m[1]] = m[2] === 'not installed' ? null : m[2];
  }
  return components;
}

/** Runs `jupyter <args>` with the found invocation. */
export function jupyter(found, args, env = process.env) {
  return run(found.command, [...found.prefix, ...args], env);
}

/** The user kernel directory for `sluice`: `<first data dir of jupyter --paths>/kernels/sluice`. */
export function kernelDir(found, env = process.env) {
  const r = jupyter(found, ['--paths', '--json'], env);
  let data;
  try {
    data = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).data?.[0];
  } catch {
    data = undefined;
  }
  if (!r.ok || !data) throw new Error(`\`${found.label} --paths --json\` failed: ${r.stderr || r.error?.message}`);
  return join(data, 'kernels', KERNEL_NAME);
}

/** The command a person should run to get Jupyter on this machine. */
export function installCommand() {
  const debian = existsSync('/etc/debian_version');
  if (debian) {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`;
  }
  return 'python3 -m pip install --user notebook nbconvert nbclient jupyter_client';
}

/** True where this process may install the OS packages itself (root on Debian/Ubuntu with apt-get). */
export function canInstallPackages(env = process.env) {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && run('apt-get', ['--version'], env).ok;
}

/**
 * Reports what is installed and what is missing, without changing anything.
 * @returns {{ ok: boolean, items: { name: string, ok: boolean, detail: string }[], jupyter: object | null, kernelDir: string | null }}
 */
export function checkSetup({ env = process.env, root = REPO_ROOT } = {}) {
  const items = [];
  const add = (name, ok, detail) => items.push({ name, ok, detail });

  const [major, minor] = process.versions.node.split('.').map(Number);
  add('node', major > 20 || (major === 20 && minor >= 19), `${process.execPath} v${process.versions.node} (need >= 20.19)`);
  const tslab = tslabEntry(root);
  add('tslab', existsSync(tslab), existsSync(tslab) ? tslab : `${tslab} not found: run \`npm install\` in ${root}`);

  const found = findJupyter(env);
  let dir = null;
  if (!found) {
    add('jupyter', false, `not found (tried \`jupyter\` on PATH and \`python3 -m jupyter\`). Install it with: ${installCommand()}`);
  } else {
    add('jupyter', true, found.label);
    const c = found.components;
    const missing = `missing. Install it with: ${installCommand()}`;
    add('jupyter-nbconvert', Boolean(c.nbconvert), c.nbconvert ? `nbconvert ${c.nbconvert}` : missing);
    add('jupyter-nbclient', Boolean(c.nbclient), c.nbclient ? `nbclient ${c.nbclient}` : missing);
    add('jupyter-client', Boolean(c.jupyter_client), c.jupyter_client ? `jupyter_client ${c.jupyter_client}` : missing);
    const server = findNotebookServer(found);
    add('jupyter notebook/lab', server !== null, server ? `jupyter ${server} ${c[server === 'lab' ? 'jupyterlab' : 'notebook']}` : missing);
    try {
      dir = kernelDir(found, env);
      const file = join(dir, 'kernel.json');
      const expected = kernelJson(root);
      let detail = `${file} not found: run \`npm run kernel:install\``;
      let ok = false;
      if (existsSync(file)) {
        const spec = JSON.parse(readFileSync(file, 'utf8'));
        ok = existsSync(spec.argv?.[0] ?? '') && spec.argv?.[1] === expected.argv[1];
        detail = ok ? `${file} -> ${spec.argv[1]}` : `${file} points elsewhere (${spec.argv?.slice(0, 2).join(' ')}): run \`npm run kernel:install\``;
      }
      add(`kernel ${KERNEL_NAME}`, ok, detail);
    } catch (e) {
      add(`kernel ${KERNEL_NAME}`, false, e.message);
    }
  }
  return { ok: items.every((i) => i.ok), items, jupyter: found, kernelDir: dir };
}

/** `lab` or `notebook`, whichever Jupyter has (lab preferred); null if neither. */
export function findNotebookServer(found) {
  if (found.components.jupyterlab) return 'lab';
  if (found.components.notebook) return 'notebook';
  return null;
}

/** Installs the Debian packages (root only). Output goes to this process's terminal. */
export function installPackages(log = console.log) {
  log(`Installing Jupyter: apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`);
  const opts = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const update = spawnSync('apt-get', ['update'], opts);
  if (update.status !== 0) throw new Error('apt-get update failed');
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], opts);
  if (install.status !== 0) throw new Error(`apt-get install failed. Run it yourself: ${installCommand()}`);
}

/** Writes kernel.json (idempotent: unchanged content is not rewritten). Returns the kernel directory. */
export function registerKernel(found, { env = process.env, root = REPO_ROOT } = {}) {
  const dir = kernelDir(found, env);
  const file = join(dir, 'kernel.json');
  const content = JSON.stringify(kernelJson(root), null, 2) + '\n';
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return dir;
  mkdirSync(dir, { recursive: true });
  // Write then rename: a kernel starting meanwhile (tests run in parallel) never reads half a file.
  const temp = join(dir, `.kernel.json.${process.pid}.tmp`);
  writeFileSync(temp, content);
  renameSync(temp, file);
  return dir;
}

/** Removes the kernel directory; returns it, or null when there was nothing to remove. */
export function unregisterKernel(found, { env = process.env } = {}) {
  const dir = kernelDir(found, env);
  if (!existsSync(dir)) return null;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

/**
 * Makes sure Jupyter is present (installing the OS packages when allowed) and the kernel
 * is registered. Throws an Error whose message carries the exact command to run when
 * Jupyter is missing and cannot be installed here.
 */
export function ensureKernel({ env = process.env, root = REPO_ROOT, install = true, log = console.log } = {}) {
  let status = checkSetup({ env, root });
  const needsJupyter = status.items.some((i) => !i.ok && i.name.startsWith('jupyter'));
  if (needsJupyter) {
    if (install && canInstallPackages(env)) {
      installPackages(log);
      status = checkSetup({ env, root });
    }
    const missing = status.items.filter((i) => !i.ok && i.name.startsWith('jupyter'));
    if (missing.length > 0) {
      throw new Error(
        `Jupyter is missing (${missing.map((i) => i.name).join(', ')}) and cannot be installed automatically here.\n` +
          `Run: ${installCommand()}\nthen: npm run kernel:install`,
      );
    }
  }
  const tslab = status.items.find((i) => i.name === 'tslab');
  if (!tslab.ok) throw new Error(tslab.detail);
  const dir = registerKernel(status.jupyter, { env, root });
  return { jupyter: status.jupyter, kernelDir: dir };
}
