/**
 * The few S3 calls the event stage makes, in one place (so tests and `sluice dev` only need
 * an S3Client pointed at s3rver).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { SluiceError } from '../errors.js';
import { loadS3 } from './aws-sdk-loader.js';

// The command classes are loaded with the client, at the first call (not when the bundle loads).
const s3Commands = loadS3;

export interface HeadResult {
  readonly key: string;
  readonly etag: string;
  readonly versionId?: string;
  readonly lastModified: Date;
  readonly size: number;
}

/** The object named by the event does not exist (deleted since, or a wrong key). */
export class ObjectMissingError extends SluiceError {
  constructor(bucket: string, keys: readonly string[]) {
    super('OBJECT_MISSING', `s3://${bucket}/${keys[0]} does not exist (tried ${keys.map((k) => JSON.stringify(k)).join(', ')}); it may have been deleted after the event was sent.`);
  }
}

/**
 * The object was overwritten since its ETag was read (unversioned bucket): its content is no
 * longer the version this delivery is for. The new content has its own event and identity; a
 * retry of this one heads the key again and processes (or skips) that.
 */
export class ObjectChangedError extends SluiceError {
  constructor(bucket: string, key: string, etag: string) {
    super('OBJECT_CHANGED', `s3://${bucket}/${key} changed while it was being processed (its ETag is no longer ${etag}); the redelivery reads the new version.`);
  }
}

