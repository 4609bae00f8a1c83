/**
 * `sluice dev` end to end: objects put into s3rver's landing bucket (a plain put with a key
 * needing encoding, and a multipart upload) reach the bundled handler as AWS-form events, land
 * in the zones with manifests (JSON lines and Parquet), and the aggregate stage writes feature partitions locally —
 * from the current version of each key only (an overwrite replaces, a delete removes).
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDev, type DevSession } from '../../../sdk/src/cli/dev-command.js';
import { PIPELINE } from './fixtures/landing-objects.js';
import { manifestsByKey } from './zone-inspection.js';

let dev: DevSession;
let dir: string;
let s3: S3Client;
const lines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-dev-'));
  dev = await startDev({ pipelineModule: resolve('test/integration/runtime/fixtures/events-pipeline.mjs'), dir, s3Port: 0, dynamoPort: 0, aggregateEveryMs: 0, log: (l) => lines.push(l) });
  s3 = new S3Client({ endpoint: dev.s3Endpoint, forcePathStyle: true, region: 'us-east-1', requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await dev?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const row = (i: number, type = 'click') => JSON.stringify({ event_id: `d${i}`, user_id: `u${i % 3}`, event_type: type, amount: i, ts: new Date(Date.UTC(2024, 2, 1, i)).toISOString() });

it('delivers puts and multipart uploads to the bundled handler and aggregates the validated zone', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/a b+c=é.jsonl', Body: [row(1), row(2), row(3, 'nope')].join('\n') }));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'landing', Key: 'events/multi part.jsonl' }));
  // Parts other than the last must be at least 5 MiB in S3; s3rver does not check, so keep it small.
  const part = await s3.send(new UploadPartCommand({ Bucket: 'landing', Key: 'events/multi part.jsonl', UploadId, PartNumber: 1, Body: [row(4), row(5)].join('\n') + '\n' }));
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'landing', Key: 'events/multi part.jsonl', UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();

  const manifests = await manifestsByKey(s3, 'validated', PIPELINE);
  expect(manifests.get('events/a b+c=é.jsonl')?.rows).toEqual({ in: 3, valid: 2, quarantined: 1 });
  expect(manifests.get('events/multi part.jsonl')?.rows).toEqual({ in: 2, valid: 2, quarantined: 0 });
  expect(lines.some((l) => l.includes('processed') && l.includes('a b+c=é.jsonl'))).toBe(true);

  await dev.aggregateNow();
  const summary = lines.find((l) => l.includes('aggregate'));
  expect(summary).toMatch(/feature row/);
  const files = await readdir(join(dir, 'features'), { recursive: true });
  expect(files.some((f) => String(f).endsWith('.parquet'))).toBe(true);
}, 120_000);

it('an overwritten object counts with its new content only, and a deleted one not at all', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/a b+c=é.jsonl', Body: [row(6), row(7)].join('\n') }));
  await s3.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/multi part.jsonl' }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  expect(lines.some((l) => l.includes('removed') && l.includes('multi part.jsonl'))).toBe(true);

  lines.length = 0;
  await dev.aggregateNow();
  expect(lines.find((l) => l.includes('aggregate'))).toMatch(/ 1 validated file\(s\)/);
  // Every event falls in exactly one 1-day window: the spend features add up to the current events' amounts (6 + 7).
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT sum(spend_1d) AS spend FROM read_parquet('${join(dir, 'features').replace(/'/g, "''")}/**/*.parquet')`);
    expect(Number(reader.getRowObjectsJS()[0]!.spend)).toBe(13);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}, 120_000);

const partitions = async (): Promise<string[]> =>
  (await readdir(join(dir, 'features', 'entity=user', 'feature_group=engagement')).catch(() => [] as string[])).filter((n) => n.startsWith('dt=')).sort();

it('an unreadable object is logged with why, as quarantined whole', async () => {
  const { gzipSync } = await import('node:zlib');
  lines.length = 0;
  await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/zipped.jsonl', Body: gzipSync(row(8)) }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  const line = lines.find((l) => l.includes('zipped.jsonl'))!;
  expect(line).toMatch(/unreadable\s+s3:\/\/landing\/events\/zipped\.jsonl\s+quarantined whole: \S/);
  await s3.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/zipped.jsonl' }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
}, 120_000);

