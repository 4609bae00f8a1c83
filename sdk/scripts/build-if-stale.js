#!/usr/bin/env node
/**
 * `npm start`, `npm test` and `npm run bench` build the SDK first. A full TypeScript build
 * takes 20–40 s here, and most starts change nothing: so build only when a source file, a
 * source folder (a file added or removed) or a tsconfig is newer than the last build's
 * record (dist/.tsbuildinfo, written by the incremental build).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('..', import.meta.url));
const record = join(sdk, 'dist', '.tsbuildinfo');

/** The newest modification time (ms) of `path` and, for a folder, of everything below it. */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stats.mtimeMs);
}

const built = (() => {
  try {
    return statSync(record).mtimeMs;
  } catch {
    return -Infinity;
  }
})();
const inputs = [join(sdk, 'src'), join(sdk, 'tsconfig.build.json'), join(sdk, '..', 'tsconfig.json')];
if (inputs.every((input) => newest(input) < built)) {
  console.log('sluice: the build is up to date (sdk/dist).');
} else {
  const tsc = join(sdk, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.build.json')], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
  // tsc leaves the record alone when a touched file's content did not change: mark the build
  // as newer than every input, or every later start would build again. An input dated in the
  // future gets a whole second's margin (file times round through floating point).
  if (result.status === 0) {
    const stamp = new Date(Math.max(Date.now(), Math.ceil(Math.max(...inputs.map(newest))) + 1000));
    utimesSync(record, stamp, stamp);
  }
}
