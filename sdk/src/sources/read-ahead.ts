/**
 * Read-ahead for sources of many small S3 objects. A run reads its text objects one after the
 * other, in key order (row ids follow that order), and each S3 GET waits a round trip before its
 * first byte: 20–50 ms in AWS, so 2,000 small objects (Firehose writes them by the thousand)
 * spent a minute or more waiting. Here the next few small objects are fetched while the current
 * one is parsed; the order in which they are read does not change.
 */
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SourceNode } from '../plan/source-node.js';
import { fetchToLocalFile } from './parquet-fetcher.js';
import { openObjectStream } from './raw-object-stream.js';
import type { SourceObject } from './source-object.js';

/** Objects fetched ahead of the one being read. */
export const READ_AHEAD_OBJECTS = 8;

/** Objects larger than this are streamed as they are read, never held whole. */
export const READ_AHEAD_MAX_BYTES = 4 * 1024 * 1024;

/**
 * `open(i)` opens the i-th object (as `openObjectStream` does) and starts fetching the next
 * small ones. Local files and large objects are opened when asked for.
 *
 * @example
 * ```ts
 * const ahead = readAhead(node, objects);
 * for (const [i, object] of objects.entries()) await readObject(node, object, { open: () => ahead.open(i) });
 * ```
 */
export function readAhead(node: SourceNode, objects: readonly SourceObject[], options: { s3Client?: S3Client } = {}): { open(index: number): Promise<Readable> } {
  const fetched = new Map<number, Promise<Buffer>>();
  const small = (i: number): boolean => node.scheme === 's3' && objects[i]!.size <= READ_AHEAD_MAX_BYTES;
  const start = (i: number): void => {
    if (i >= objects.length || fetched.has(i) || !small(i)) return;
    const bytes = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await openObjectStream(node, objects[i]!, options)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    })();
    bytes.catch(() => undefined); // seen when the object is opened, not as an unhandled rejection
    fetched.set(i, bytes);
  };
  return {
    async open(index) {
      const ahead = fetched.get(index);
      fetched.delete(index);
      // The object asked for is requested first, then the ones after it.
      const now = ahead ? undefined : openObjectStream(node, objects[index]!, options);
      for (let i = index + 1; i <= index + READ_AHEAD_OBJECTS; i++) start(i);
      if (!ahead) return now!;
      try {
        return Readable.from([await ahead]);
      } catch {
        // A fetch that failed ahead (a dropped connection, a key gone) is tried again now, as
        // reading it in turn would have: what fails then is reported as it always is.
        return openObjectStream(node, objects[index]!, options);
      }
    },
  };
}

/** Parquet objects downloaded ahead of the one being probed (each streams to a temporary file). */
export const FETCH_AHEAD_OBJECTS = 4;

/**
 * The same for Parquet objects, which DuckDB reads from local files: `fetch(i)` returns the
 * i-th object's local path (as `fetchToLocalFile` does) and starts downloading the next
 * `ahead` S3 or gzip objects to temporary files, whatever their size (every one is fetched
 * for the run anyway, and they stream to disk). `settle()` waits for downloads still running
 * and returns the paths of those never asked for, for the caller to remove.
 *
 * @example
 * ```ts
 * const downloads = fetchAhead(node, objects, FETCH_AHEAD_OBJECTS);
 * try {
 *   for (const [i] of objects.entries()) paths.push(await downloads.fetch(i));
 * } finally {
 *   for (const path of await downloads.settle()) await rm(dirname(path), { recursive: true, force: true });
 * }
 * ```
 */
export function fetchAhead(node: SourceNode, objects: readonly SourceObject[], ahead: number, options: { s3Client?: S3Client } = {}): { fetch(index: number): Promise<string>; settle(): Promise<string[]> } {
  const started = new Map<number, Promise<string>>();
  const local = (i: number): boolean => node.scheme === 'file' && objects[i]!.compression === 'none';
  const start = (i: number): Promise<string> => {
    const download = fetchToLocalFile(node, objects[i]!, options);
    download.catch(() => undefined); // seen when the object is asked for
    started.set(i, download);
    return download;
  };
  return {
    fetch(index) {
      const mine = started.get(index) ?? start(index);
      started.delete(index);
      for (let i = index + 1; i <= index + ahead && i < objects.length; i++) if (!started.has(i) && !local(i)) start(i);
      return mine;
    },
    async settle() {
      const left = [...started.entries()];
      started.clear();
      const settled = await Promise.allSettled(left.map(([, download]) => download));
      return settled.flatMap((r, k) => (r.status === 'fulfilled' && r.value !== objects[left[k]![0]]!.uri ? [r.value] : []));
    },
  };
}
