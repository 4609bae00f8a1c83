/**
 * npm start / test / bench build the SDK only when something changed since the last build.
 * Checked on a miniature checkout whose "tsc" records that it ran, so no real build is needed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../../sdk/scripts/build-if-stale.js');
const dir = mkdtempSync(join(tmpdir(), 'sluice-build-if-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** root/{tsconfig.json, node_modules/typescript/bin/tsc, sdk/{scripts, src, dist, tsconfig.build.json}} */
function checkout(): { root: string; built: () => boolean; run: () => string } {
  const root = mkdtempSync(join(dir, 'c-'));
  mkdirSync(join(root, 'sdk/scripts'), { recursive: true });
  mkdirSync(join(root, 'sdk/src/cli'), { recursive: true });
  mkdirSync(join(root, 'node_modules/typescript/bin'), { recursive: true });
  copyFileSync(script, join(root, 'sdk/scripts/build-if-stale.js'));
  writeFileSync(join(root, 'tsconfig.json'), '{}');
  writeFileSync(join(root, 'sdk/tsconfig.build.json'), '{}');
  writeFileSync(join(root, 'sdk/src/index.ts'), 'export {};');
  writeFileSync(join(root, 'sdk/src/cli/main.ts'), 'export {};');
  // The stand-in compiler: writes the build record (as tsc does on its first build) and a marker.
  writeFileSync(join(root, 'node_modules/typescript/bin/tsc'), `const fs = require('node:fs'); const p = require('node:path'); const dist = p.join(${JSON.stringify(join(root, 'sdk/dist'))}); fs.mkdirSync(dist, { recursive: true }); if (!fs.existsSync(p.join(dist, '.tsbuildinfo'))) fs.writeFileSync(p.join(dist, '.tsbuildinfo'), '{}'); fs.writeFileSync(p.join(dist, 'ran'), '');`);
  writeFileSync(join(root, 'node_modules/typescript/package.json'), '{"type":"commonjs"}');
  const marker = join(root, 'sdk/dist/ran');
  return {
    root,
    built: () => {
      const ran = existsSync(marker);
      rmSync(marker, { force: true });
      return ran;
    },
    run: () => {
      const result = spawnSync(process.execPath, [join(root, 'sdk/scripts/build-if-stale.js')], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      return result.stdout;
    },
  };
}

/** Sets a path's modification time `seconds` from now (file systems keep coarse times). */
const age = (path: string, seconds: number): void => utimesSync(path, new Date(Date.now() + seconds * 1000), new Date(Date.now() + seconds * 1000));

describe('build-if-stale', () => {
  it('builds the first time, skips when nothing changed, builds after an edit, an added or a removed file, or a tsconfig change', () => {
    const c = checkout();
    c.run();
    expect(c.built()).toBe(true);
    expect(c.run()).toMatch(/up to date/);
    expect(c.built()).toBe(false);

    age(join(c.root, 'sdk/src/cli/main.ts'), 5); // edited after the build
    c.run();
    expect(c.built()).toBe(true);
    expect(c.run()).toMatch(/up to date/);

    writeFileSync(join(c.root, 'sdk/src/cli/new.ts'), 'export {};');
    age(join(c.root, 'sdk/src/cli/new.ts'), 10);
    c.run();
    expect(c.built()).toBe(true);

    rmSync(join(c.root, 'sdk/src/cli/new.ts'));
    age(join(c.root, 'sdk/src/cli'), 15); // removing a file changes only its folder
    c.run();
    expect(c.built()).toBe(true);

    age(join(c.root, 'tsconfig.json'), 20);
    c.run();
    expect(c.built()).toBe(true);
    expect(c.run()).toMatch(/up to date/);
    expect(c.built()).toBe(false);
  });
});
