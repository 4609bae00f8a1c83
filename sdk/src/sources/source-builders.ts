import { PlanError } from '../errors.js';
import { deepFreeze } from '../plan/canonical-json.js';
import type { Compression, SourceFormat, SourceNode } from '../plan/source-node.js';
import { localPathSpelling } from '../plan/local-path-spelling.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';
import { GlobSyntaxError, globToRegExp } from './glob-matcher.js';
import type { Source } from './source-object.js';

const FORMATS: readonly SourceFormat[] = ['jsonl', 'csv', 'parquet'];
const COMPRESSIONS: readonly Compression[] = ['auto', 'none', 'gzip'];

/** Options shared by `file()` and `s3()`. */
export interface SourceOptions {
  /** Default: decided per object from its extension (`.jsonl .ndjson .json .csv .tsv .parquet`, each optionally `.gz`). */
  readonly format?: SourceFormat;
  /** Default `'auto'`: gzip when the key ends in `.gz`. */
  readonly compression?: Compression;
  /**
   * CSV only. Default: a header row, and `,` as delimiter (a tab for `.tsv` objects). Once
   * `csv` names any option the delimiter is fixed for every object: pass `delimiter: '\t'`
   * with `header: false` for headerless TSV.
   */
  readonly csv?: { readonly delimiter?: string; readonly header?: boolean };
}

/** Options of `s3()`: the shared ones plus where S3 is. Credentials come from the usual AWS chain, never from the plan. */
export interface S3SourceOptions extends SourceOptions {
  /** A custom endpoint (s3rver, MinIO, LocalStack), e.g. `http://127.0.0.1:4568`. Implies path-style addressing. */
  readonly endpoint?: string;
  /** Default: `AWS_REGION`, else `us-east-1`. */
  readonly region?: string;
}

/**
 * A source of local files matched by a glob (relative to the working directory, or absolute).
 * A path without glob characters names one file, or every file under a folder.
 * Globs: `*`, `?`, `**`, `{a,b}`, `[a-z]`; `\` escapes. Files and folders whose name starts
 * with `.` or `_` (`.DS_Store`, `_SUCCESS`, `_temporary/`) are skipped unless the pattern names
 * them explicitly, segment by segment: `data/_raw/*.csv` reads `_raw/`, and `/home/me/.cache/d8/*`
 * reads the files in `.cache/d8/` but still skips `.DS_Store` and `_SUCCESS` there.
 * Promoted, the folder the glob starts in keeps its name at the root of the stack's landing
 * bucket: `file('data/events/*.jsonl')` reads `events/<name>.jsonl` there, and skips other keys.
 *
 * @example
 * ```ts
 * pipeline('user-engagement').from(file('data/events/*.jsonl'))
 * file('data/**\/*.csv.gz', { csv: { delimiter: ';' } })
 * file('exports/events.txt', { format: 'jsonl' })
 * ```
 */
export function file(glob: string, options: SourceOptions = {}): Source {
  if (typeof glob !== 'string' || glob.trim() === '') {
    throw new PlanError('SOURCE_BAD_GLOB', 'source.uri', `file() needs a path or glob, e.g. file('data/events/*.jsonl'); got ${describe(glob)}.`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(glob) && !/^[a-z]:[\\/]/i.test(glob)) {
    const hint = glob.toLowerCase().startsWith('s3') ? ` Use s3('${glob}') for S3 objects.` : '';
    throw new PlanError('SOURCE_BAD_GLOB', 'source.uri', `file() takes a local path or glob, not the URL "${glob}".${hint}`);
  }
  rejectUnknownKeys(options, ['format', 'compression', 'csv'], 'file()', 'source', 'SOURCE_BAD_OPTION');
  checkGlob(glob, 'file()');
  // One spelling per path: file('./data/*.jsonl') and file('data/*.jsonl') are one plan, one hash.
  return { node: deepFreeze(buildNode('file', localPathSpelling(glob), options, {})) };
}

/**
 * A source of S3 objects: `s3://bucket/prefix` (every object under the prefix) or a glob after
 * the bucket (`s3://bucket/events/dt=*\/*.jsonl.gz`). Keys are matched as their raw text, as S3
 * stores them (not URL-encoded). Hidden names (`.` or `_` first) below the prefix are skipped
 * as `file()` skips them. Listing follows pagination; objects are read with
 * `@aws-sdk/client-s3` using the usual credential chain. Promoted, the stack's landing bucket
 * takes this bucket's place: the same keys are read there, and other keys are skipped.
 *
 * @example
 * ```ts
 * pipeline('user-engagement').from(s3('s3://landing/events/', { format: 'jsonl' }))
 * s3('s3://landing/events/**\/*.csv', { endpoint: 'http://127.0.0.1:4568', region: 'us-east-1' })
 * ```
 */
export function s3(uri: string, options: S3SourceOptions = {}): Source {
  if (typeof uri !== 'string' || !uri.startsWith('s3://')) {
    const hint = typeof uri === 'string' && /^s3[an]?:\/\//i.test(uri) ? ` Write it as "s3://${uri.replace(/^s3[an]?:\/\//i, '')}".` : '';
    throw new PlanError(
      'SOURCE_BAD_URI',
      'source.uri',
      `s3() needs a URI that starts with s3://, e.g. s3('s3://my-bucket/events/'); got ${describe(uri)}.${hint} For local files use file(...).`,
    );
  }
  const rest = uri.slice('s3://'.length);
  const bucket = rest.split('/')[0]!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new PlanError(
      'SOURCE_BAD_URI',
      'source.uri',
      `"${bucket}" in ${uri} is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens; the bucket cannot contain a glob).`,
    );
  }
  rejectUnknownKeys(options, ['format', 'compression', 'csv', 'endpoint', 'region'], 's3()', 'source', 'SOURCE_BAD_OPTION');
  checkGlob(rest.slice(bucket.length + 1), 's3()');
  const extra: { endpoint?: string; region?: string } = {};
  if (options.endpoint !== undefined) extra.endpoint = checkEndpoint(options.endpoint);
  if (options.region !== undefined) {
    if (typeof options.region !== 'string' || !/^[a-z0-9-]+$/.test(options.region)) {
      throw new PlanError('SOURCE_BAD_OPTION', 'source.region', `region must be an AWS region name such as 'us-east-1'; got ${describe(options.region)}.`);
    }
    extra.region = options.region;
  }
  return { node: deepFreeze(buildNode('s3', uri, options, extra)) };
}

