import type { SourceFormat } from '../plan/source-node.js';

/** A format and compression as decided for one object (never `'auto'`). */
export interface DetectedFormat {
  readonly format: SourceFormat;
  readonly compression: 'none' | 'gzip';
}

/**
 * The extensions sluice recognises, each optionally followed by `.gz`.
 *
 * @example
 * ```ts
 * FORMAT_EXTENSIONS['.ndjson'] // 'jsonl'
 * Object.keys(FORMAT_EXTENSIONS) // ['.jsonl', '.ndjson', '.json', '.csv', '.tsv', '.parquet']
 * ```
 */
export const FORMAT_EXTENSIONS = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  // `.json` is read by the same parser as JSON Lines, which also reads records back to back,
  // pretty-printed, or as the elements of an array (jsonl-parser.ts).
  '.json': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
} as const satisfies Record<string, SourceFormat>;

/** The extension list as users read it in error messages. */
export const KNOWN_EXTENSIONS_TEXT = `${Object.keys(FORMAT_EXTENSIONS).join(' ')} (each optionally .gz)`;

/**
 * Decides an object's format and compression from the source options, falling back to the
 * key's extension (case-insensitive). Returns `undefined` when the format cannot be told,
 * so the caller can name the key in its error.
 *
 * @example
 * ```ts
 * detectFormat('events/a.jsonl.gz', undefined, 'auto') // { format: 'jsonl', compression: 'gzip' }
 * detectFormat('events/a.txt', 'csv', 'auto')          // { format: 'csv', compression: 'none' }
 * detectFormat('events/a.txt', undefined, 'auto')      // undefined
 * ```
 */
export function detectFormat(
  key: string,
  format: SourceFormat | undefined,
  compression: 'none' | 'gzip' | 'auto',
): DetectedFormat | undefined {
  const lower = baseName(key).toLowerCase();
  const gzipped = lower.endsWith('.gz');
  const resolvedCompression = compression === 'auto' ? (gzipped ? 'gzip' : 'none') : compression;
  if (format) return { format, compression: resolvedCompression };
  const stem = gzipped ? lower.slice(0, -3) : lower;
  const dot = stem.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = stem.slice(dot);
  const detected = (FORMAT_EXTENSIONS as Record<string, SourceFormat>)[ext];
  return detected ? { format: detected, compression: resolvedCompression } : undefined;
}

/**
 * The CSV delimiter to use for an object: the source's own option when given, a tab for
 * `.tsv` / `.tsv.gz` keys, a comma otherwise.
 *
 * @example
 * ```ts
 * csvDelimiterFor('x/a.tsv.gz', undefined) // '\t'
 * csvDelimiterFor('x/a.csv', ';')          // ';'
 * ```
 */
export function csvDelimiterFor(key: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  return /\.tsv(\.gz)?$/i.test(key) ? '\t' : ',';
}

/**
 * The last `/`-separated segment of a key or path.
 *
 * @example
 * ```ts
 * baseName('events/dt=2024-01-01/a.jsonl') // 'a.jsonl'
 * ```
 */
export function baseName(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash === -1 ? key : key.slice(slash + 1);
}
