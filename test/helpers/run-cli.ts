/**
 * Runs the built `sluice` CLI (sdk/dist/cli/main.js) as a user's shell would, and collects what
 * it printed and its exit code. Async, not spawnSync: a blocked worker misses vitest's heartbeat
 * on a loaded machine.
 *
 * @example
 * ```ts
 * const { status, stderr } = await runCli(['run', 'pipe.ts', '--bogus'], { cwd: dir });
 * expect(status).toBe(1);
 * ```
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CLI_BIN = join(REPO_ROOT, 'sdk/dist/cli/main.js');

export interface CliOutcome {
  /** The exit code; null when the process was killed (e.g. by the timeout). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliOutcome> {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run \`npm run build\` (npm test does it first).`);
  return new Promise((done) => {
    execFile(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}
