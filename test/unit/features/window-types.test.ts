/**
 * The window spec's type parameter is the union of the columns it mentions, so a function
 * typed `aggregate<W extends WindowSpec<keyof Row & string>>(w: W)` rejects a misspelt column
 * at compile time. Proved by running tsc on a small file: every `@ts-expect-error` must be
 * needed (tsc reports an unused one), and the same file without the directives must fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

const source = (withDirectives: boolean) => {
  const expectError = withDirectives ? '// @ts-expect-error' : '';
  return `import { window } from ${JSON.stringify(join(root, 'sdk/src/features/window.js'))};
import type { WindowSpec } from ${JSON.stringify(join(root, 'sdk/src/features/window.js'))};
import { count, sum, mean, countDistinct, first } from ${JSON.stringify(join(root, 'sdk/src/features/aggregations.js'))};

interface Row { user_id: string; ts: Date; amount: number | null; event_type: string }
declare function aggregate<W extends WindowSpec<keyof Row & string>>(w: W): W;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const good = window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'],
  features: { n: count().where("event_type = 'click'"), s: sum('amount'), k: countDistinct('event_type'), f: first('event_type') } });
aggregate(good);
const exact: Equal<typeof good, WindowSpec<'user_id' | 'ts' | 'amount' | 'event_type'>> = true;
const onlyCounts: Equal<typeof onlyCountsSpec, WindowSpec<'user_id' | 'ts'>> = true;
const onlyCountsSpec = window({ entity: 'user_id', timestamp: 'ts', every: '1h', windows: ['1h'], features: { n: count() } });

${expectError}
aggregate(window({ entity: 'user_idd', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }));
${expectError}
aggregate(window({ entity: 'user_id', timestamp: 'tss', every: '1d', windows: ['1d'], features: { n: count() } }));
${expectError}
aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { s: sum('amout') } }));
${expectError}
aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { m: mean('amount').where('x'), k: countDistinct('evnt_type') } }));
${expectError}
window({ entity: 'user_id', timestamp: 'ts', every: 'daily', windows: ['1d'], features: { n: count() } });
export { exact, onlyCounts };
`;
};

/** Type-checks the files in one tsc run; returns the error lines. */
function tsc(files: string[]): string[] {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node', ...files], { cwd: root, encoding: 'utf8' });
    return [];
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error).split('\n').filter((l) => l.includes('.ts('));
  }
}

describe('window spec types', () => {
  it('turns a misspelt column into a compile error', () => {
    const dir = mkdtempSync(join(root, 'test', '.tmp-window-types-'));
    try {
      const withDirectives = join(dir, 'marked.ts');
      const without = join(dir, 'bare.ts');
      writeFileSync(withDirectives, source(true));
      // Without the directives the same code must fail, once per marked line.
      writeFileSync(without, source(false));
      const errors = tsc([withDirectives, without]);
      expect(errors.filter((l) => l.includes('marked.ts'))).toEqual([]);
      const bare = errors.filter((l) => l.includes('bare.ts'));
      const lines = new Set(bare.map((l) => /bare\.ts\((\d+),/.exec(l)![1]));
      expect(lines.size).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
