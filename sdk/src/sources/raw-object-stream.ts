import type { S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { SourceNode } from '../plan/source-node.js';
import { parseS3Uri, s3ClientFor } from './s3-client.js';
import type { SourceObject } from './source-object.js';

/** Why an object could not be opened: a message for the quarantine record. */
export class ObjectOpenError extends Error {}

/**
 * Opens an object's stored bytes as a stream (still compressed). s3 objects are fetched with
 * `If-Match` on the listed ETag, so a key overwritten after listing fails clearly instead of
 * mixing two versions into one run. The caller must consume or destroy the stream.
 *
 * @example
 * ```ts
 * const stream = await openObjectStream(node, object, {});
 * for await (const chunk of stream) hash.update(chunk);
 * ```
 */
export async function openObjectStream(node: SourceNode, object: SourceObject, options: { s3Client?: S3Client }): Promise<Readable> {
  if (node.scheme === 'file') return openFile(object.uri);
  const client = await s3ClientFor(node, options.s3Client);
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { bucket } = parseS3Uri(object.uri);
  try {
    const response = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: object.key,
        ...(object.versionId !== undefined ? { VersionId: object.versionId } : object.etag !== undefined ? { IfMatch: `"${object.etag}"` } : {}),
      }),
    );
    if (!response.Body) throw new ObjectOpenError(`s3 returned no body for ${object.uri}`);
    return response.Body as Readable;
  } catch (error) {
    if (error instanceof ObjectOpenError) throw error;
    const name = (error as { name?: string }).name ?? 'Error';
    if (name === 'PreconditionFailed') {
      throw new ObjectOpenError(`${object.uri} changed after it was listed (ETag is no longer ${object.etag}); run again to read the new version`, { cause: error });
    }
    if (name === 'NoSuchKey') throw new ObjectOpenError(`${object.uri} no longer exists (it was deleted after listing)`, { cause: error });
    throw new ObjectOpenError(`cannot read ${object.uri}: ${name}: ${(error as Error).message}`, { cause: error });
  }
}

function openFile(path: string): Promise<Readable> {
  // Wait for 'open' so a missing or unreadable file is an open error, not a stream error later.
  return new Promise((resolve, reject) => {
    const stream = createReadStream(path);
    stream.once('open', () => resolve(stream));
    stream.once('error', (error) => reject(new ObjectOpenError(`cannot read ${path}: ${error.message}`, { cause: error })));
  });
}
