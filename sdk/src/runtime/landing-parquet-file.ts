/**
 * A Parquet landing object as the random-access buffer hyparquet reads: ranged GETs of the
 * version being processed. A gzip-compressed one (`.parquet.gz`, which a local run reads too) has
 * no ranges to read: it is unpacked into memory first.
 */
import type { AsyncBuffer } from 'hyparquet';
import { decompressed, UnreadableObjectError } from './text-stream.js';
import type { ObjectTarget } from './process-object.js';
import type { ZoneStore } from './zone-store.js';

/**
 * @example
 * ```ts
 * const file = await landingParquetFile(store, target, 'none');
 * for await (const batch of parquetRecordBatches(file, 0)) rows += batch.length;
 * ```
 */
export async function landingParquetFile(store: ZoneStore, target: ObjectTarget, compression: 'none' | 'gzip'): Promise<AsyncBuffer> {
  // Unversioned: the ETag the identity was made of pins every read to that content.
  const etag = target.versionId ? undefined : target.version;
  if (compression === 'gzip') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of decompressed(await store.body(target.bucket, target.key, target.versionId, etag), 'gzip')) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    return { byteLength: bytes.byteLength, slice: async (start, end) => arrayBufferOf(bytes.subarray(start, end)) };
  }
  const size = target.size ?? (await store.head(target.bucket, [target.key], target.versionId)).size;
  if (size === 0) throw new UnreadableObjectError('the object is empty (0 bytes): a Parquet file has at least its header and footer');
  return {
    byteLength: size,
    slice: async (start, end = size) => arrayBufferOf(await store.range(target.bucket, target.key, start, end, target.versionId, etag)),
  };
}

/** The bytes as an ArrayBuffer of their own: the one they sit in when they fill it (a ranged GET's), else a copy. */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
