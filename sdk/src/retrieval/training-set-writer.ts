/**
 * Writes a training set as Parquet (hyparquet-writer, pure JS) or CSV (RFC 4180, timestamps
 * as ISO-8601 UTC), to a local path or an `s3://` URI.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Table, Vector } from 'apache-arrow';
import { PlanError } from '../errors.js';
import { valuesAsWritten } from '../format/arrow-exact-text.js';

export type TrainingSetFormat = 'parquet' | 'csv';

export interface WriteTarget {
  readonly format?: TrainingSetFormat;
  /** For s3:// targets: a client (else one is built from endpoint/region). */
  readonly s3Client?: unknown;
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * @example
 * ```ts
 * await writeTable(table, './out/train.parquet', { format: 'parquet' });
 * ```
 */
export async function writeTable(table: Table, uri: string, target: WriteTarget = {}): Promise<{ uri: string; rows: number; bytes: number }> {
  const format = target.format ?? formatOfName(uri);
  if (format !== 'parquet' && format !== 'csv') {
    throw new PlanError('INVALID_FORMAT', 'write.format', `Cannot write a training set as ${JSON.stringify(format)}: use { format: 'parquet' } or { format: 'csv' }.`);
  }
  const arrow = await import('apache-arrow');
  // Text as stored (a leading U+FEFF kept: apache-arrow's get() drops it), anything else through get().
  const valuesOf = (vector: Vector): unknown[] => valuesAsWritten(arrow, vector);
  const bytes = format === 'csv' ? new TextEncoder().encode(toCsv(table, valuesOf)) : await toParquet(table, valuesOf);
  if (uri.startsWith('s3://')) {
    const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const client = (target.s3Client as InstanceType<typeof S3Client> | undefined) ??
      new S3Client({ ...(target.region ? { region: target.region } : {}), ...(target.endpoint ? { endpoint: target.endpoint, forcePathStyle: true } : {}) });
    const rest = uri.slice(5);
    const slash = rest.indexOf('/');
    await client.send(new PutObjectCommand({ Bucket: rest.slice(0, slash), Key: rest.slice(slash + 1), Body: bytes }));
  } else {
    await mkdir(dirname(uri), { recursive: true });
    await writeFile(uri, bytes);
  }
  return { uri, rows: table.numRows, bytes: bytes.byteLength };
}

async function toParquet(table: Table, valuesOf: (vector: Vector) => unknown[]): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  // Columns by position, not name: two label columns may share one.
  const columnData = table.schema.fields.map((field, j) => {
    const vector = table.getChildAt(j)!;
    const typeName = String(field.type);
    const values = valuesOf(vector);
    if (typeName === 'Int64') return { name: field.name, data: values as (bigint | null)[], type: 'INT64' as const };
    // Narrower integers (a label table's Int8 class, Uint16 count) widen to the Parquet type that
    // holds every value; Uint64 may not fit INT64 and stays text below.
    if (['Int8', 'Int16', 'Int32', 'Uint8', 'Uint16'].includes(typeName)) return { name: field.name, data: values as (number | null)[], type: 'INT32' as const };
    if (typeName === 'Uint32') return { name: field.name, data: values.map((v) => (v === null ? null : BigInt(v as number))), type: 'INT64' as const };
    if (typeName.startsWith('Float')) return { name: field.name, data: values as (number | null)[], type: 'DOUBLE' as const };
    if (typeName === 'Bool') return { name: field.name, data: values as (boolean | null)[], type: 'BOOLEAN' as const };
    if (typeName.startsWith('Timestamp') || typeName.startsWith('Date')) {
      return { name: field.name, data: values.map((v) => (v === null ? null : new Date(Number(v)))), type: 'TIMESTAMP' as const };
    }
    return { name: field.name, data: values.map((v) => (v === null ? null : typeof v === 'string' ? v : String(v))), type: 'STRING' as const };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData: columnData as never }));
}

function toCsv(table: Table, valuesOf: (vector: Vector) => unknown[]): string {
  const fields = table.schema.fields;
  const columns = fields.map((_, j) => valuesOf(table.getChildAt(j)!));
  const isTime = fields.map((f) => String(f.type).startsWith('Timestamp') || String(f.type).startsWith('Date'));
  const lines = [fields.map((f) => csvCell(f.name)).join(',')];
  for (let i = 0; i < table.numRows; i++) {
    lines.push(columns.map((values, j) => {
      const value = values[i];
      if (value === null || value === undefined) return '';
      if (isTime[j]) return new Date(Number(value)).toISOString();
      return csvCell(String(value));
    }).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The format a file name asks for: `.csv` or `.parquet` (also gzip-less `.pq`); any other
 * extension is refused rather than filled with Parquet bytes under a misleading name.
 */
function formatOfName(uri: string): TrainingSetFormat {
  const name = uri.replace(/[?#].*$/, '').split('/').pop() ?? '';
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.(parquet|pq)$/i.test(name) || !/\.[A-Za-z0-9]+$/.test(name)) return 'parquet';
  throw new PlanError('INVALID_FORMAT', 'write.format', `Cannot tell a training-set format from "${name}": name the file .parquet or .csv, or pass { format: 'parquet' } / --format parquet (or csv).`);
}
