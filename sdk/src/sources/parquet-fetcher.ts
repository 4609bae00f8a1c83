import type { S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
import { baseName } from './format-detection.js';
import { ObjectOpenError, openObjectStream } from './raw-object-stream.js';
import type { SourceObject } from './source-object.js';

/** Options of `fetchToLocalFile`. */
export interface FetchOptions {
  /** s3 only: use this client instead of one built from the node's endpoint and region. */
  readonly s3Client?: S3Client;
  /** Where to create the temporary folder. Default: the OS temp folder. */
  readonly directory?: string;
}

/**
 * Makes an object readable as a local file, for readers that need a path (DuckDB's
 * `read_parquet`; its httpfs extension is not available offline). A local uncompressed file is
 * returned as is (`object.uri`); an s3 object is streamed, and a gzip object decompressed,
 * into a new temporary folder — the caller removes that folder when done (any returned path
 * other than `object.uri`). Throws `SourceError` (`SOURCE_OBJECT_UNREADABLE`) naming the
 * object when it cannot be fetched or decompressed.
 *
 * @example
 * ```ts
 * const path = await fetchToLocalFile(node, object);
 * await connection.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${path}')`); // quote with the SQL printer
 * if (path !== object.uri) await rm(dirname(path), { recursive: true, force: true });
 * ```
 */
export async function fetchToLocalFile(node: SourceNode, object: SourceObject, options: FetchOptions = {}): Promise<string> {
  if (node.scheme === 'file' && object.compression === 'none') return object.uri;
  const folder = await mkdtemp(join(options.directory ?? tmpdir(), 'sluice-fetch-'));
  const name = baseName(object.key).replace(/\.gz$/i, '').replace(/[^\w.=-]+/g, '_') || 'object';
  const path = join(folder, name);
  try {
    const source = await openObjectStream(node, object, options);
    if (object.compression === 'gzip') await pipeline(source, createGunzip(), createWriteStream(path));
    else await pipeline(source, createWriteStream(path));
    return path;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    const detail = error instanceof ObjectOpenError ? error.message : `${object.compression === 'gzip' ? 'cannot decompress it as gzip: ' : ''}${(error as Error).message}`;
    throw new SourceError('SOURCE_OBJECT_UNREADABLE', `Cannot fetch ${object.uri} to a local file: ${detail}`, { cause: error });
  }
}
