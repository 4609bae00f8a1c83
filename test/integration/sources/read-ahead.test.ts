/**
 * Read-ahead fetches the next small S3 objects while one is read, against s3rver with real
 * client calls: the objects come back whole and in order, several GETs are in flight at once
 * (counted by a middleware on the client, not timed), large objects are streamed when asked
 * for, and an object gone after listing fails as it would without read-ahead.
 */
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listSourceObjects, readObject, s3 } from '../../../sdk/src/sources/index.js';
import { fetchAhead, READ_AHEAD_MAX_BYTES, READ_AHEAD_OBJECTS, readAhead } from '../../../sdk/src/sources/read-ahead.js';
import { SourceError } from '../../../sdk/src/errors.js';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

let server: S3rverHandle;
const SMALL = 30;

beforeAll(async () => {
  server = await startS3rver({ buckets: ['firehose'] });
  for (let i = 0; i < SMALL; i++) await server.putObject('firehose', `small/part-${String(i).padStart(3, '0')}.jsonl`, Buffer.from(`{"i":${i},"j":0}\n{"i":${i},"j":1}\n`));
  for (let i = 0; i < 10; i++) await server.putObject('firehose', `parts/part-${i}.jsonl`, Buffer.from(`{"i":${i},"j":0}\n{"i":${i},"j":1}\n`));
  for (let i = 0; i < 3; i++) await server.putObject('firehose', `gone/part-${i}.jsonl`, Buffer.from(`{"i":${i}}\n`));
  await server.putObject('firehose', 'mixed/a-small.jsonl', Buffer.from('{"i":0}\n'));
  await server.putObject('firehose', 'mixed/b-large.jsonl', Buffer.from(`${'{"pad":"'.concat('x'.repeat(1000), '"}\n').repeat(Math.ceil(READ_AHEAD_MAX_BYTES / 1000) + 10)}`));
  await server.putObject('firehose', 'mixed/c-small.jsonl', Buffer.from('{"i":2}\n'));
});
afterAll(async () => server.stop());

/** A client for the server that counts GETs in flight. */
function countingClient(): { client: S3Client; maxInFlight: () => number; gets: string[] } {
  const client = new S3Client(server.clientConfig);
  let inFlight = 0;
  let max = 0;
  const gets: string[] = [];
  client.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName !== 'GetObjectCommand') return next(args);
    gets.push((args.input as { Key: string }).Key);
    max = Math.max(max, ++inFlight);
    try {
      return await next(args);
    } finally {
      inFlight--;
    }
  }, { step: 'initialize' });
  return { client, maxInFlight: () => max, gets };
}

