import type { S3Client } from '@aws-sdk/client-s3';
import type { SourceNode } from '../plan/source-node.js';

/** A bucket and the key part of an `s3://bucket/key` URI (the key may hold a glob). */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/**
 * Splits an `s3://bucket/key` URI. The key is taken as raw text (like the AWS CLI), not
 * percent-decoded, so `%` and `+` in keys mean themselves.
 *
 * @example
 * ```ts
 * parseS3Uri('s3://landing/events/a b+c.jsonl') // { bucket: 'landing', key: 'events/a b+c.jsonl' }
 * ```
 */
export function parseS3Uri(uri: string): S3Location {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

// One client per endpoint and region: listing and reading many objects reuse connections.
const clients = new Map<string, Promise<S3Client>>();

/**
 * The S3 client for a source: the injected one when given, else one built (and cached) for the
 * node's endpoint and region. `@aws-sdk/client-s3` is loaded here, on first use, so the plan
 * model never imports it. A custom endpoint implies path-style addressing and checksums only
 * when required, which S3-compatible servers (s3rver, MinIO) need.
 *
 * @example
 * ```ts
 * const client = await s3ClientFor(s3('s3://b/x/', { endpoint: 'http://127.0.0.1:4568' }).node);
 * ```
 */
export async function s3ClientFor(node: SourceNode, injected?: S3Client): Promise<S3Client> {
  if (injected) return injected;
  const region = node.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const cacheKey = `${node.endpoint ?? ''}|${region}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = (async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return node.endpoint
        ? new S3Client({
            region,
            endpoint: node.endpoint,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          })
        : new S3Client({ region });
    })();
    clients.set(cacheKey, client);
    client.catch(() => clients.delete(cacheKey));
  }
  return client;
}
