/**
 * A pipeline module that does not compile, or throws while it runs: `sluice run` must say
 * where, as an editor would (file:line:column), with the line and a caret — the errors are
 * planted at known places, one in a file the module imports.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  // Line 3, column 19: the undefined name (TypeScript types are erased, so only running finds it).
  writeFileSync(join(dir, 'ref.ts'), ["import { pipeline } from 'sluice';", 'const rows: number = 1;', 'const name: string = missingName + String(rows);', 'export default pipeline(name);', ''].join('\n'));
  // The throw is in lib/name.ts, line 2, column 9 (`new Error`), called from the module's top level.
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'name.ts'), ['export function pipelineName(): string {', "  throw new Error('PIPELINE_NAME is not set');", '}', ''].join('\n'));
  writeFileSync(join(dir, 'imports.ts'), ["import { pipeline } from 'sluice';", "import { pipelineName } from './lib/name';", 'export default pipeline(pipelineName());', ''].join('\n'));
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

describe('sluice run on a module that throws while it loads', () => {
  it('names the line of the module that threw, not the transpiled copy', async () => {
    const result = await sluice(['run', 'ref.ts']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Could not load ref.ts');
    expect(result.stderr).toContain('ref.ts:3:22: ReferenceError: missingName is not defined');
    expect(result.stderr).toContain('  const name: string = missingName + String(rows);\n' + ' '.repeat(2 + 21) + '^');
    expect(result.stderr).not.toContain('.sluice-');
  });

  it('names the imported file where the error was thrown', async () => {
    const result = await sluice(['run', 'imports.ts']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${join('lib', 'name.ts')}:2:9: Error: PIPELINE_NAME is not set`);
    expect(result.stderr).toContain("  throw new Error('PIPELINE_NAME is not set');\n" + ' '.repeat(2 + 8) + '^');
  });
});
