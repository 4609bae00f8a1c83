import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { fetchToLocalFile, listSourceObjects, readObject, s3, sampleObjects, type SourceObject } from '../../../sdk/src/sources/index.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

let server: S3rverHandle;

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic, poorly compressible JSON lines. */
function lines(count: number): string[] {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
  return Array.from({ length: count }, (_, i) => JSON.stringify({ i, pad: Array.from({ length: 6 }, () => next().toString(36)).join('') }));
}

const parquetBytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [1, 2], type: 'INT32' }] }));
const bigLines = lines(20_000);
const bigGzip = gzipSync(bigLines.join('\n'));
const bigCorrupt = Buffer.from(bigGzip).fill(0x55, Math.floor(bigGzip.length * 0.8));

// The objects in the bucket, by key, with the records each must yield (written out by hand).
const OBJECTS: Record<string, { body: Uint8Array; records?: { line: number; value: Record<string, unknown> }[] }> = {
  'events/dt=2024-01-01/a b+c%d é.jsonl': {
    body: Buffer.from('{"user":"ann","n":1}\n\n{"user":"bé","n":2}\n'),
    records: [
      { line: 1, value: { user: 'ann', n: 1 } },
      { line: 3, value: { user: 'bé', n: 2 } },
    ],
  },
  'events/dt=2024-01-01/plus+only=1.jsonl.gz': {
    body: gzipSync('{"user":"cy","n":3}\n'),
    records: [{ line: 1, value: { user: 'cy', n: 3 } }],
  },
  'events/dt=2024-01-02/x=1&y=2%20z.csv': {
    body: Buffer.from('user,n\r\n"d, jr",4\r\n'),
    records: [{ line: 2, value: { user: 'd, jr', n: '4' } }],
  },
  'events/dt=2024-01-02/日本語 ü.csv.gz': {
    body: gzipSync('user,n\nemi,5\n'),
    records: [{ line: 2, value: { user: 'emi', n: '5' } }],
  },
  'events/dt=2024-01-02/_SUCCESS': { body: new Uint8Array() },
  'tables/t.parquet': { body: parquetBytes },
  'tables/t.parquet.gz': { body: gzipSync(parquetBytes) },
  'big/corrupt-tail.jsonl.gz': { body: bigCorrupt },
  'big/whole.jsonl': { body: Buffer.from(bigLines.join('\n')) },
  // As Kinesis Data Firehose writes them: no extension, records back to back without newlines.
  'firehose/2024/01/01/00/stream-1-2024-01-01-00-00-00-5b6c': { body: Buffer.from('{"user":"fa","n":1}{"user":"fb","n":2}{"user":"fc","n":3}') },
};
const EVENT_KEYS = Object.keys(OBJECTS).filter((k) => k.startsWith('events/') && !k.endsWith('_SUCCESS')).sort();

beforeAll(async () => {
  server = await startS3rver({ buckets: ['landing'] });
  for (const [key, { body }] of Object.entries(OBJECTS)) await server.putObject('landing', key, body);
});
afterAll(() => server?.stop());

const node = (uri: string, options: Parameters<typeof s3>[1] = {}) => s3(uri, { endpoint: server.endpoint, region: server.region, ...options }).node;

