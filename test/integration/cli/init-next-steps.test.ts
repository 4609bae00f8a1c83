/**
 * The "next steps" `sluice init` prints must work when pasted into a shell, whatever the
 * folder is called: a real shell runs the printed `cd` line and reports where it ended up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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

  it('--force writes into a folder with files but keeps every file already there, the user\'s data included', async () => {
    const dir = join(scratch, 'existing');
    mkdirSync(join(dir, 'data', 'events'), { recursive: true });
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    writeFileSync(join(dir, 'data', 'events', 'my-2023.jsonl'), '{"mine":true}\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    writeFileSync(join(dir, 'pipelines', 'engagement.ts'), '// my pipeline\n');
    await expect(initProject('existing')).rejects.toMatchObject({ code: 'INIT_TARGET_NOT_EMPTY' });
    const result = await initProject('existing', { force: true, sampleData: { users: 5, days: 2, eventsPerDay: 10 } });
    expect(readdirSync(join(dir, 'data', 'events'))).toEqual(['my-2023.jsonl']);
    expect(readFileSync(join(dir, 'data', 'events', 'my-2023.jsonl'), 'utf8')).toBe('{"mine":true}\n');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    expect(readFileSync(join(dir, 'pipelines', 'engagement.ts'), 'utf8')).toBe('// my pipeline\n');
    expect(result.kept).toEqual([join('data', 'events') + '/', 'package.json', join('pipelines', 'engagement.ts')].sort());
    expect(result.files).toContain('README.md');
    expect(result.files).not.toContain('package.json');
    expect(result.sampleEvents).toBeUndefined();
  });

  it('--name "" is refused, not replaced by the folder name', async () => {
    await expect(initProject('empty-name', { sampleData: false, name: '' })).rejects.toMatchObject({ code: 'INIT_BAD_NAME' });
  });
});
