/**
 * Reading the zones back for assertions: listings, content snapshots (key → sha256), Parquet
 * rows (decoded by hyparquet, a reader independent of the writer), and clean-up between runs.
 */
import { DeleteItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import { createHash } from 'node:crypto';

export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }));
    for (const o of r.Contents ?? []) keys.push(o.Key!);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return r.Body!.transformToByteArray();
}

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return new TextDecoder().decode(await getBytes(s3, bucket, key));
}

/** Every object of the buckets as `bucket/key → sha256 of the content`. */
export async function snapshot(s3: S3Client, buckets: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const bucket of buckets) {
    for (const key of await listKeys(s3, bucket)) {
      out[`${bucket}/${key}`] = createHash('sha256').update(await getBytes(s3, bucket, key)).digest('hex');
    }
  }
  return out;
}

export async function clearBuckets(s3: S3Client, buckets: readonly string[]): Promise<void> {
  for (const bucket of buckets) {
    for (const key of await listKeys(s3, bucket)) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

export async function clearTable(dynamo: DynamoDBClient, table: string): Promise<void> {
  const r = await dynamo.send(new ScanCommand({ TableName: table }));
  for (const item of r.Items ?? []) await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { id: item.id! } }));
}

export async function parquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

export interface ManifestLike {
  objectId: string;
  object: { bucket: string; key: string; version: string };
  status: 'processed' | 'quarantined' | 'unreadable';
  rows: { in: number; valid: number; quarantined: number };
  outputs: { validated: string[]; quarantine: string[] };
  gateFailures: string[];
  error?: string;
}

/** Manifests of a pipeline, by source object key. */
export async function manifestsByKey(s3: S3Client, bucket: string, pipeline: string): Promise<Map<string, ManifestLike>> {
  const out = new Map<string, ManifestLike>();
  for (const key of await listKeys(s3, bucket, `_manifests/${pipeline}/`)) {
    const manifest = JSON.parse(await getText(s3, bucket, key)) as ManifestLike;
    out.set(manifest.object.key, manifest);
  }
  return out;
}