describe('s3() against s3rver', () => {
  test('lists a prefix with real client calls: raw keys, sizes, ETags, formats; _SUCCESS skipped', async () => {
    const objects = await listSourceObjects(node('s3://landing/events/'), { s3Client: server.client });
    expect(objects).toEqual(
      EVENT_KEYS.map((key) => ({
        key,
        uri: `s3://landing/${key}`,
        size: OBJECTS[key]!.body.length,
        etag: md5(OBJECTS[key]!.body),
        format: key.includes('.csv') ? 'csv' : 'jsonl',
        compression: key.endsWith('.gz') ? 'gzip' : 'none',
      })),
    );
  });

  test('a glob after the prefix, with special characters in the literal part', async () => {
    const objects = await listSourceObjects(node('s3://landing/events/dt=2024-01-0[12]/*{+,=}*'), { s3Client: server.client });
    expect(objects.map((o) => o.key)).toEqual(['events/dt=2024-01-01/a b+c%d é.jsonl', 'events/dt=2024-01-01/plus+only=1.jsonl.gz', 'events/dt=2024-01-02/x=1&y=2%20z.csv']);
    const exact = await listSourceObjects(node('s3://landing/events/dt=2024-01-02/日本語 ü.csv.gz'), { s3Client: server.client });
    expect(exact.map((o) => o.key)).toEqual(['events/dt=2024-01-02/日本語 ü.csv.gz']);
  });

  test('reads every object: records, true line numbers, and the hash of the stored bytes', async () => {
    const objects = await listSourceObjects(node('s3://landing/events/'), { s3Client: server.client });
    for (const object of objects) {
      const result = await readObject(node('s3://landing/events/'), object, { s3Client: server.client });
      const expected = OBJECTS[object.key]!;
      expect(result).toMatchObject({ ok: true, contentHash: sha256(expected.body), truncatedByLimit: false });
      if (result.ok) expect(result.records.map((r) => ({ line: r.line, value: r.value }))).toEqual(expected.records);
    }
  });

  test('without an injected client, one is built from the endpoint in the plan', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    try {
      const source = node('s3://landing/events/dt=2024-01-01/');
      const objects = await listSourceObjects(source);
      expect(objects.map((o) => o.key)).toEqual(EVENT_KEYS.filter((k) => k.includes('2024-01-01')));
      const result = await readObject(source, objects[0]!);
      expect(result.ok && result.records.map((r) => r.value)).toEqual(OBJECTS[objects[0]!.key]!.records!.map((r) => r.value));
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('Firehose output (no extension, no newlines): refused with the hint to name the format, then read record by record with it', async () => {
    const refusal = await listSourceObjects(node('s3://landing/firehose/'), { s3Client: server.client }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SourceError);
    expect((refusal as Error).message).toContain("pass it: s3('s3://landing/firehose/', { format: 'jsonl' }) (Kinesis Data Firehose names its objects without an extension");
    const source = node('s3://landing/firehose/', { format: 'jsonl' });
    const [object] = await listSourceObjects(source, { s3Client: server.client });
    const result = await readObject(source, object!, { s3Client: server.client });
    if (!result.ok) throw new Error(result.error);
    expect(result.records.map((r) => [r.line, r.value])).toEqual([[1, { user: 'fa', n: 1 }], [1, { user: 'fb', n: 2 }], [1, { user: 'fc', n: 3 }]]);
  });

  test('limit stops early on S3 too: a corrupt tail is never reached', async () => {
    const source = node('s3://landing/big/');
    const [corrupt, whole] = await listSourceObjects(source, { s3Client: server.client });
    expect(corrupt!.key).toBe('big/corrupt-tail.jsonl.gz');
    const limited = await readObject(source, corrupt!, { s3Client: server.client, limit: 50 });
    expect(limited).toMatchObject({ ok: true, truncatedByLimit: true });
    if (limited.ok) expect(limited.records.map((r) => r.raw)).toEqual(bigLines.slice(0, 50));
    expect(await readObject(source, corrupt!, { s3Client: server.client })).toMatchObject({ ok: false, error: expect.stringMatching(/truncated or corrupt/) });

    const few = await readObject(source, whole!, { s3Client: server.client, limit: 3 });
    expect(few.ok && few.contentHash).not.toBe(sha256(OBJECTS['big/whole.jsonl']!.body)); // not every byte was downloaded
    const all = await readObject(source, whole!, { s3Client: server.client });
    expect(all).toMatchObject({ ok: true, truncatedByLimit: false, contentHash: sha256(OBJECTS['big/whole.jsonl']!.body) });
    if (all.ok) expect(all.records.length).toBe(bigLines.length);
  });

  test('a sample reads objects in key order until N rows', async () => {
    const source = node('s3://landing/events/');
    const plan = sampleObjects(await listSourceObjects(source, { s3Client: server.client }), 3);
    const read: [string, number][] = [];
    let rows = 0;
    for (const object of plan.objects) {
      const limit = plan.limitFor(rows);
      if (limit === 0) break;
      const result = await readObject(source, object, { s3Client: server.client, ...(limit === undefined ? {} : { limit }) });
      if (!result.ok) continue;
      rows += result.records.length;
      read.push([object.key, result.records.length]);
    }
    expect(read).toEqual([
      [EVENT_KEYS[0]!, 2],
      [EVENT_KEYS[1]!, 1],
    ]);
  });

  test('parquet objects (plain and gzip) are fetched to local files with the same bytes', async () => {
    const source = node('s3://landing/tables/');
    const objects = await listSourceObjects(source, { s3Client: server.client });
    expect(objects.map((o) => [o.key, o.format, o.compression])).toEqual([
      ['tables/t.parquet', 'parquet', 'none'],
      ['tables/t.parquet.gz', 'parquet', 'gzip'],
    ]);
    for (const object of objects) {
      const path = await fetchToLocalFile(source, object, { s3Client: server.client });
      expect(path.endsWith('t.parquet')).toBe(true);
      expect(Buffer.compare(await readFile(path), Buffer.from(parquetBytes))).toBe(0);
      await rm(dirname(path), { recursive: true });
    }
  });

  test('an object overwritten or deleted after listing fails that object with a clear error', async () => {
    const key = 'late/x.jsonl';
    await server.putObject('landing', key, '{"a":1}\n');
    const source = node('s3://landing/late/');
    const [object] = await listSourceObjects(source, { s3Client: server.client });
    await server.client.send(new DeleteObjectCommand({ Bucket: 'landing', Key: key }));
    const result = await readObject(source, object!, { s3Client: server.client });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('no longer exists') });
  });

  test('an empty prefix and a missing bucket are SourceErrors that say what was searched', async () => {
    const empty = await listSourceObjects(node('s3://landing/nothing-here/'), { s3Client: server.client }).catch((e: unknown) => e);
    expect((empty as SourceError).code).toBe('SOURCE_EMPTY');
    expect((empty as Error).message).toContain('prefix "nothing-here/"');
    expect((empty as Error).message).toContain('no keys there');
    expect((empty as Error).message).toContain(server.endpoint);
    const missing = await listSourceObjects(node('s3://no-such-bucket/x/'), { s3Client: server.client }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SourceError);
    expect((missing as SourceError).code).toBe('SOURCE_NOT_FOUND');
  });

  test('more than 1000 keys under a prefix: every key listed once, across pages', async () => {
    const keys = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(4, '0')} é+%.jsonl`);
    await server.putObjectsDirect('landing', Object.fromEntries(keys.map((k, i) => [k, `{"i":${i}}\n`])));
    const source = node('s3://landing/many/');
    const objects: SourceObject[] = await listSourceObjects(source, { s3Client: server.client });
    expect(objects.map((o) => o.key)).toEqual(keys);
    const last = await readObject(source, objects.at(-1)!, { s3Client: server.client });
    expect(last).toMatchObject({ ok: true, records: [{ line: 1, value: { i: 1049 } }] });
  });

  test('hidden names are decided per segment below the prefix: a hidden folder in the prefix allows nothing below it', async () => {
    for (const key of ['lake/.cache/d8/a.jsonl', 'lake/.cache/d8/_SUCCESS', 'lake/.cache/d8/.DS_Store', 'lake/.cache/d8/sub/b.jsonl', 'lake/.cache/d8/_tmp/c.jsonl']) {
      await server.putObject('landing', key, Buffer.from('{}\n'));
    }
    const keys = async (uri: string) => (await listSourceObjects(node(uri), { s3Client: server.client })).map((o) => o.key);
    expect(await keys('s3://landing/lake/.cache/d8/*')).toEqual(['lake/.cache/d8/a.jsonl']);
    expect(await keys('s3://landing/lake/.cache/d8/')).toEqual(['lake/.cache/d8/a.jsonl', 'lake/.cache/d8/sub/b.jsonl']);
    expect(await keys('s3://landing/lake/.cache/d8/**/*.jsonl')).toEqual(['lake/.cache/d8/a.jsonl', 'lake/.cache/d8/sub/b.jsonl']);
    expect(await keys('s3://landing/lake/.cache/d8/_tmp/*')).toEqual(['lake/.cache/d8/_tmp/c.jsonl']);
  });
});
