/**
 * An in-memory S3 behind the `send()` of an S3Client, for runtime tests that need what s3rver
 * lacks (versioned buckets, as the landing bucket is in AWS) or that record every call the
 * event stage makes. It answers the commands `runtime/zone-store.ts` sends — HeadObject,
 * GetObject, PutObject, DeleteObject, CopyObject, ListObjectsV2 (one page), and a multipart copy
 * (CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload) — as S3 does (404 `NotFound`/`NoSuchKey` for a
 * missing key, quoted ETags, 412 `PreconditionFailed` for an `If-Match` on another ETag), and anything else with an error, so a new kind of call is noticed.
 *
 * ```ts
 * const s3 = new MemoryS3({ landing: { versioned: true }, validated: {}, quarantine: {} });
 * const { versionId } = s3.putObject('landing', 'in/a.jsonl', '{"a":1}\n');
 * const store = zoneStore(s3.client);
 * ```
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';

export interface S3Call {
  /** `HeadObject`, `GetObject`, ... (the command class name without `Command`). */
  readonly operation: string;
  readonly input: Readonly<Record<string, any>>;
  /** The key (or version) asked for did not exist: S3 answered 404. */
  readonly missing: boolean;
}

interface StoredObject {
  readonly body: Uint8Array;
  readonly etag: string;
  readonly versionId?: string;
  readonly contentType?: string;
}

interface BucketState {
  readonly versioned: boolean;
  /** Versions of each key, oldest first; the last is current. */
  readonly objects: Map<string, StoredObject[]>;
}

/** Every object gets this LastModified: outputs that depend on it (dt of rows without a timestamp) stay deterministic. */
export const LAST_MODIFIED = new Date('2024-03-05T12:00:00.000Z');

export class MemoryS3 {
  readonly calls: S3Call[] = [];
  /** Called after each answered command (e.g. to change the remaining time of an invocation). */
  onCall: ((call: S3Call) => void) | undefined;
  private readonly buckets = new Map<string, BucketState>();
  private versionCounter = 0;
  /** Open multipart uploads: id → the parts copied so far (part number → bytes). */
  private readonly uploads = new Map<string, { bucket: string; key: string; parts: Map<number, Uint8Array> }>();

  constructor(buckets: Readonly<Record<string, { versioned?: boolean }>>) {
    for (const [name, options] of Object.entries(buckets)) this.buckets.set(name, { versioned: options.versioned ?? false, objects: new Map() });
  }

  /** An S3Client stand-in (only `send` is used by the runtime). */
  get client(): S3Client {
    return { send: (command: unknown) => this.send(command) } as unknown as S3Client;
  }