const text = async (stream: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('read-ahead of small S3 objects', () => {
  it('gives every object whole and in key order, with several GETs in flight', async () => {
    const node = s3('s3://firehose/small/', { endpoint: server.endpoint, region: 'us-east-1' }).node;
    const objects = await listSourceObjects(node, { s3Client: server.client });
    const { client, maxInFlight, gets } = countingClient();
    const ahead = readAhead(node, objects, { s3Client: client });
    const read: string[] = [];
    for (const [i, object] of objects.entries()) {
      const result = await readObject(node, object, { s3Client: client, open: () => ahead.open(i) });
      expect(result.ok).toBe(true);
      if (result.ok) read.push(...result.records.map((r) => r.raw));
    }
    expect(read).toEqual(Array.from({ length: SMALL }, (_, i) => [`{"i":${i},"j":0}`, `{"i":${i},"j":1}`]).flat());
    expect(maxInFlight()).toBeGreaterThan(1);
    expect(maxInFlight()).toBeLessThanOrEqual(READ_AHEAD_OBJECTS + 1);
    // Each object fetched once.
    expect(gets.length).toBe(SMALL);
    client.destroy();
  });

  it('streams a large object when it is read, and fetches the small ones around it ahead', async () => {
    const node = s3('s3://firehose/mixed/', { endpoint: server.endpoint, region: 'us-east-1' }).node;
    const objects = await listSourceObjects(node, { s3Client: server.client });
    expect(objects.map((o) => o.key)).toEqual(['mixed/a-small.jsonl', 'mixed/b-large.jsonl', 'mixed/c-small.jsonl']);
    const { client, gets } = countingClient();
    const ahead = readAhead(node, objects, { s3Client: client });
    expect(await text(await ahead.open(0))).toBe('{"i":0}\n');
    // Opening the first fetched the last (small) ahead, not the large one.
    await vi.waitFor(() => expect(gets).toEqual(['mixed/a-small.jsonl', 'mixed/c-small.jsonl']));
    expect((await text(await ahead.open(1))).length).toBeGreaterThan(READ_AHEAD_MAX_BYTES);
    expect(await text(await ahead.open(2))).toBe('{"i":2}\n');
    expect(gets).toEqual(['mixed/a-small.jsonl', 'mixed/c-small.jsonl', 'mixed/b-large.jsonl']);
    client.destroy();
  });

  it('an object deleted after listing fails as it would without read-ahead', async () => {
    const node = s3('s3://firehose/small/', { endpoint: server.endpoint, region: 'us-east-1' }).node;
    const objects = (await listSourceObjects(node, { s3Client: server.client })).slice(0, 3);
    await server.client.send(new DeleteObjectCommand({ Bucket: 'firehose', Key: objects[2]!.key }));
    const ahead = readAhead(node, objects, { s3Client: server.client });
    const results = [];
    for (const [i, object] of objects.entries()) results.push(await readObject(node, object, { s3Client: server.client, open: () => ahead.open(i) }));
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const plain = await readObject(node, objects[2]!, { s3Client: server.client });
    expect(results[2]).toEqual(plain);
    expect(plain.ok ? '' : plain.error).toMatch(/no longer exists/);
  });
});

describe('fetch-ahead of objects read from local copies (Parquet)', () => {
  it('downloads the next objects while one is asked for; each path holds its object; settle() names the unused ones', async () => {
    const node = s3('s3://firehose/parts/', { endpoint: server.endpoint, region: 'us-east-1' }).node;
    const objects = await listSourceObjects(node, { s3Client: server.client });
    const { client, maxInFlight, gets } = countingClient();
    const downloads = fetchAhead(node, objects, 4, { s3Client: client });
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) paths.push(await downloads.fetch(i));
    paths.forEach((path, i) => expect(readFileSync(path, 'utf8')).toBe(`{"i":${i},"j":0}\n{"i":${i},"j":1}\n`));
    expect(maxInFlight()).toBeGreaterThan(1);
    // Objects 5..8 were started ahead and never asked for: settle() waits for them and names them.
    const unused = await downloads.settle();
    expect(unused.map((p) => readFileSync(p, 'utf8'))).toEqual([5, 6, 7, 8].map((i) => `{"i":${i},"j":0}\n{"i":${i},"j":1}\n`));
    expect(gets.length).toBe(9);
    for (const path of [...paths, ...unused]) rmSync(dirname(path), { recursive: true, force: true });
    client.destroy();
  });

  it('an object that cannot be fetched fails when asked for, as fetchToLocalFile does, and leaves no folder', async () => {
    const node = s3('s3://firehose/gone/', { endpoint: server.endpoint, region: 'us-east-1' }).node;
    const objects = await listSourceObjects(node, { s3Client: server.client });
    await server.client.send(new DeleteObjectCommand({ Bucket: 'firehose', Key: objects[1]!.key }));
    const downloads = fetchAhead(node, objects, 4, { s3Client: server.client });
    const first = await downloads.fetch(0);
    const error = await downloads.fetch(1).catch((e: unknown) => e as SourceError);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('SOURCE_OBJECT_UNREADABLE');
    expect((error as SourceError).message).toMatch(/no longer exists/);
    const third = await downloads.fetch(2);
    expect(await downloads.settle()).toEqual([]);
    expect(existsSync(third)).toBe(true);
    for (const path of [first, third]) rmSync(dirname(path), { recursive: true, force: true });
  });
});
