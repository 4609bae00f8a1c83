/**
 * The S3 and Glue side of an Athena training set: labels staged as Parquet with a temporary
 * Glue table over them, UNLOAD results read back (every page of the listing), and everything
 * under the run's temporary prefix removed afterwards.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { RetrievalJob } from '../../retrieval/training-set-types.js';
import { parseS3Uri } from '../../sources/s3-client.js';
import { FLOORED_TIMESTAMP_PARSERS } from '../../retrieval/parquet-timestamp-parsers.js';

/**
 * Label keys as Parquet: `(_sluice_row, _sluice_entity, _sluice_ts_ms, _sluice_lo_ms, _sluice_chunk)`.
 *
 * @example
 * ```ts
 * const bytes = await labelKeysParquet(job); // a Parquet file, one row per label row of each chunk
 * // e.g. (0, 'u1', 1704448800000, 1703844000000, 0): label 0 of chunk 0 at 2024-01-05T10:00:00Z, with a 7-day ttl
 * ```
 */
export async function labelKeysParquet(job: RetrievalJob): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const row: bigint[] = [];
  const entity: string[] = [];
  const ts: bigint[] = [];
  const lo: (bigint | null)[] = [];
  const chunk: number[] = [];
  for (const c of job.chunks) {
    for (const i of c.rows) {
      const t = job.keys.tsMs[i]!;
      row.push(BigInt(i));
      entity.push(job.keys.entity[i]!);
      ts.push(BigInt(t));
      lo.push(job.ttlMs === null ? null : BigInt(t - job.ttlMs));
      chunk.push(c.index);
    }
  }
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: '_sluice_row', data: row, type: 'INT64', nullable: false },
        { name: '_sluice_entity', data: entity, type: 'STRING', nullable: false },
        { name: '_sluice_ts_ms', data: ts, type: 'INT64', nullable: false },
        { name: '_sluice_lo_ms', data: lo, type: 'INT64' },
        { name: '_sluice_chunk', data: chunk, type: 'INT32', nullable: false },
      ],
    }),
  );
}

/**
 * Writes one object at an `s3://` URI.
 *
 * @example
 * ```ts
 * await putObject(s3, 's3://athena-results/sluice-tmp/run1/labels/part-0.parquet', await labelKeysParquet(job)); // resolves once S3 has the object
 * ```
 */
export async function putObject(s3: S3Client, uri: string, body: Uint8Array): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { bucket, key } = parseS3Uri(uri);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/**
 * A temporary external table over the staged labels (Glue API: no DDL text to escape).
 *
 * @example
 * ```ts
 * await createLabelsTable(glue, 'sluice_tmp', 'sluice_labels_run1', 's3://athena-results/sluice-tmp/run1/labels/');
 * // Athena can now read the staged label keys as sluice_tmp.sluice_labels_run1
 * ```
 */
export async function createLabelsTable(glue: GlueClient, database: string, table: string, location: string): Promise<void> {
  const { CreateTableCommand } = await import('@aws-sdk/client-glue');
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: table,
        Description: 'sluice training-set labels (temporary; dropped when the query ends)',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'parquet', EXTERNAL: 'TRUE' },
        StorageDescriptor: {
          Location: location,
          Columns: [
            { Name: '_sluice_row', Type: 'bigint' },
            { Name: '_sluice_entity', Type: 'string' },
            { Name: '_sluice_ts_ms', Type: 'bigint' },
            { Name: '_sluice_lo_ms', Type: 'bigint' },
            { Name: '_sluice_chunk', Type: 'int' },
          ],
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    }),
  );
}

/**
 * Drops the temporary labels table (the staged files go with the run's prefix, see `deletePrefix`).
 *
 * @example
 * ```ts
 * await dropLabelsTable(glue, 'sluice_tmp', 'sluice_labels_run1'); // resolves once Glue has deleted the table
 * ```
 */
export async function dropLabelsTable(glue: GlueClient, database: string, table: string): Promise<void> {
  const { DeleteTableCommand } = await import('@aws-sdk/client-glue');
  await glue.send(new DeleteTableCommand({ DatabaseName: database, Name: table }));
}

/**
 * Every object under a prefix, following continuation tokens.
 *
 * @example
 * ```ts
 * await listObjects(s3, 's3://athena-results/sluice-tmp/run1/result-0/')
 * // [{ uri: 's3://athena-results/sluice-tmp/run1/result-0/…', size: 48213 }, …] (every page, not only the first 1,000)
 * ```
 */
export async function listObjects(s3: S3Client, prefixUri: string): Promise<{ uri: string; size: number }[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { bucket, key } = parseS3Uri(prefixUri);
  const out: { uri: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) out.push({ uri: `s3://${bucket}/${o.Key}`, size: Number(o.Size ?? 0) });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * Reads the UNLOAD output (Parquet files) as row objects.
 *
 * @example
 * ```ts
 * const { rows, bytes } = await readUnloadedRows(s3, 's3://athena-results/sluice-tmp/run1/result-0/');
 * // rows: [{ _sluice_row: 0n, engagement__clicks_7d: 12n, … }, …]; bytes: the size of the files read
 * ```
 */
export async function readUnloadedRows(s3: S3Client, prefixUri: string): Promise<{ rows: Record<string, unknown>[]; bytes: number }> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { parquetReadObjects } = await import('hyparquet');
  const rows: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const object of await listObjects(s3, prefixUri)) {
    const { bucket, key } = parseS3Uri(object.uri);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
    bytes += body.byteLength;
    if (body.byteLength === 0) continue;
    const buffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    for (const row of await parquetReadObjects({ file: buffer, parsers: FLOORED_TIMESTAMP_PARSERS })) rows.push(row as Record<string, unknown>);
  }
  return { rows, bytes };
}

/**
 * Deletes every object under a prefix (1,000 per DeleteObjects call).
 *
 * @example
 * ```ts
 * await deletePrefix(s3, 's3://athena-results/sluice-tmp/run1/') // 5 (the number of objects deleted)
 * ```
 */
export async function deletePrefix(s3: S3Client, prefixUri: string): Promise<number> {
  const { DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const objects = await listObjects(s3, prefixUri);
  const { bucket } = parseS3Uri(prefixUri);
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000).map((o) => ({ Key: parseS3Uri(o.uri).key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
  }
  return objects.length;
}
