import type { S3Client } from '@aws-sdk/client-s3';
import { SourceError } from '../errors.js';
import { splitGlob } from './glob-matcher.js';
import { sourceKeyMatcher } from './source-key-matcher.js';
import type { S3Location } from './s3-client.js';

/** An S3 object that a listing matched. */
export interface ListedS3Object {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

// A listing that keeps coming back truncated after this many pages is not converging
// (10 million keys at 1000 per page): stop instead of looping forever.
const MAX_PAGES = 10_000;

/**
 * Lists the objects an `s3://bucket/<pattern>` location matches, and counts the keys seen
 * under the prefix (for error messages). The literal part of the pattern before the first
 * glob character is the listing prefix; the rest is matched per key.
 * Without a glob the key names one object, or every object under it as a folder. Pagination
 * follows continuation tokens; when a server reports a truncated page without a token, the
 * next page starts after the last key seen. A server that fails ListObjectsV2 with a server
 * error is listed again with ListObjects (v1, marker paging). Keys are de-duplicated; folder
 * markers (keys ending in `/`) are skipped, and so are hidden names (see `isHiddenName`) below
 * the literal prefix unless the pattern spells them at that segment (as `listLocalFiles` does).
 *
 * @example
 * ```ts
 * await listS3Objects(client, { bucket: 'landing', key: 'events/dt=*\/*.jsonl' }, 'http://127.0.0.1:4568')
 * ```
 */
export async function listS3Objects(client: S3Client, location: S3Location, endpointText: string): Promise<{ objects: ListedS3Object[]; scanned: number }> {
  const matches = sourceKeyMatcher(location.key);
  const prefix = splitGlob(location.key).literal;
  const found = new Map<string, ListedS3Object>();
  let scanned = 0;
  const collect = (items: readonly { Key?: string; Size?: number; ETag?: string }[]): void => {
    for (const item of items) {
      if (item.Key !== undefined) scanned++;
      if (item.Key === undefined || item.Key.endsWith('/') || !matches(item.Key)) continue;
      const etag = item.ETag?.replace(/^"|"$/g, '');
      found.set(item.Key, { key: item.Key, size: Number(item.Size ?? 0), ...(etag ? { etag } : {}) });
    }
  };
  const where = `s3://${location.bucket}/${prefix}`;
  try {
    if (v2Broken.has(client)) await pageV1(client, location.bucket, prefix, where, endpointText, collect);
    else await pageV2(client, location.bucket, prefix, where, endpointText, collect);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (!isServerFault(error) || v2Broken.has(client)) throw listingError(error, location, prefix, endpointText);
    // Some S3-compatible servers cannot page ListObjectsV2 at all (s3rver on OpenSSL 3 fails
    // to create continuation tokens and answers 500). ListObjects (v1) pages by marker instead.
    v2Broken.add(client);
    found.clear();
    scanned = 0;
    try {
      await pageV1(client, location.bucket, prefix, where, endpointText, collect);
    } catch (fallbackError) {
      if (fallbackError instanceof SourceError) throw fallbackError;
      throw listingError(fallbackError, location, prefix, endpointText);
    }
  }
  return { objects: [...found.values()], scanned };
}

// Clients whose server failed ListObjectsV2: later listings go straight to v1.
const v2Broken = new WeakSet<S3Client>();

type Collect = (items: readonly { Key?: string; Size?: number; ETag?: string }[]) => void;

async function pageV2(client: S3Client, bucket: string, prefix: string, where: string, endpointText: string, collect: Collect): Promise<void> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const tokensSeen = new Set<string>();
  let continuationToken: string | undefined;
  let startAfter: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        ...(prefix !== '' ? { Prefix: prefix } : {}),
        ...(continuationToken !== undefined ? { ContinuationToken: continuationToken } : {}),
        ...(startAfter !== undefined && continuationToken === undefined ? { StartAfter: startAfter } : {}),
      }),
    );
    const items = response.Contents ?? [];
    collect(items);
    if (!response.IsTruncated) return;
    const lastKey = items.at(-1)?.Key;
    if (response.NextContinuationToken) {
      if (tokensSeen.has(response.NextContinuationToken)) {
        throw new SourceError('SOURCE_LIST_FAILED', `Listing ${where} returned the same continuation token twice (at ${endpointText}); the server's pagination is broken.`);
      }
      tokensSeen.add(response.NextContinuationToken);
      continuationToken = response.NextContinuationToken;
    } else if (lastKey !== undefined && lastKey !== startAfter) {
      // A truncated page without a token: continue after the last key, as v1 clients do.
      continuationToken = undefined;
      startAfter = lastKey;
    } else {
      throw new SourceError('SOURCE_LIST_FAILED', `Listing ${where} reported more objects but gave no way to continue (at ${endpointText}).`);
    }
  }
  throw tooManyPages(where);
}

async function pageV1(client: S3Client, bucket: string, prefix: string, where: string, endpointText: string, collect: Collect): Promise<void> {
  const { ListObjectsCommand } = await import('@aws-sdk/client-s3');
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.send(
      new ListObjectsCommand({ Bucket: bucket, ...(prefix !== '' ? { Prefix: prefix } : {}), ...(marker !== undefined ? { Marker: marker } : {}) }),
    );
    const items = response.Contents ?? [];
    collect(items);
    if (!response.IsTruncated) return;
    // Without a delimiter S3 sends no NextMarker: the next page starts after the last key.
    const next = response.NextMarker ?? items.at(-1)?.Key;
    if (next === undefined || next === marker) {
      throw new SourceError('SOURCE_LIST_FAILED', `Listing ${where} reported more objects but gave no way to continue (at ${endpointText}).`);
    }
    marker = next;
  }
  throw tooManyPages(where);
}

function tooManyPages(where: string): SourceError {
  return new SourceError('SOURCE_LIST_FAILED', `Listing ${where} did not finish after ${MAX_PAGES} pages; narrow the prefix or glob.`);
}

function isServerFault(error: unknown): boolean {
  const e = error as { $fault?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$fault === 'server' || e.name === 'InternalError' || e.name === 'NotImplemented' || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

function listingError(error: unknown, location: S3Location, prefix: string, endpointText: string): SourceError {
  const name = (error as { name?: string }).name ?? '';
  const where = `s3://${location.bucket}/${prefix} (at ${endpointText})`;
  if (name === 'NoSuchBucket') {
    return new SourceError('SOURCE_NOT_FOUND', `Cannot list ${where}: the bucket "${location.bucket}" does not exist. Check the bucket name and the endpoint/region of s3().`, { cause: error });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new SourceError('SOURCE_ACCESS_DENIED', `Cannot list ${where}: ${name}. The credentials in use need s3:ListBucket on the bucket.`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError('SOURCE_LIST_FAILED', `Cannot list ${where}: ${name ? `${name}: ` : ''}${message}`, { cause: error });
}
