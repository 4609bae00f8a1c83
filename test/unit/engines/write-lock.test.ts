/**
 * The write lock lets one writer at a time into a folder of partitions: a second waits for the
 * first, a lock left by a process that died is taken over, and a lock a live process holds past
 * the wait fails with STORE_LOCKED naming the file to delete.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, withWriteLock } from '../../../sdk/src/engines/local/write-lock.js';
import { StoreError } from '../../../sdk/src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withWriteLock', () => {
  it('runs writers of one folder one after the other, and removes its file after each, failed or not', async () => {
    const folder = join(dir, 'serial', 'feature_group=g');
    const events: string[] = [];
    const writer = (name: string) => withWriteLock(folder, async () => {
      events.push(`${name} in`);
      expect(existsSync(join(folder, LOCK_FILE))).toBe(true);
      await sleep(30);
      events.push(`${name} out`);
    });
    await Promise.all([writer('a'), writer('b'), writer('c')]);
    // Never two inside at once: every "in" is followed by its own "out".
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    await expect(withWriteLock(folder, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const folder = join(dir, 'stale');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await withWriteLock(folder, async () => undefined); // creates the folder
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: gone, host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'dead' }));
    let ran = false;
    await withWriteLock(folder, async () => { ran = true; }, { waitMs: 2_000 });
    expect(ran).toBe(true);
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
  });

  it('fails with STORE_LOCKED, naming the holder and the file, when a live process holds it past the wait', async () => {
    const folder = join(dir, 'held');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      await withWriteLock(folder, async () => undefined);
      writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-11-27T10:00:00.000Z', token: 'live' }));
      const waits: string[] = [];
      const error = await withWriteLock(folder, async () => 'never', { waitMs: 300, onWait: (holder) => waits.push(holder) }).catch((e: unknown) => e as StoreError);
      // The run is told once that it waits, and for whom.
      expect(waits).toEqual([`process ${holder.pid} on ${hostname()}, since 2026-11-27T10:00:00.000Z`]);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('STORE_LOCKED');
      expect((error as StoreError).message).toContain(`process ${holder.pid} on ${hostname()}, since 2026-11-27T10:00:00.000Z`);
      expect((error as StoreError).message).toContain(`delete ${join(folder, LOCK_FILE)}`);
      // The other writer's lock is left as it was.
      expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8')).token).toBe('live');
    } finally {
      holder.kill();
    }
  });

  it('an s3:// folder runs without a lock', async () => {
    expect(await withWriteLock('s3://bucket/features/entity=u/feature_group=g', async () => 42)).toBe(42);
  });
});
