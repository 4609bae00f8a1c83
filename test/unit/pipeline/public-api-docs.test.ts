/**
 * Every public function, class and constant of the pipeline side — the builder, the error
 * families and the SDK version (what `sdk/src/index.ts` exports from them) — carries TSDoc
 * with an `@example` (STYLE).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', '..', 'sdk', 'src');
const OWNED = /^(pipeline\/|errors\.ts$|version\.ts$)/;

/** `export { a, b, type C } from './x.js'` lines of an entry point → value names per source file (relative to SRC). */
function exportedValues(entry: string): { file: string; name: string }[] {
  const text = readFileSync(join(SRC, entry), 'utf8');
  const out: { file: string; name: string }[] = [];
  for (const m of text.matchAll(/^export \{([^}]*)\} from '([^']+)';/gm)) {
    const file = join(dirname(entry), m[2]!).replace(/\.js$/, '.ts');
    for (const part of m[1]!.split(',').map((p) => p.trim()).filter((p) => p && !p.startsWith('type '))) out.push({ file, name: part.split(/\s+as\s+/)[0]! });
  }
  return out;
}

/** The TSDoc block right before `export function|class|const <name>`, '' when there is none. */
function docOf(file: string, name: string): string | undefined {
  const text = readFileSync(join(SRC, file), 'utf8');
  const declaration = new RegExp(`^export (?:async )?(?:function|class|const) ${name}\\b`, 'm').exec(text);
  if (!declaration) return undefined;
  const before = text.slice(0, declaration.index).trimEnd();
  if (!before.endsWith('*/')) return '';
  // The block opens on a line of its own: '/**' inside an example ('data/**') is not its start.
  return before.slice(before.lastIndexOf('\n/**') + 1);
}

describe('public API docs (pipeline, errors, version)', () => {
  const exported = exportedValues('index.ts').filter((e) => OWNED.test(e.file));

  it('finds the public names to check', () => {
    expect(exported.map((e) => e.name)).toEqual(
      expect.arrayContaining(['pipeline', 'SluiceError', 'PlanError', 'ExpressionError', 'SourceError', 'GateError', 'EngineError', 'StoreError', 'SDK_VERSION']),
    );
  });

  it('each has TSDoc with an @example', () => {
    const missing = exported.filter((e) => !docOf(e.file, e.name)?.includes('@example')).map((e) => `${e.file}: ${e.name}`);
    expect(missing).toEqual([]);
  });
});