function isChanged(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** A version id names the content already; without one, the ETag pins it (quoted, as HTTP wants). */
function ifMatch(versionId: string | undefined, etag: string | undefined): string | undefined {
  return versionId === undefined && etag ? `"${etag}"` : undefined;
}

/** S3 copies at most 5 GiB in one CopyObject; a larger object is copied in parts. */
const SINGLE_COPY_BYTES = 5 * 1024 ** 3;
/** 1 GiB parts: S3's 5 TB maximum object is 5,000 parts, within its 10,000. */
const COPY_PART_BYTES = 1024 ** 3;

/** Smaller copy limits, for tests that cannot make a 5 GiB object. */
export interface CopyLimits {
  readonly singleCopyBytes?: number;
  readonly copyPartBytes?: number;
}

/**
 * Creates the zone store over an S3 client.
 *
 * @example
 * ```ts
 * const store = zoneStore(new S3Client({}));
 * const head = await store.head('landing', ['in/a.jsonl']);
 * for await (const bytes of await store.body('landing', head.key, head.versionId, head.etag)) hash.update(bytes);
 * ```
 */
export function zoneStore(s3: S3Client, limits: CopyLimits = {}) {
  const singleCopyBytes = limits.singleCopyBytes ?? SINGLE_COPY_BYTES;
  const copyPartBytes = limits.copyPartBytes ?? COPY_PART_BYTES;
  return {
    /** Heads the first of `keys` that exists. */
    async head(bucket: string, keys: readonly string[], versionId?: string): Promise<HeadResult> {
      const { HeadObjectCommand } = s3Commands();
      for (const key of keys) {
        try {
          const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
          return {
            key,
            etag: (r.ETag ?? '').replace(/^"|"$/g, ''),
            versionId: r.VersionId && r.VersionId !== 'null' ? r.VersionId : undefined,
            lastModified: r.LastModified ?? new Date(0),
            size: r.ContentLength ?? 0,
          };
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      throw new ObjectMissingError(bucket, keys);
    },
    /** The object's bytes: the version given, else the content whose ETag is `etag` (If-Match: never a newer overwrite). */
    async body(bucket: string, key: string, versionId?: string, etag?: string): Promise<AsyncIterable<Uint8Array>> {
      const { GetObjectCommand } = s3Commands();
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ...(ifMatch(versionId, etag) ? { IfMatch: ifMatch(versionId, etag) } : {}) }));
        return r.Body as unknown as AsyncIterable<Uint8Array>;
      } catch (error) {
        if (isMissing(error)) throw new ObjectMissingError(bucket, [key]);
        if (isChanged(error)) throw new ObjectChangedError(bucket, key, etag!);
        throw error;
      }
    },
    /**
     * Bytes `start` (inclusive) to `end` (exclusive) of the object, pinned as `body` pins it: a
     * Parquet landing object is read a row group at a time, never whole.
     */
    async range(bucket: string, key: string, start: number, end: number, versionId?: string, etag?: string): Promise<Uint8Array> {
      if (end <= start) return new Uint8Array(0);
      const { GetObjectCommand } = s3Commands();
      try {
        const r = await s3.send(new GetObjectCommand({
          Bucket: bucket, Key: key, VersionId: versionId, Range: `bytes=${start}-${end - 1}`,
          ...(ifMatch(versionId, etag) ? { IfMatch: ifMatch(versionId, etag) } : {}),
        }));
        return await r.Body!.transformToByteArray();
      } catch (error) {
        if (isMissing(error)) throw new ObjectMissingError(bucket, [key]);
        if (isChanged(error)) throw new ObjectChangedError(bucket, key, etag!);
        throw error;
      }
    },
    async getJson<T>(bucket: string, key: string): Promise<T | undefined> {
      const { GetObjectCommand } = s3Commands();
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse(await r.Body!.transformToString('utf-8')) as T;
      } catch (error) {
        // A torn document (S3 writes are atomic, emulators' are not) counts as absent: what it
        // described is redone, and every output it would have named is rewritten identically.
        if (isMissing(error) || error instanceof SyntaxError) return undefined;
        throw error;
      }
    },
    /** The object's bytes, or undefined when it does not exist. */
    async getBytes(bucket: string, key: string): Promise<Uint8Array | undefined> {
      const { GetObjectCommand } = s3Commands();
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await r.Body!.transformToByteArray();
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void> {
      const { PutObjectCommand } = s3Commands();
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async putJson(bucket: string, key: string, value: unknown): Promise<void> {
      const { PutObjectCommand } = s3Commands();
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value, null, 2), ContentType: 'application/json' }));
    },
    /** The names (the part after `prefix`) of every object under `prefix`. */
    async list(bucket: string, prefix: string): Promise<string[]> {
      const { ListObjectsV2Command } = s3Commands();
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const item of page.Contents ?? []) if (item.Key) names.push(item.Key.slice(prefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return names;
    },
    async delete(bucket: string, key: string): Promise<void> {
      const { DeleteObjectCommand } = s3Commands();
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    /**
     * Copies an object version, else the content whose ETag is `from.etag` (as `body`): in one
     * request up to 5 GiB, in parts above (`from.size`, from the object's head). The copy carries
     * no tags: copying the source's would need tagging permissions on both buckets, and a
     * quarantined object is kept for its bytes.
     */
    async copy(from: { bucket: string; key: string; versionId?: string; etag?: string; size?: number }, to: { bucket: string; key: string }): Promise<void> {
      const source = `${from.bucket}/${from.key}`.split('/').map(encodeURIComponent).join('/');
      const copySource = from.versionId ? `${source}?versionId=${encodeURIComponent(from.versionId)}` : source;
      const match = ifMatch(from.versionId, from.etag);
      try {
        if (from.size !== undefined && from.size > singleCopyBytes) {
          await copyInParts(s3, copySource, match, from.size, copyPartBytes, to);
          return;
        }
        const { CopyObjectCommand } = s3Commands();
        await s3.send(
          new CopyObjectCommand({
            Bucket: to.bucket,
            Key: to.key,
            CopySource: copySource,
            TaggingDirective: 'REPLACE',
            ...(match ? { CopySourceIfMatch: match } : {}),
          }),
        );
      } catch (error) {
        if (isChanged(error)) throw new ObjectChangedError(from.bucket, from.key, from.etag!);
        throw error;
      }
    },
  };
}

export type ZoneStore = ReturnType<typeof zoneStore>;

/**
 * A multipart copy: UploadPartCopy of consecutive byte ranges, each pinned to the same content
 * (`match`), then CompleteMultipartUpload; an abandoned upload is aborted (it would be billed).
 */
async function copyInParts(
  s3: S3Client,
  copySource: string,
  match: string | undefined,
  size: number,
  partBytes: number,
  to: { bucket: string; key: string },
): Promise<void> {
  const { CreateMultipartUploadCommand, UploadPartCopyCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand } = s3Commands();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key }));
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let start = 0, part = 1; start < size; start += partBytes, part++) {
      const end = Math.min(size, start + partBytes) - 1;
      const copied = await s3.send(new UploadPartCopyCommand({
        Bucket: to.bucket, Key: to.key, UploadId, PartNumber: part,
        CopySource: copySource, CopySourceRange: `bytes=${start}-${end}`,
        ...(match ? { CopySourceIfMatch: match } : {}),
      }));
      parts.push({ ETag: copied.CopyPartResult!.ETag!, PartNumber: part });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId })).catch(() => undefined);
    throw error;
  }
}
