import { existsSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import { resolve } from 'node:path';
import { SourceError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
import { listLocalFiles } from './file-lister.js';
import { splitGlob } from './glob-matcher.js';
import { detectFormat, KNOWN_EXTENSIONS_TEXT } from './format-detection.js';
import { parseS3Uri, s3ClientFor } from './s3-client.js';
import { listS3Objects } from './s3-lister.js';
import type { SourceObject } from './source-object.js';

/** Options of `listSourceObjects`. */
export interface ListOptions {
  /** s3 only: use this client instead of one built from the node's endpoint and region. */
  readonly s3Client?: S3Client;
  /** file only: the folder relative globs are resolved against. Default: `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Receives each object whose format cannot be told, which is then left out of the list,
   * instead of failing the listing with `SOURCE_UNKNOWN_FORMAT`. A run quarantines such an
   * object whole, as the event stage does with a key it cannot read.
   */
  readonly onUnknownFormat?: (object: ObjectOfUnknownFormat) => void;
}

/** A listed object whose format neither the source nor its name tells, and why. */
export type ObjectOfUnknownFormat = Omit<SourceObject, 'format' | 'compression'> & { readonly error: string };

/**
 * Lists every object a source matches, sorted by key, each with its format and compression
 * decided (from the source options, else the extension).
 *
 * Throws `SourceError` when nothing matches (`SOURCE_EMPTY`, naming what was searched), when
 * an object's format cannot be told (`SOURCE_UNKNOWN_FORMAT`, naming the key and the
 * `format` option), or when S3 cannot be listed (`SOURCE_NOT_FOUND`, `SOURCE_ACCESS_DENIED`,
 * `SOURCE_LIST_FAILED`).
 *
 * @example
 * ```ts
 * const objects = await listSourceObjects(file('data/events/*.jsonl').node);
 * // [{ key: 'data/events/2024-01-01.jsonl', uri: '/home/me/data/events/2024-01-01.jsonl', size: 52311, format: 'jsonl', compression: 'none' }, ...]
 * ```
 */
export async function listSourceObjects(node: SourceNode, options: ListOptions = {}): Promise<SourceObject[]> {
  const objects = node.scheme === 's3' ? await listS3(node, options) : await listFiles(node, options);
  return objects.sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * Key order used everywhere in sources (listing, sampling): plain string order, the same in
 * every run, so "first N rows" and tie-breaks by source order are deterministic.
 *
 * @example
 * ```ts
 * ['b.jsonl', 'a.jsonl'].sort(compareKeys) // ['a.jsonl', 'b.jsonl']
 * ```
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function listFiles(node: SourceNode, options: ListOptions): Promise<SourceObject[]> {
  const cwd = options.cwd ?? process.cwd();
  let files;
  try {
    files = await listLocalFiles(node.uri, cwd);
  } catch (error) {
    throw new SourceError('SOURCE_LIST_FAILED', `Cannot list file('${node.uri}') from ${cwd}: ${(error as Error).message}`, { cause: error });
  }
  if (files.length === 0) {
    // A file literally named with glob characters (`k[1].jsonl`) is not what the glob matches.
    const literal = /[[\]{}?*]/.test(node.uri) && existsSync(resolve(cwd, node.uri));
    throw new SourceError(
      'SOURCE_EMPTY',
      `file('${node.uri}') matched no files: searched ${resolve(cwd, node.uri)} (relative to ${cwd}). ` +
        (literal
          ? `A file of exactly that name exists, but [ ] { } ? * are glob characters there: escape them with a backslash, e.g. file('${node.uri.replace(/[[\]{}?*]/g, (c) => `\\${c}`)}').`
          : `Check the path and the working directory; names starting with '.' or '_' are skipped unless the glob spells them.`),
    );
  }
  return withFormats(node, files.map((f) => ({ key: f.key, uri: f.path, size: f.size })), options);
}

async function listS3(node: SourceNode, options: ListOptions): Promise<SourceObject[]> {
  const location = parseS3Uri(node.uri);
  const client = await s3ClientFor(node, options.s3Client);
  const endpointText = node.endpoint ?? (options.s3Client ? 'the injected S3 client' : `AWS, region ${node.region ?? process.env.AWS_REGION ?? 'us-east-1'}`);
  const { objects: listed, scanned } = await listS3Objects(client, location, endpointText);
  if (listed.length === 0) {
    const seen = scanned === 0 ? 'no keys there' : `${scanned} key${scanned === 1 ? '' : 's'} there, none matching`;
    throw new SourceError(
      'SOURCE_EMPTY',
      `s3('${node.uri}') matched no objects: listed bucket "${location.bucket}" with prefix "${locationPrefix(location.key)}" at ${endpointText}` +
        ` (${seen} "${location.key || '(everything)'}"). Check the URI; keys are matched as raw text (not URL-encoded), and names starting with '.' or '_' are skipped.`,
    );
  }
  return withFormats(node, listed.map((o) => ({
    key: o.key,
    uri: `s3://${location.bucket}/${o.key}`,
    size: o.size,
    ...(o.etag !== undefined ? { etag: o.etag } : {}),
  })), options);
}

/** Each object with its format and compression; one whose format cannot be told throws, or goes to `onUnknownFormat`. */
function withFormats(node: SourceNode, listed: readonly Omit<SourceObject, 'format' | 'compression'>[], options: ListOptions): SourceObject[] {
  const objects: SourceObject[] = [];
  for (const object of listed) {
    const detected = detectFormat(object.key, node.format, node.compression);
    if (detected) {
      objects.push({ ...object, ...detected });
      continue;
    }
    const error =
      `Cannot tell the format of "${object.key}" from its name (known extensions: ${KNOWN_EXTENSIONS_TEXT}). ` +
      `Narrow the glob so it matches only data files, or, when every object it matches is of one format, pass it: ${node.scheme}('${node.uri}', { format: 'jsonl' }) ` +
      "(Kinesis Data Firehose names its objects without an extension; 'jsonl' reads its records with or without newlines between them).";
    if (!options.onUnknownFormat) throw new SourceError('SOURCE_UNKNOWN_FORMAT', error);
    options.onUnknownFormat({ ...object, error });
  }
  return objects;
}

function locationPrefix(key: string): string {
  return splitGlob(key).literal;
}
