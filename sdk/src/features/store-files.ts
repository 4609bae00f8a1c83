/**
 * Minimal file access for a store root that is either a local folder or an `s3://` prefix.
 * The AWS SDK is loaded only when an s3 root is used.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { StoreError } from '../errors.js';
import { parseS3Uri, type S3Location } from '../sources/s3-client.js';

export interface StoredFile {
  /** Full path or s3:// URI. */
  readonly path: string;
  readonly size: number;
}

export interface StoreFiles {
  /** Every file below `prefix` (recursive), sorted by path. Missing prefix → empty list. */
  list(prefix: string): Promise<StoredFile[]>;
  read(path: string): Promise<Uint8Array | undefined>;
  /**
   * Writes atomically where the backend allows (local: temp file + rename). Bytes may come as
   * chunks: a local file is then written a chunk at a time, never whole in memory.
   */
  write(path: string, bytes: Uint8Array | string | Iterable<Uint8Array>): Promise<void>;
  remove(path: string): Promise<void>;
}

/**
 * File access for a store root.
 *
 * @example
 * ```ts
 * const files = storeFiles('./.sluice/features');
 * await files.list('./.sluice/features/entity=user');
 * ```
 */
export function storeFiles(root: string, options: { endpoint?: string; region?: string; client?: unknown } = {}): StoreFiles {
  return root.startsWith('s3://') ? new S3StoreFiles(options) : new LocalStoreFiles();
}

class LocalStoreFiles implements StoreFiles {
  async list(prefix: string): Promise<StoredFile[]> {
    const out: StoredFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      // Folders and files concurrently: a store holds hundreds of dt= folders, and one awaited
      // readdir after another made listing cost more than writing a small partition.
      await Promise.all(entries.map(async (entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.startsWith('.tmp-')) out.push({ path, size: (await stat(path)).size });
      }));
    };
    await walk(prefix);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(path: string, bytes: Uint8Array | string | Iterable<Uint8Array>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    // Readers never see a half-written file: write beside it, then rename (atomic on one filesystem).
    const temp = join(dirname(path), `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}

class S3StoreFiles implements StoreFiles {
  #client: Promise<import('@aws-sdk/client-s3').S3Client>;
  constructor(options: { endpoint?: string; region?: string; client?: unknown }) {
    this.#client = (async () => {
      if (options.client) return options.client as import('@aws-sdk/client-s3').S3Client;
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      });
    })();
  }

  async list(prefix: string): Promise<StoredFile[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const { bucket, key } = splitS3(prefix);
    const client = await this.#client;
    const out: StoredFile[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key === '' ? undefined : `${key.replace(/\/+$/, '')}/`, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) out.push({ path: `s3://${bucket}/${object.Key}`, size: Number(object.Size ?? 0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { bucket, key } = splitS3(path);
    try {
      const response = await (await this.#client).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new StoreError('STORE_READ_FAILED', `Could not read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  async write(path: string, bytes: Uint8Array | string | Iterable<Uint8Array>): Promise<void> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const { bucket, key } = splitS3(path);
    // One PUT needs its length up front: chunks are joined here (a quarantine file of this size
    // is bytes, not rows, and a PUT takes up to 5 GB).
    const body = typeof bytes === 'string' || bytes instanceof Uint8Array ? bytes : Buffer.concat([...bytes]);
    await (await this.#client).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async remove(path: string): Promise<void> {
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    const { bucket, key } = splitS3(path);
    await (await this.#client).send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

/**
 * `s3://bucket/a/b` → `{ bucket: 'bucket', key: 'a/b' }`.
 *
 * @example
 * ```ts
 * splitS3('s3://ml/features/_catalog/entity=user/feature_group=engagement.json')
 * // { bucket: 'ml', key: 'features/_catalog/entity=user/feature_group=engagement.json' }
 * splitS3('/data/features') // throws StoreError INVALID_S3_URI
 * ```
 */
export function splitS3(uri: string): S3Location {
  const location = uri.startsWith('s3://') ? parseS3Uri(uri) : undefined;
  if (!location?.bucket) throw new StoreError('INVALID_S3_URI', `"${uri}" is not an s3://bucket/key URI.`);
  return location;
}

/**
 * A path relative to a root, with forward slashes, for display and lineage.
 *
 * @example
 * ```ts
 * relativeTo('s3://ml/features', 's3://ml/features/entity=user/feature_group=engagement/dt=2024-01-31/part-ab12.parquet')
 * // 'entity=user/feature_group=engagement/dt=2024-01-31/part-ab12.parquet'
 * relativeTo('/data/store', '/data/store/entity=user/feature_group=engagement') // 'entity=user/feature_group=engagement'
 * ```
 */
export function relativeTo(root: string, path: string): string {
  return root.startsWith('s3://') ? path.slice(root.length).replace(/^\/+/, '') : relative(root, path).split('\\').join('/');
}