it('a Parquet object is read too (typed columns; a row zod rejects is quarantined)', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  lines.length = 0;
  const body = new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'event_id', type: 'STRING', data: ['p1', 'p2', 'p3'] },
      { name: 'user_id', type: 'STRING', data: ['u1', 'u2', 'u1'] },
      { name: 'event_type', type: 'STRING', data: ['click', 'view', 'nope'] },
      { name: 'amount', type: 'DOUBLE', data: [1.5, null, 2] },
      { name: 'ts', type: 'TIMESTAMP', data: [1, 2, 3].map((h) => new Date(Date.UTC(2024, 2, 2, h))) },
    ],
  }));
  await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/typed rows.parquet', Body: body }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  const manifests = await manifestsByKey(s3, 'validated', PIPELINE);
  expect(manifests.get('events/typed rows.parquet')).toMatchObject({ status: 'processed', rows: { in: 3, valid: 2, quarantined: 1 } });
  expect(lines.some((l) => l.includes('processed') && l.includes('typed rows.parquet'))).toBe(true);
  await s3.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/typed rows.parquet' }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
}, 120_000);

it('a key the source does not select is logged once, by the session (not again as the handler\'s WARN)', async () => {
  const printed: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (writes[i] as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  lines.length = 0;
  try {
    await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'other/notes.txt', Body: 'hello' }));
    await new Promise((r) => setTimeout(r, 200));
    await dev.idle();
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
  }
  expect(lines.filter((l) => l.includes('other/notes.txt')).map((l) => l.trim().split(/\s+/)[0])).toEqual(['skipped']);
  expect(printed.filter((p) => p.includes('object skipped'))).toEqual([]);
}, 120_000);

it('deleting the object with the latest events removes the partitions only it fed; deleting every object empties the group', async () => {
  await dev.aggregateNow();
  const before = await partitions();
  expect(before.length).toBeGreaterThan(0);
  await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/late.jsonl', Body: JSON.stringify({ event_id: 'late', user_id: 'u1', event_type: 'click', amount: 5, ts: '2024-04-10T12:00:00Z' }) }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  await dev.aggregateNow();
  expect(await partitions()).toEqual([...before, 'dt=2024-04-11', 'dt=2024-04-12']);

  await s3.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/late.jsonl' }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  await dev.aggregateNow();
  expect(await partitions()).toEqual(before);

  lines.length = 0;
  await s3.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/a b+c=é.jsonl' }));
  await new Promise((r) => setTimeout(r, 200));
  await dev.idle();
  await dev.aggregateNow();
  expect(await partitions()).toEqual([]);
  expect(lines.find((l) => l.includes('aggregate'))).toContain(`removed ${before.length} partition(s) of user/engagement`);
}, 120_000);

it('a second session beside it (another pipeline) has a bundle of its own, and each aggregates its own plan', async () => {
  const otherDir = join(dir, 'other');
  const other = await startDev({ pipelineModule: resolve('test/integration/runtime/fixtures/other-pipeline.mjs'), dir: otherDir, s3Port: 0, dynamoPort: 0, aggregateEveryMs: 0, log: () => {} });
  try {
    expect(other.bundle.file).not.toBe(dev.bundle.file);
    expect(other.bundle.pipeline).toBe('runtime-other');
    await s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'events/again.jsonl', Body: row(9) }));
    await new Promise((r) => setTimeout(r, 200));
    await dev.idle();
    lines.length = 0;
    await dev.aggregateNow();
    expect(lines.find((l) => l.includes('aggregate'))).toMatch(/feature row/);
    expect(await readdir(join(dir, 'features', 'entity=user'))).toEqual(['feature_group=engagement']);
  } finally {
    await other.stop();
  }
}, 120_000);

it('a port already in use is a sentence naming it and the flag that moves it, not a crash', async () => {
  const { createServer } = await import('node:net');
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  const port = (holder.address() as { port: number }).port;
  try {
    for (const [options, flag] of [[{ s3Port: port, dynamoPort: 0 }, '--s3-port'], [{ s3Port: 0, dynamoPort: port }, '--dynamo-port']] as const) {
      const start = startDev({ pipelineModule: resolve('test/integration/runtime/fixtures/events-pipeline.mjs'), dir: join(dir, `busy-${flag}`), aggregateEveryMs: 0, log: () => {}, ...options });
      await expect(start).rejects.toMatchObject({ code: 'PORT_IN_USE' });
      await expect(start).rejects.toThrow(`Port ${port} on 127.0.0.1`);
      await expect(start).rejects.toThrow(`${flag} <port>, or ${flag} 0 for any free one`);
    }
  } finally {
    holder.close();
  }
});