  /** Stores an object outside the recorded calls (test setup). */
  putObject(bucket: string, key: string, body: Uint8Array | string): { etag: string; versionId?: string } {
    const stored = this.store(bucket, key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    return { etag: stored.etag, ...(stored.versionId ? { versionId: stored.versionId } : {}) };
  }

  /** Removes a key outside the recorded calls (test setup: an object lost or deleted by someone else). */
  removeObject(bucket: string, key: string): void {
    this.bucket(bucket).objects.delete(key);
  }

  /** Current keys of a bucket under a prefix, sorted. */
  keys(bucket: string, prefix = ''): string[] {
    return [...this.bucket(bucket).objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** The current content of a key (undefined when absent). */
  bytes(bucket: string, key: string): Uint8Array | undefined {
    return this.bucket(bucket).objects.get(key)?.at(-1)?.body;
  }

  /** `bucket/key → sha256` of the current content of every key in the given buckets. */
  snapshot(buckets: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const b of buckets) for (const key of this.keys(b)) out[`${b}/${key}`] = createHash('sha256').update(this.bytes(b, key)!).digest('hex');
    return out;
  }

  async send(command: unknown): Promise<unknown> {
    const name = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    const input = (command as { input: Record<string, any> }).input;
    let missing = false;
    try {
      return this.answer(name, input);
    } catch (error) {
      missing = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
      throw error;
    } finally {
      const call = { operation: name, input: { ...input }, missing };
      this.calls.push(call);
      this.onCall?.(call);
    }
  }

  private answer(name: string, input: Record<string, any>): unknown {
    switch (name) {
      case 'HeadObject': {
        const o = this.find(input.Bucket, input.Key, input.VersionId, 'NotFound');
        return { ETag: `"${o.etag}"`, VersionId: o.versionId, LastModified: LAST_MODIFIED, ContentLength: o.body.byteLength };
      }
      case 'GetObject': {
        const o = this.find(input.Bucket, input.Key, input.VersionId, 'NoSuchKey');
        preconditionHolds(input.IfMatch, o);
        if (input.Range !== undefined) {
          // S3's one form the event stage sends: bytes=first-last, both inclusive.
          const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(String(input.Range))!;
          const part = o.body.subarray(Number(first), Math.min(Number(last) + 1, o.body.byteLength));
          return { ETag: `"${o.etag}"`, VersionId: o.versionId, LastModified: LAST_MODIFIED, ContentLength: part.byteLength, Body: responseBody(part) };
        }
        return { ETag: `"${o.etag}"`, VersionId: o.versionId, LastModified: LAST_MODIFIED, ContentLength: o.body.byteLength, Body: responseBody(o.body) };
      }
      case 'PutObject': {
        const body = typeof input.Body === 'string' ? new TextEncoder().encode(input.Body) : new Uint8Array(input.Body as Uint8Array);
        const stored = this.store(input.Bucket, input.Key, body, input.ContentType);
        return { ETag: `"${stored.etag}"`, VersionId: stored.versionId };
      }
      case 'DeleteObject': {
        const bucket = this.bucket(input.Bucket);
        if (bucket.versioned) throw new Error('MemoryS3: deleting from a versioned bucket is not modelled (the event stage never does)');
        bucket.objects.delete(input.Key);
        return {};
      }
      case 'ListObjectsV2': {
        const keys = this.keys(input.Bucket, input.Prefix ?? '');
        return { Contents: keys.map((Key) => ({ Key })), KeyCount: keys.length, IsTruncated: false };
      }
      case 'CopyObject': {
        const [path, query] = String(input.CopySource).split('?versionId=');
        const [sourceBucket, ...keyParts] = path!.split('/').map(decodeURIComponent);
        const o = this.find(sourceBucket!, keyParts.join('/'), query === undefined ? undefined : decodeURIComponent(query), 'NoSuchKey');
        preconditionHolds(input.CopySourceIfMatch, o);
        const stored = this.store(input.Bucket, input.Key, o.body, o.contentType);
        return { CopyObjectResult: { ETag: `"${stored.etag}"` } };
      }
      case 'CreateMultipartUpload': {
        this.bucket(input.Bucket);
        const UploadId = `upload-${this.uploads.size + 1}`;
        this.uploads.set(UploadId, { bucket: input.Bucket, key: input.Key, parts: new Map() });
        return { UploadId };
      }
      case 'UploadPartCopy': {
        const upload = this.upload(input.UploadId);
        const [path, query] = String(input.CopySource).split('?versionId=');
        const [sourceBucket, ...keyParts] = path!.split('/').map(decodeURIComponent);
        const o = this.find(sourceBucket!, keyParts.join('/'), query === undefined ? undefined : decodeURIComponent(query), 'NoSuchKey');
        preconditionHolds(input.CopySourceIfMatch, o);
        const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(String(input.CopySourceRange))!;
        const bytes = o.body.subarray(Number(start), Number(end) + 1);
        upload.parts.set(input.PartNumber, bytes);
        return { CopyPartResult: { ETag: `"${createHash('md5').update(bytes).digest('hex')}"` } };
      }
      case 'CompleteMultipartUpload': {
        const upload = this.upload(input.UploadId);
        const parts = (input.MultipartUpload.Parts as { PartNumber: number }[]).map((p) => upload.parts.get(p.PartNumber)!);
        const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        parts.reduce((offset, p) => (body.set(p, offset), offset + p.byteLength), 0);
        this.uploads.delete(input.UploadId);
        const stored = this.store(upload.bucket, upload.key, body);
        return { ETag: `"${stored.etag}"` };
      }
      case 'AbortMultipartUpload': {
        this.uploads.delete(input.UploadId);
        return {};
      }
      default:
        throw new Error(`MemoryS3 does not model ${name}: teach it, and check the IAM grants of the handler for it`);
    }
  }

  /** Multipart uploads still open (none should be left behind). */
  get openUploads(): number {
    return this.uploads.size;
  }

  private upload(id: string): { bucket: string; key: string; parts: Map<number, Uint8Array> } {
    const upload = this.uploads.get(id);
    if (!upload) throw Object.assign(new Error(`NoSuchUpload: ${id}`), { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    return upload;
  }

  private bucket(name: string): BucketState {
    const bucket = this.buckets.get(name);
    if (!bucket) throw Object.assign(new Error(`NoSuchBucket: ${name}`), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    return bucket;
  }

  private find(bucketName: string, key: string, versionId: string | undefined, errorName: string): StoredObject {
    const versions = this.bucket(bucketName).objects.get(key) ?? [];
    const found = versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
    if (!found) throw Object.assign(new Error(`${errorName}: ${bucketName}/${key}`), { name: errorName, $metadata: { httpStatusCode: 404 } });
    return found;
  }

  private store(bucketName: string, key: string, body: Uint8Array, contentType?: string): StoredObject {
    const bucket = this.bucket(bucketName);
    const stored: StoredObject = {
      body,
      etag: createHash('md5').update(body).digest('hex'),
      ...(bucket.versioned ? { versionId: `v${String(++this.versionCounter).padStart(6, '0')}` } : {}),
      ...(contentType ? { contentType } : {}),
    };
    if (bucket.versioned) bucket.objects.set(key, [...(bucket.objects.get(key) ?? []), stored]);
    else bucket.objects.set(key, [stored]);
    return stored;
  }
}

/** S3's `If-Match` (GetObject) and `x-amz-copy-source-if-match` (CopyObject): 412 PreconditionFailed when the ETag differs. */
function preconditionHolds(ifMatch: unknown, o: StoredObject): void {
  if (ifMatch === undefined || ifMatch === '*' || String(ifMatch).replace(/^"|"$/g, '') === o.etag) return;
  throw Object.assign(new Error('PreconditionFailed: At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
}

/** A GetObject body as the SDK gives it in Node: async-iterable chunks plus the transform helpers. */
function responseBody(bytes: Uint8Array) {
  return {
    async *[Symbol.asyncIterator]() {
      for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024) yield bytes.subarray(offset, offset + 64 * 1024);
    },
    transformToString: async (encoding = 'utf-8') => new TextDecoder(encoding).decode(bytes),
    transformToByteArray: async () => new Uint8Array(bytes),
  };
}
