/**
 * Makes one listed Parquet object ready for the `raw_rows` view, or says why it cannot be:
 * DESIGN §4 — one unreadable object (not Parquet, truncated, a broken gzip) goes to the
 * quarantine zone whole, with the error, and the rest of the batch runs.
 *
 * The checks read only the object's footer: the view later reads the data once, and a
 * 3M-row file must not be scanned twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceNode } from '../../plan/source-node.js';
import { fetchToLocalFile, readParquetFooter, type SourceObject } from '../../sources/index.js';
import { probeParquetFile } from './raw-loader.js';

export type ParquetObjectRead =
  /** `identity` names the object's content in the run id (S3: its ETag). */
  | { readonly ok: true; readonly path: string; readonly rows: number; readonly identity: string }
  | { readonly ok: false; readonly error: string; readonly identity: string };

/**
 * Fetches (s3, gzip) and checks one Parquet object. Temporary folders holding fetched copies
 * are added to `fetchedFolders`; the caller removes them when the run ends.
 *
 * @example
 * ```ts
 * const read = await readParquetObject(connection, source, object, fetchedFolders);
 * if (!read.ok) objectFailures.push({ object: object.key, error: read.error });
 * ```
 */
export async function readParquetObject(
  connection: DuckDBConnection,
  source: SourceNode,
  object: SourceObject,
  fetchedFolders: string[],
  /** Where the object's local copy comes from (read-ahead.ts); default `fetchToLocalFile`. */
  fetch: () => Promise<string> = () => fetchToLocalFile(source, object),
): Promise<ParquetObjectRead> {
  let path: string;
  try {
    path = await fetch();
  } catch (error) {
    return { ok: false, error: (error as Error).message, identity: await unreadableIdentity(source, object) };
  }
  if (path !== object.uri) fetchedFolders.push(dirname(path));
  let identity: string;
  try {
    identity = object.etag ?? (await readParquetFooter(path, object.uri)).identity;
  } catch (error) {
    return { ok: false, error: (error as Error).message, identity: await unreadableIdentity(source, object) };
  }
  try {
    return { ok: true, path, rows: await probeParquetFile(connection, path), identity };
  } catch (error) {
    return { ok: false, error: `Cannot read ${object.uri} as Parquet: ${withoutStatement((error as Error).message)}`, identity };
  }
}

/**
 * DuckDB's message without the statement it quotes ("LINE 1: SELECT count(*) … FROM read_parquet(…)"
 * and a caret under it): sluice's own query, which tells the user nothing about their file.
 *
 * @example
 * ```ts
 * withoutStatement('Invalid Input Error: No magic bytes found\n\nLINE 1: SELECT count(*) FROM …\n        ^') // 'Invalid Input Error: No magic bytes found'
 * ```
 */
export function withoutStatement(message: string): string {
  return message.replace(/\n+LINE \d+:[\s\S]*$/, '').trim();
}

/**
 * An unreadable object's content identity. s3: its ETag. A local file is hashed whole: it
 * cannot be read as Parquet, so there is no footer to name it by, and a failed object is rare
 * enough that reading it once more costs nothing that matters.
 */
async function unreadableIdentity(source: SourceNode, object: SourceObject): Promise<string> {
  if (object.etag !== undefined) return object.etag;
  if (source.scheme !== 'file') return 'unreadable';
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(object.uri)) hash.update(chunk as Buffer);
  } catch {
    return 'unreadable';
  }
  return hash.digest('hex');
}
