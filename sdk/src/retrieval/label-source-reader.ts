/**
 * Reads a labels source (`file()` / `s3()`) into plain objects: Parquet through hyparquet
 * (typed: INT64 stays bigint, timestamps become Dates), JSON records (label-json-reader.ts), and CSV with numbers
 * recognised where that loses nothing. Labels are small next to feature history, so reading
 * them whole is fine. Labels are the ground truth of a training set and are never quarantined:
 * text that cannot be read exactly (not UTF-8, a malformed line) fails the read with
 * `LABELS_UNREADABLE`, naming the file, the line and the fix.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { SourceNode } from '../plan/source-node.js';
import { csvDelimiterFor } from '../sources/format-detection.js';
import { readLabelCsv } from './label-csv-reader.js';
import { readLabelJson } from './label-json-reader.js';
import { decodeLabelText } from './label-text-decoding.js';
import { textAsWritten } from '../format/arrow-exact-text.js';
import { FLOORED_TIMESTAMP_PARSERS } from './parquet-timestamp-parsers.js';

/**
 * @example
 * ```ts
 * const { columns, rows } = await readLabelSource(file('data/labels.csv').node, undefined, ['entity_id']);
 * ```
 * @param textColumns CSV columns kept exactly as written (the entity id: the store keys by its text,
 *   so `1.0` must not become `1`).
 */
export async function readLabelSource(node: SourceNode, s3Client?: unknown, textColumns: readonly string[] = []): Promise<LabelRows> {
  const { listSourceObjects } = await import('../sources/object-listing.js');
  const objects = await listSourceObjects(node, s3Client ? { s3Client: s3Client as never } : {});
  const rows: Record<string, unknown>[] = [];
  const columns = new Set<string>();
  for (const object of objects) {
    let bytes = await readBytes(node, object.uri, s3Client);
    if (object.compression === 'gzip') bytes = gunzipSync(bytes);
    if (object.format === 'parquet') {
      const { parquetMetadata, parquetRead, parquetSchema } = await import('hyparquet');
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const metadata = parquetMetadata(buffer);
      const names = parquetSchema(metadata).children.map((child) => child.element.name);
      for (const name of names) columns.add(name);
      // Rows as arrays, made into objects here: hyparquet's own objects assign each column by
      // name, which for a column called '__proto__' sets the prototype and loses the values.
      await parquetRead({
        file: buffer,
        metadata,
        columns: names,
        // Text as written: hyparquet's default decoder drops a leading U+FEFF, right for a file's
        // first bytes, wrong for a value (`\uFEFFu1` is another id than `u1`).
        parsers: { ...FLOORED_TIMESTAMP_PARSERS, stringFromBytes: textAsWritten },
        onComplete: (data: unknown[][]) => {
          for (const values of data) rows.push(Object.fromEntries(names.map((name, j) => [name, values[j]])));
        },
      });
    } else if (object.format === 'jsonl') {
      rows.push(...readLabelJson(decodeLabelText(bytes, object.uri), object.uri));
    } else {
      // The delimiter and header as the sources take them: a tab for `.tsv` unless configured.
      const csv = readLabelCsv(decodeLabelText(bytes, object.uri), {
        uri: object.uri,
        delimiter: csvDelimiterFor(object.key, node.csv?.delimiter),
        header: node.csv?.header ?? true,
        textColumns,
      });
      for (const name of csv.columns) columns.add(name);
      rows.push(...csv.rows);
    }
  }
  return { columns: [...columns], rows };
}

/**
 * Label rows as objects, with the column order the source declares (CSV header, Parquet schema;
 * JSON lines declare none, so their keys follow in first-seen order when the table is built).
 */
export interface LabelRows {
  readonly columns: readonly string[];
  readonly rows: Record<string, unknown>[];
}

async function readBytes(node: SourceNode, uri: string, s3Client?: unknown): Promise<Uint8Array> {
  if (!uri.startsWith('s3://')) return readFile(uri);
  const { s3ClientFor, parseS3Uri } = await import('../sources/s3-client.js');
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const client = await s3ClientFor(node, s3Client as never);
  const { bucket, key } = parseS3Uri(uri);
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToByteArray();
}
