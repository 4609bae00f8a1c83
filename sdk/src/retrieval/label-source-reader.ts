/**
 * Reads a labels source (`file()` / `s3()`) into plain objects: Parquet through hyparquet
 * (typed: INT64 stays bigint, timestamps become Dates), JSON lines, and CSV with numbers
 * recognised where that loses nothing. Labels are small next to feature history, so reading
 * them whole is fine.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { SourceError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
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
        parsers: FLOORED_TIMESTAMP_PARSERS,
        onComplete: (data: unknown[][]) => {
          for (const values of data) rows.push(Object.fromEntries(names.map((name, j) => [name, values[j]])));
        },
      });
    } else if (object.format === 'jsonl') {
      const text = new TextDecoder().decode(bytes);
      text.split(/\r?\n/).forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          rows.push(JSON.parse(line) as Record<string, unknown>);
        } catch (error) {
          throw new SourceError('LABELS_UNREADABLE', `Line ${i + 1} of the labels object ${object.uri} is not JSON. Labels must be clean: fix or drop that line.`, { cause: error });
        }
      });
    } else {
      const csv = parseCsv(new TextDecoder().decode(bytes), node.csv?.delimiter ?? ',', textColumns);
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

/**
 * RFC 4180 CSV with a header row. A cell that is a plain decimal number becomes a number, unless
 * its column is in `textColumns` or it is an integer a double cannot hold exactly (an id like
 * 12345678901234567891 stays text rather than silently becoming ...7000).
 *
 * @example
 * ```ts
 * parseCsv('entity_id,y\n1.0,2\n', ',', ['entity_id']) // { columns: ['entity_id', 'y'], rows: [{ entity_id: '1.0', y: 2 }] }
 * ```
 */
export function parseCsv(text: string, delimiter: string, textColumns: readonly string[] = []): LabelRows {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"', i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) (record.push(field), (field = ''));
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) (record.push(field), records.push(record));
  const [header, ...body] = records;
  if (!header) return { columns: [], rows: [] };
  const keep = new Set(textColumns);
  const rows = body.map((cells) =>
    Object.fromEntries(header.map((name, j) => {
      const cell = cells[j];
      if (cell === undefined || cell === '') return [name, null];
      return [name, keep.has(name) ? cell : csvNumber(cell) ?? cell];
    })),
  );
  return { columns: header, rows };
}

function csvNumber(cell: string): number | undefined {
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(cell)) return undefined;
  const n = Number(cell);
  // A decimal fraction is a measurement, read to the nearest double as any CSV reader does; an
  // integer past 2^53 is almost always an identifier, and rounding it would change which row it names.
  return /^-?\d+$/.test(cell) && !Number.isSafeInteger(n) ? undefined : n;
}
