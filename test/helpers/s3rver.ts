/**
 * Starts s3rver in-process for tests: 127.0.0.1, an ephemeral port, a fresh temp directory,
 * silent. Returns an S3Client configured the way s3rver needs (path-style addressing,
 * checksums only when required, dummy credentials) and a `stop()` that closes the client,
 * the server and every open connection, then deletes the directory.
 *
 * ```ts
 * let s3: S3rverHandle;
 * beforeAll(async () => { s3 = await startS3rver({ buckets: ['landing'] }); });
 * afterAll(() => s3.stop());
 * await s3.putObject('landing', 'events/a b+c.jsonl', '{"a":1}\n');
 * const node = s3Source('s3://landing/events/', { endpoint: s3.endpoint, region: s3.region }).node;
 * ```
 *
 * s3rver quirks worth knowing (see DESIGN §5): on OpenSSL 3 its ListObjectsV2 answers 500
 * whenever a page is truncated (it cannot build a continuation token), so a listing of more
 * than 1000 keys needs ListObjects v1 (sluice's lister falls back to it); its events carry
 * raw keys; and deleting a key removes the folders it leaves empty, which races a concurrent put
 * into that folder (the put's file open fails with ENOENT as an uncaught exception), so
 * `startS3rver` keeps the folders, as S3, which has none, would.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver's (untyped, CommonJS) API used here. */
interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
  off(event: 'event', listener: (event: S3rverEvent) => void): void;
  close(): Promise<void>;
  httpServer?: Server;
  store: S3rverStore;
}

/** s3rver's FilesystemStore, the one method replaced here. */
interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * An S3 notification as s3rver emits it: `{ Records: [{ eventVersion: '2.0', eventName,
 * s3: { bucket: { name }, object: { key, size, eTag } } }] }` — with the RAW key (real S3
 * URL-encodes it) and `ObjectCreated:Post` for multipart completion (DESIGN §5;
 * test/helpers/s3-events.ts adapts it to AWS's form).
 */
export interface S3rverEvent {
  readonly Records: readonly {
    readonly eventVersion: string;
    readonly eventName: string;
    readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly size?: number; readonly eTag?: string } };
  }[];
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3rverHandle {
  /** A client for this server: path-style, checksums when required, dummy credentials. */
  readonly client: S3Client;
  /** `http://127.0.0.1:<port>` — pass as `endpoint` to `s3()`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** s3rver's storage directory (deleted by `stop()`). */
  readonly directory: string;
  /** Options for building more clients against this server (e.g. with a different region). */
  readonly clientConfig: S3ClientConfig;
  createBucket(name: string): Promise<void>;
  /** Puts an object through the API; resolves to its ETag without quotes (what S3 events carry). */
  putObject(bucket: string, key: string, body: string | Uint8Array): Promise<string>;
  /**
   * Bulk setup without HTTP: writes objects straight into s3rver's store directory (its
   * on-disk layout, `<bucket>/<key dirs>/<name>._S3rver_object`; s3rver derives size and ETag
   * from the file). For tests that need thousands of keys in a second; the objects are then
   * listed and read through the API like any other. The bucket must exist.
   */
  putObjectsDirect(bucket: string, objects: Readonly<Record<string, string | Uint8Array>>): Promise<void>;
  /**
   * Listens to s3rver's own S3 events (its form: eventVersion 2.0, raw keys; see
   * test/helpers/s3-events.ts). Returns a function that stops listening.
   */
  onEvent(listener: (event: S3rverEvent) => void): () => void;
  stop(): Promise<void>;
}

export interface StartS3rverOptions {
  /** Buckets to create before the server accepts requests. */
  readonly buckets?: readonly string[];
}

const require = createRequire(import.meta.url);

export async function startS3rver(options: StartS3rverOptions = {}): Promise<S3rverHandle> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(join(tmpdir(), 'sluice-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Path-style only: with the default, a Host header ending in the service endpoint would be
    // read as a virtual-hosted bucket.
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  keepFoldersOnDelete(server.store);
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const region = 'us-east-1';
  const clientConfig = {
    region,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  } as const;
  const client = new S3Client(clientConfig);
  let stopped = false;
  return {
    client,
    endpoint,
    port: address.port,
    region,
    directory,
    clientConfig,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async putObject(bucket, key, body) {
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return put.ETag!.replace(/"/g, '');
    },
    async putObjectsDirect(bucket, objects) {
      const entries = Object.entries(objects);
      for (let i = 0; i < entries.length; i += 200) {
        await Promise.all(
          entries.slice(i, i + 200).map(async ([key, body]) => {
            const parts = key.split('/');
            const name = parts.pop()!;
            const folder = join(directory, bucket, ...parts);
            await mkdir(folder, { recursive: true });
            await writeFile(join(folder, `${name}._S3rver_object`), body);
          }),
        );
      }
    },
    onEvent(listener) {
      server.on('event', listener);
      return () => server.off('event', listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      // Keep-alive sockets (ours, or of clients a test built itself) would hold close() open.
      server.httpServer?.closeAllConnections();
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * s3rver's deleteObject, less its last step: removing the folders the key leaves empty. A put
 * into such a folder at the same moment (gate keys are written and deleted side by side) makes
 * its directory, then finds it gone when it opens its file, and s3rver has no handler for that
 * error. Empty folders hold no `._S3rver_object` file, so listings do not show them.
 */
function keepFoldersOnDelete(store: S3rverStore): void {
  store.deleteObject = async (bucket, key) => {
    const files = ['object', 'object.md5', 'metadata.json'].map((resource) => store.getResourcePath(bucket, key, resource));
    await Promise.all(files.map((file) => rm(file, { force: true })));
  };
}
