/**
 * Every value the package exports — from `sluice` and `sluice/promote`, following re-exports
 * through folder index files — carries TSDoc with an `@example` (STYLE: a newcomer learns a
 * function from its example). Types are not checked: they document themselves in the editor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'sdk', 'src');
const ENTRY_POINTS = ['index.ts', 'promote/index.ts'];

interface Exported { readonly file: string; readonly name: string }

/** Value names exported by `file` (relative to SRC), resolved to the file that declares each. */
function exportedValues(file: string, seen = new Set<string>()): Exported[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(join(SRC, file), 'utf8');
  const out: Exported[] = [];
  for (const m of text.matchAll(/^export \{([^}]*)\} from '([^']+)';/gm)) {
    const target = join(dirname(file), m[2]!).replace(/\.js$/, '.ts');
    const names = m[1]!.split(',').map((p) => p.trim()).filter((p) => p && !p.startsWith('type ')).map((p) => p.split(/\s+as\s+/)[0]!);
    for (const name of names) out.push(...resolve(target, name, seen));
  }
  for (const m of text.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)) out.push({ file, name: m[1]! });
  return out;
}

/** Follows `name` through a re-exporting index file to its declaration. */
function resolve(file: string, name: string, seen: Set<string>): Exported[] {
  if (!existsSync(join(SRC, file))) throw new Error(`${file} (re-exported) does not exist`);
  const declared = new RegExp(`^export (?:async )?(?:function|class|const) ${name}\\b`, 'm').test(readFileSync(join(SRC, file), 'utf8'));
  if (declared) return [{ file, name }];
  const found = exportedValues(file, new Set(seen)).filter((e) => e.name === name);
  if (found.length === 0) throw new Error(`${name} is exported from ${file} but neither declared nor re-exported there`);
  return found;
}

/** The TSDoc block right before `export function|class|const <name>`; '' when there is none. */
function docOf({ file, name }: Exported): string {
  const text = readFileSync(join(SRC, file), 'utf8');
  const declaration = new RegExp(`^export (?:async )?(?:function|class|const) ${name}\\b`, 'm').exec(text)!;
  const before = text.slice(0, declaration.index).trimEnd();
  if (!before.endsWith('*/')) return '';
  // The block opens on a line of its own: '/**' inside an example ('data/**') is not its start.
  return before.slice(before.lastIndexOf('\n/**') + 1);
}

describe('public API docs', () => {
  const exported = [...new Map(ENTRY_POINTS.flatMap((entry) => exportedValues(entry)).map((e) => [`${e.file}:${e.name}`, e])).values()];

  it('finds the whole public surface (spot checks across every area)', () => {
    expect(exported.map((e) => e.name)).toEqual(expect.arrayContaining([
      'pipeline', 'file', 's3', 'window', 'countDistinct', 'featureStore', 'trainingSet', 'athena', 'estimateCostUsd',
      'listPartitions', 'GateError', 'SDK_VERSION', 'showQualityReport', 'startDev', 'generateDemoEvents', 'promote', 'FeaturePipeline',
    ]));
  });

  it('each has TSDoc with an @example', () => {
    const missing = exported.filter((e) => !docOf(e).includes('@example')).map((e) => `${e.file}: ${e.name}`);
    expect(missing).toEqual([]);
  });
});
