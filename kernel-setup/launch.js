#!/usr/bin/env node
// `npm run notebook` — registers the kernel if needed, then starts Jupyter on notebooks/.
// `--dir DIR` opens another notebooks folder; other arguments are passed to Jupyter
// (e.g. `npm run notebook -- --no-browser --port 9999`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LAUNCH_USAGE, parseLaunchArgs } from './arguments.js';
import { ensureKernel, findNotebookServer, installCommand, KERNEL_NAME, REPO_ROOT } from './kernel-spec.js';

const parsed = parseLaunchArgs(process.argv.slice(2));
if (parsed.help) {
  console.log(LAUNCH_USAGE);
  process.exit(0);
}
if (parsed.error) {
  console.error(`launch.js: ${parsed.error}.\n${LAUNCH_USAGE}`);
  process.exit(2);
}
const args = parsed.jupyterArgs;
const root = process.env.SLUICE_PROJECT_ROOT ?? REPO_ROOT;
const notebooks = parsed.dir !== undefined ? resolve(parsed.dir) : join(root, 'notebooks');

let found;
try {
  found = ensureKernel().jupyter;
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const server = findNotebookServer(found);
if (!server) {
  console.error(`Neither \`jupyter lab\` nor \`jupyter notebook\` is installed. Run: ${installCommand()}`);
  process.exit(1);
}
if (!existsSync(notebooks)) {
  console.error(`No notebooks folder at ${notebooks}.`);
  process.exit(1);
}
const rootFlag = server === 'lab' ? '--ServerApp.root_dir' : '--notebook-dir';
const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
console.log(`Starting jupyter ${server} on ${notebooks} (kernel "${KERNEL_NAME}")`);
const child = spawn(found.command, [...found.prefix, server, `${rootFlag}=${notebooks}`, ...asRoot, ...args], {
  stdio: 'inherit',
  cwd: notebooks,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
