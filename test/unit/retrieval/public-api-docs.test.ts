/**
 * Every public function and class of training-set retrieval and the Athena engine (what
 * `sdk/src/index.ts` and the promote entry point export from them) carries TSDoc with an
 * `@example` (STYLE), and the cost examples state what the functions return.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateCostUsd } from '../../../sdk/src/retrieval/cost-estimate.js';

const SRC = join(import.meta.dirname, '..', '..', '..', 'sdk', 'src');
const OWNED = /^(retrieval\/|engines\/athena\/|features\/glue-catalog-names\.ts$)/;

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

function docOf(file: string, name: string): string | undefined {
  const text = readFileSync(join(SRC, file), 'utf8');
  const declaration = new RegExp(`^export (?:async )?(?:function|class|const) ${name}\\b`, 'm').exec(text);
  if (!declaration) return undefined;
  const before = text.slice(0, declaration.index).trimEnd();
  return before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : '';
}

describe('public API docs', () => {
  const exported = [...exportedValues('index.ts'), ...exportedValues('promote/index.ts')].filter((e) => OWNED.test(e.file));

  it('finds the public names to check', () => {
    expect(exported.map((e) => e.name)).toEqual(expect.arrayContaining(['trainingSet', 'setDefaultTrainingSetEngine', 'athena', 'CostGuardError', 'estimateCostUsd', 'queryCostUsd']));
  });

  it('each has TSDoc with an @example', () => {
    const missing = exported.filter((e) => !docOf(e.file, e.name)?.includes('@example')).map((e) => `${e.file}: ${e.name}`);
    expect(missing).toEqual([]);
  });

  it("estimateCostUsd's examples: each query pays Athena's 10 MB minimum; $5 per TiB", () => {
    expect(estimateCostUsd(0, 3)).toBe(3 * ((10 * 2 ** 20) / 2 ** 40) * 5);
    expect(estimateCostUsd(0, 3)).toBe(0.0001430511474609375);
    expect(estimateCostUsd(3 * 1024 ** 4, 3)).toBe(15);
  });
});
