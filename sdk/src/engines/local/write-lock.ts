/**
 * One writer at a time per local folder of partitions (a feature group, a validated zone).
 *
 * A write lists a partition's files, compares them with its rows, places its new files and then
 * removes the old ones. Two runs doing that at once (a notebook and the CLI over one store) read
 * files the other had just removed ("IO Error: Cannot open file") or each kept its own new file
 * beside the other's, and readers then saw every row of the partition twice. A lock file makes
 * the second writer wait for the first.
 *
 * The lock is `<folder>/.sluice-lock`, created exclusively and holding who took it. A lock whose
 * process is gone (on this host) is stale and taken over. An s3:// folder has no such lock: in
 * AWS the stack's Glue job runs one at a time.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { StoreError } from '../../errors.js';

export const LOCK_FILE = '.sluice-lock';

/** How long a writer waits for another before it gives up with STORE_LOCKED. */
const DEFAULT_WAIT_MS = 10 * 60_000;
const POLL_MS = 100;

export interface WriteLockOptions {
  /** How long to wait for another writer (default 10 minutes). */
  readonly waitMs?: number;
  /** Called once when this writer starts to wait, with who holds the lock (so a run can say why it is not moving). */
  readonly onWait?: (holder: string) => void;
}

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly token: string;
}

/**
 * Runs `work` holding the folder's write lock, waiting while another writer holds it.
 *
 * @example
 * ```ts
 * await withWriteLock('.sluice/features/entity=user/feature_group=engagement', () => writePartitions(connection, options));
 * ```
 * @throws StoreError `STORE_LOCKED` when another live writer held it for all of `waitMs`.
 */
export async function withWriteLock<T>(folder: string, work: () => Promise<T>, options: WriteLockOptions = {}): Promise<T> {
  if (folder.startsWith('s3://')) return work();
  const release = await acquire(folder, options.waitMs ?? DEFAULT_WAIT_MS, options.onWait);
  try {
    return await work();
  } finally {
    await release();
  }
}

async function acquire(folder: string, waitMs: number, onWait?: (holder: string) => void): Promise<() => Promise<void>> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await handle.close();
      }
      return async () => {
        // Only our own lock: a stale-lock takeover by another writer is theirs now.
        if ((await holderOf(path))?.token === me.token) await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await holderOf(path);
    if (holder && holder.host === me.host && !processAlive(holder.pid)) {
      await rm(path, { force: true }); // its writer died mid-write; the next open() decides who goes
      continue;
    }
    const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a writer that has not yet said who it is';
    if (!waiting) {
      waiting = true;
      onWait?.(who);
    }
    if (Date.now() >= deadline) {
      throw new StoreError(
        'STORE_LOCKED',
        `Another run is writing ${folder} (${who}) and did not finish within ${Math.round(waitMs / 1000)} s. Wait for it; if no run is writing there (its process ended on another machine), delete ${path} and run again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Who holds the lock; undefined when the file is gone or not yet written (its writer is between open and write). */
async function holderOf(path: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process of this host is running (ours always is).
 *
 * @example
 * ```ts
 * processAlive(process.pid) // true
 * ```
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}
