// `npm run notebook`: registers the `sluice` Jupyter kernel (once; it installs Jupyter itself
// where it can, or prints the command to run) and opens Jupyter on notebooks/.
// `npm run kernel:install` only registers the kernel.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = dirname(dirname(fileURLToPath(import.meta.url)));
let entry;
try {
  entry = fileURLToPath(import.meta.resolve('sluice'));
} catch {
  console.error('sluice is not installed in this project yet: run `npm install` first.');
  process.exit(1);
}
// sluice installed from a checkout (a file: dependency) brings the checkout's kernel-setup.
const kernelSetup = join(dirname(entry), '..', '..', 'kernel-setup');
if (!existsSync(join(kernelSetup, 'launch.js'))) {
  console.error(`No kernel-setup found next to sluice (${kernelSetup}). Install sluice from a checkout: "sluice": "file:<checkout>/sdk".`);
  process.exit(1);
}
const args = process.argv.slice(2);
const installOnly = args.includes('--install-only');
const script = installOnly ? join(kernelSetup, 'install.js') : join(kernelSetup, 'launch.js');
const rest = installOnly ? [] : ['--dir', join(project, 'notebooks'), ...args];
const result = spawnSync(process.execPath, [script, ...rest], { stdio: 'inherit', cwd: project });
process.exit(result.status ?? 1);
