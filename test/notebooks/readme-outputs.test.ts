/**
 * notebooks/README.md says where the notebooks write. Read every place the notebooks' code
 * writes to (the folders given to generateDemoEvents, featureStore, promote, startDev and
 * write) and check that the README names its top folder and that git ignores it — so the
 * README stays true when a notebook changes. No kernel needed: this reads the .ipynb files.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const NOTEBOOKS = join(ROOT, 'notebooks');

/** Relative paths the notebooks write to: write-target options, featureStore(), .write(), and path constants. */
function writeTargets(): { notebook: string; path: string }[] {
  const targets: { notebook: string; path: string }[] = [];
  const patterns = [
    /\b(?:dir|out|zones|saveProfile)\s*:\s*'([^']+)'/g,
    /featureStore\('([^']+)'\)/g,
    /\.write\('([^']+)'/g,
    /\bconst [A-Z_]+\s*=\s*'([.\w-]+\/[^']*)'/g,
  ];
  for (const name of readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort()) {
    const cells = (JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] }).cells;
    for (const cell of cells.filter((c) => c.cell_type === 'code')) {
      const code = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      for (const pattern of patterns) for (const m of code.matchAll(pattern)) targets.push({ notebook: name, path: m[1]!.replace(/^\.\//, '') });
    }
  }
  return targets;
}

describe('notebooks/README.md on where the notebooks write', () => {
  const targets = writeTargets();
  const readme = readFileSync(join(NOTEBOOKS, 'README.md'), 'utf8');

  it('finds the places the notebooks write', () => {
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.every((t) => !t.path.startsWith('/') && !t.path.startsWith('..'))).toBe(true);
  });

  it('names the top folder of every place a notebook writes, and git ignores it', () => {
    const tops = [...new Set(targets.map((t) => t.path.split('/')[0]!))];
    for (const top of tops) {
      const written = targets.filter((t) => t.path.startsWith(`${top}/`) || t.path === top);
      // The README names the folder as `top/` or a path inside it as written, e.g. `data/events/`.
      const named = readme.includes(`\`${top}/`);
      expect(named, `${top}/ (written by ${written.map((t) => `${t.notebook}: ${t.path}`).join(', ')}) is not in notebooks/README.md`).toBe(true);
      // Exit status 0: ignored.
      expect(() => execFileSync('git', ['check-ignore', '-q', join(NOTEBOOKS, top, 'probe')], { cwd: ROOT })).not.toThrow();
    }
  });
});
