/**
 * The "next steps" `sluice init` prints must work when pasted into a shell, whatever the
 * folder is called: a real shell runs the printed `cd` line and reports where it ended up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../../sdk/src/cli/init-command.js';

const root = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(root, 'test', '.tmp-init-names-'));
const startedIn = process.cwd();
// The folder is named as a user types it, relative to where they are: here, the scratch folder.
beforeAll(() => process.chdir(scratch));
afterAll(() => {
  process.chdir(startedIn);
  rmSync(scratch, { recursive: true, force: true });
});

function shell(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('/bin/sh', ['-c', script], { cwd: process.cwd(), encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('sluice init next steps', () => {
  it.each(['My Features', "it's $HOME & (more); `x`", '-dashed', 'plain-name'])('the printed cd line enters %j', async (name) => {
    const result = await initProject(name, { sampleData: false });
    const cdLine = result.nextSteps.split('\n')[0]!;
    expect(cdLine.startsWith('cd ')).toBe(true);
    const ran = await shell(`${cdLine} && pwd -P`);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe(realpathSync(join(scratch, name)));
  });

  it('refuses a --name npm would refuse, before writing anything, and suggests one it takes', async () => {
    await expect(initProject('named-badly', { sampleData: false, name: 'Bad Name' })).rejects.toMatchObject({ code: 'INIT_BAD_NAME' });
    await expect(initProject('named-badly', { sampleData: false, name: 'Bad Name' })).rejects.toThrow('Try --name bad-name.');
    expect(existsSync(join(scratch, 'named-badly'))).toBe(false);
    await expect(initProject('named-well', { sampleData: false, name: '@team/features.v2' })).resolves.toBeDefined();
  });
});