function buildNode(
  scheme: 'file' | 's3',
  uri: string,
  options: SourceOptions,
  extra: { endpoint?: string; region?: string },
): SourceNode {
  const format = options.format;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new PlanError(
      'SOURCE_UNKNOWN_FORMAT',
      'source.format',
      `Unknown format ${describe(format)}. Use one of ${FORMATS.map((f) => `'${f}'`).join(', ')}, or leave format out to decide per object from its extension.`,
    );
  }
  const compression = options.compression ?? 'auto';
  if (!COMPRESSIONS.includes(compression)) {
    throw new PlanError(
      'SOURCE_UNKNOWN_COMPRESSION',
      'source.compression',
      `Unknown compression ${describe(compression)}. Use 'auto' (gzip when the name ends in .gz), 'gzip' or 'none'.`,
    );
  }
  const node: { -readonly [K in keyof SourceNode]: SourceNode[K] } = { kind: 'source', scheme, uri, compression };
  if (format !== undefined) node.format = format;
  const csv = options.csv === undefined ? undefined : checkCsv(options.csv, format);
  if (csv !== undefined) node.csv = csv;
  if (extra.endpoint !== undefined) node.endpoint = extra.endpoint;
  if (extra.region !== undefined) node.region = extra.region;
  return node;
}

function checkCsv(csv: NonNullable<SourceOptions['csv']>, format: SourceFormat | undefined): SourceNode['csv'] {
  if (format !== undefined && format !== 'csv') {
    throw new PlanError('SOURCE_BAD_CSV_OPTION', 'source.csv', `csv options only apply to CSV, but format is '${format}'. Remove csv, or set format: 'csv'.`);
  }
  if (csv === null || typeof csv !== 'object') {
    throw new PlanError('SOURCE_BAD_CSV_OPTION', 'source.csv', `csv must be an object such as { delimiter: ';', header: true }; got ${describe(csv)}.`);
  }
  rejectUnknownKeys(csv, ['delimiter', 'header'], 'csv options', 'source.csv', 'SOURCE_BAD_OPTION');
  const delimiter = csv.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new PlanError(
      'SOURCE_BAD_CSV_OPTION',
      'source.csv.delimiter',
      `csv.delimiter must be one character other than a quote or a line break (e.g. ',', ';', '\\t'); got ${describe(delimiter)}.`,
    );
  }
  const header = csv.header ?? true;
  if (typeof header !== 'boolean') {
    throw new PlanError('SOURCE_BAD_CSV_OPTION', 'source.csv.header', `csv.header must be true or false; got ${describe(header)}.`);
  }
  // Left out entirely, the delimiter stays per-object (a tab for `.tsv`). Once any csv option
  // is given the node must carry both, so the delimiter becomes explicit (',' by default).
  if (csv.delimiter === undefined && csv.header === undefined) return undefined;
  return { delimiter, header };
}

function checkGlob(pattern: string, fn: string): void {
  try {
    globToRegExp(pattern);
  } catch (error) {
    if (!(error instanceof GlobSyntaxError)) throw error;
    throw new PlanError('SOURCE_BAD_GLOB', 'source.uri', `The glob in ${fn} is malformed: ${error.message} in "${pattern}". Escape a literal character with \\.`, {
      cause: error,
    });
  }
}

function checkEndpoint(endpoint: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PlanError(
      'SOURCE_BAD_OPTION',
      'source.endpoint',
      `endpoint must be an http(s) URL such as 'http://127.0.0.1:4568'; got ${describe(endpoint)}.`,
    );
  }
  return (endpoint as string).replace(/\/+$/, '');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : String(JSON.stringify(value) ?? value);
}
