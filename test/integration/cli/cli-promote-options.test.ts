/**
 * `sluice promote` with an option promote() cannot use: exit 1 before anything is written,
 * naming the value and the fix — the SDK's check, so notebooks get it too.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-cli-promote-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sluice promote options', () => {
  it.each([
    [['--alarm-email', 'notanemail'], '"notanemail"'],
    [['--alarm-email', ''], '""'],
    [['--schedule', ''], 'schedule'],
  ])('%j is refused, nothing is written', async (flags, named) => {
    const out = join(scratch, 'out');
    const result = await runCli(['promote', 'examples/engagement.ts', '--out', out, ...flags], { timeoutMs: 120_000 });
    expect(result.status, result.stdout).toBe(1);
    expect(result.stderr).toMatch(/^✖ /);
    expect(result.stderr).toContain(named);
    expect(existsSync(join(out, 'template.json'))).toBe(false);
  });
});
