/**
 * A pipeline module that does not compile: `sluice run` must say where, as an editor would
 * (file:line:column), with the line and a caret — the error is planted at a known place.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');
let dir: string;

const sluice = (args: string[]) => runCli(args, { cwd: dir });

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
  dir = mkdtempSync(join(root, 'test', '.tmp-cli-syntax-'));
  // Line 4, column 24 (counting from 1) is the stray ')'.
  writeFileSync(join(dir, 'syn.ts'), ["import { pipeline, file } from 'sluice';", '', '// a comment', "const p = pipeline('p'));", 'export default p;', ''].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice run on a module with a syntax error', () => {
  it('names file:line:column, shows the line and points at the column', async () => {
    const result = await sluice(['run', 'syn.ts']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Could not load syn.ts');
    expect(result.stderr).toMatch(/syn\.ts:4:24: .+/);
    expect(result.stderr).toContain("  const p = pipeline('p'));\n" + ' '.repeat(2 + 23) + '^');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
