/**
 * An in-memory S3 behind aws-sdk-client-mock (list with real paging, get, put, delete), plus
 * Athena and Glue stubs. No network; the test drives Athena's states.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';

export class FakeS3 {
  readonly objects = new Map<string, Uint8Array>(); // 'bucket/key' → bytes
  readonly client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  readonly mock = mockClient(this.client);
  /** Listing page size (small, so callers must follow continuation tokens). */
  pageSize = 2;

  constructor() {
    this.mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string; ContinuationToken?: string }) => {
      const keys = [...this.objects.keys()]
        .filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
        .map((k) => k.slice(input.Bucket.length + 1))
        .sort();
      const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
      const page = keys.slice(start, start + this.pageSize);
      const more = start + this.pageSize < keys.length;
      return {
        Contents: page.map((Key) => ({ Key, Size: this.objects.get(`${input.Bucket}/${Key}`)!.byteLength })),
        IsTruncated: more,
        ...(more ? { NextContinuationToken: String(start + this.pageSize) } : {}),
      };
    });
    this.mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      const bytes = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!bytes) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      return { Body: { transformToByteArray: async () => bytes } };
    });
    this.mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: Uint8Array | string }) => {
      this.objects.set(`${input.Bucket}/${input.Key}`, typeof input.Body === 'string' ? new TextEncoder().encode(input.Body) : input.Body);
      return {};
    });
    this.mock.on(DeleteObjectsCommand).callsFake((input: { Bucket: string; Delete: { Objects: { Key: string }[] } }) => {
      for (const o of input.Delete.Objects) this.objects.delete(`${input.Bucket}/${o.Key}`);
      return {};
    });
  }

  put(uri: string, body: Uint8Array | string): void {
    this.objects.set(uri.replace(/^s3:\/\//, ''), typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

export function fakeAthena() {
  const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  return { client, mock: mockClient(client) };
}

export function fakeGlue() {
  const client = new GlueClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  return { client, mock: mockClient(client) };
}
