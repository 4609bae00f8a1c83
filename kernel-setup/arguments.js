// Command lines of install.js and launch.js. A typo must not silently do something else
// (`--uninstal` used to register the kernel), and a flag without its value must say so
// instead of failing inside node:path. Both scripts exit 2 on a usage error.

export const INSTALL_USAGE = 'usage: node kernel-setup/install.js [--check | --uninstall]';
export const LAUNCH_USAGE = 'usage: node kernel-setup/launch.js [--dir NOTEBOOKS_DIR] [JUPYTER_ARGS…]   (other arguments go to Jupyter, e.g. --no-browser --port 9999)';

/**
 * What install.js should do: `{ mode: 'install' | 'check' | 'uninstall' | 'help' }`, or
 * `{ error }` naming the argument it does not understand.
 *
 * @example
 * parseInstallArgs(['--check'])    // { mode: 'check' }
 * parseInstallArgs(['--uninstal']) // { error: 'unknown argument "--uninstal" (did you mean --uninstall?)' }
 */
export function parseInstallArgs(argv) {
  const modes = { '--check': 'check', '--uninstall': 'uninstall', '--help': 'help', '-h': 'help' };
  if (argv.some((arg) => modes[arg] === 'help')) return { mode: 'help' };
  const unknown = argv.find((arg) => !(arg in modes));
  if (unknown !== undefined) {
    const near = Object.keys(modes).find((known) => known.length > 2 && editDistance(known, unknown) <= 2);
    return { error: `unknown argument "${unknown}"${near ? ` (did you mean ${near}?)` : ''}` };
  }
  const chosen = [...new Set(argv)];
  if (chosen.length > 1) return { error: `${chosen.join(' and ')} cannot be combined: give one` };
  return { mode: chosen.length === 0 ? 'install' : modes[chosen[0]] };
}

/**
 * launch.js: the notebooks folder (`--dir DIR` or `--dir=DIR`; undefined for the default),
 * and every other argument for Jupyter; or `{ help: true }`, or `{ error }`.
 *
 * @example
 * parseLaunchArgs(['--dir', 'nb', '--no-browser']) // { dir: 'nb', jupyterArgs: ['--no-browser'] }
 * parseLaunchArgs(['--dir'])                       // { error: '--dir needs a folder: --dir NOTEBOOKS_DIR' }
 */
export function parseLaunchArgs(argv) {
  let dir;
  const jupyterArgs = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--dir' || arg.startsWith('--dir=')) {
      const value = arg === '--dir' ? argv[++i] : arg.slice('--dir='.length);
      if (value === undefined || value === '' || value.startsWith('-')) return { error: '--dir needs a folder: --dir NOTEBOOKS_DIR' };
      if (dir !== undefined) return { error: '--dir given twice: give one notebooks folder' };
      dir = value;
    } else jupyterArgs.push(arg);
  }
  return { dir, jupyterArgs };
}

function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
