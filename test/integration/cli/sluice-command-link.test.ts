/**
 * `npx sluice` right after `npm install` on a fresh clone. npm links a package's bin when it
 * installs it; the CLI proper is built later (npm start, npm test), so the bin must be a file
 * the repository holds — a bin pointing into dist/ was not linked, and `npx sluice` was "not found".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const bin = (JSON.parse(readFileSync(join(root, 'sdk/package.json'), 'utf8')) as { bin: Record<string, string> }).bin.sluice!;

describe('the sluice command', () => {
  it('is a launcher the repository holds (executable), and npm links it', () => {
    const tracked = execFileSync('git', ['ls-files', '--', join('sdk', bin)], { cwd: root, encoding: 'utf8' }).trim();
    expect(tracked).toBe(`sdk/${bin}`);
    expect(statSync(join(root, 'sdk', bin)).mode & 0o111).not.toBe(0);
    expect(realpathSync(join(root, 'node_modules/.bin/sluice'))).toBe(realpathSync(join(root, 'sdk', bin)));
  });

  it('runs the built CLI', () => {
    const help = spawnSync(process.execPath, [join(root, 'sdk', bin), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/sluice run <module>/);
  });

  it('before a build, says what to run instead of a module-not-found trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-unbuilt-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(root, 'sdk', bin), join(dir, 'bin', 'sluice.js'));
      const run = spawnSync(process.execPath, [join(dir, 'bin', 'sluice.js'), '--help'], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/not built yet .*Run `npm run build`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
