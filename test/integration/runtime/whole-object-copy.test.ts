/**
 * An object quarantined whole is copied into the quarantine zone: in one CopyObject up to S3's
 * 5 GiB, in parts above it (a single copy of a larger object is refused, and the object would
 * fail over and over into the dead-letter queue), always pinned to the content read, never with
 * the source's tags (copying them needs tagging permissions the handler does not have).
 * The limits are lowered here; MemoryS3 models the multipart copy.
 */
import { describe, expect, it } from 'vitest';
import { ObjectChangedError, zoneStore } from '../../../sdk/src/runtime/zone-store.js';
import { MemoryS3 } from './memory-s3.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 251);

describe('copying a whole object', () => {
  it('above the single-copy limit: in parts, byte for byte, pinned to the ETag, no upload left open', async () => {
    const s3 = new MemoryS3({ landing: {}, quarantine: {} });
    const body = bytes(10_000);
    const { etag } = s3.putObject('landing', 'in/big file é.jsonl', body);
    await zoneStore(s3.client, { singleCopyBytes: 4_096, copyPartBytes: 3_000 }).copy({ bucket: 'landing', key: 'in/big file é.jsonl', etag, size: body.byteLength }, { bucket: 'quarantine', key: 'q/big.jsonl' });
    expect(s3.bytes('quarantine', 'q/big.jsonl')).toEqual(body);
    const parts = s3.calls.filter((c) => c.operation === 'UploadPartCopy');
    expect(parts.map((c) => c.input.CopySourceRange)).toEqual(['bytes=0-2999', 'bytes=3000-5999', 'bytes=6000-8999', 'bytes=9000-9999']);
    expect(parts.every((c) => c.input.CopySourceIfMatch === `"${etag}"`)).toBe(true);
    expect(s3.calls.some((c) => c.operation === 'CopyObject')).toBe(false);
    expect(s3.openUploads).toBe(0);
  });

  it('up to the limit: one CopyObject that replaces tags with none', async () => {
    const s3 = new MemoryS3({ landing: {}, quarantine: {} });
    const { etag } = s3.putObject('landing', 'in/a.jsonl', bytes(4_096));
    await zoneStore(s3.client, { singleCopyBytes: 4_096, copyPartBytes: 3_000 }).copy({ bucket: 'landing', key: 'in/a.jsonl', etag, size: 4_096 }, { bucket: 'quarantine', key: 'q/a.jsonl' });
    expect(s3.calls.filter((c) => c.operation === 'CopyObject').map((c) => c.input.TaggingDirective)).toEqual(['REPLACE']);
    expect(s3.bytes('quarantine', 'q/a.jsonl')).toEqual(bytes(4_096));
  });

  it('an object changed since it was read: ObjectChangedError, the upload aborted, nothing copied', async () => {
    const s3 = new MemoryS3({ landing: {}, quarantine: {} });
    const { etag } = s3.putObject('landing', 'in/big.jsonl', bytes(10_000));
    s3.putObject('landing', 'in/big.jsonl', bytes(10_001));
    const copying = zoneStore(s3.client, { singleCopyBytes: 4_096, copyPartBytes: 3_000 }).copy({ bucket: 'landing', key: 'in/big.jsonl', etag, size: 10_000 }, { bucket: 'quarantine', key: 'q/big.jsonl' });
    await expect(copying).rejects.toBeInstanceOf(ObjectChangedError);
    expect(s3.calls.map((c) => c.operation)).toContain('AbortMultipartUpload');
    expect(s3.openUploads).toBe(0);
    expect(s3.bytes('quarantine', 'q/big.jsonl')).toBeUndefined();
  });
});
