import { DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { startS3rver, type S3rverEvent } from '../../helpers/s3rver.js';

describe('the s3rver test helper', () => {
  test('two servers run side by side on their own ports and folders; stop() frees both', async () => {
    const [a, b] = await Promise.all([startS3rver({ buckets: ['one'] }), startS3rver({ buckets: ['two'] })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.endpoint).toBe(`http://127.0.0.1:${a.port}`);
      const names = async (client: S3Client) => ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((x) => x.Name);
      expect(await names(a.client)).toEqual(['one']);
      expect(await names(b.client)).toEqual(['two']);
      // A client built from the exported config works too (and its open socket does not block stop()).
      const extra = new S3Client({ ...a.clientConfig });
      await a.putObject('one', 'k é+%.txt', 'hello');
      const got = await extra.send(new GetObjectCommand({ Bucket: 'one', Key: 'k é+%.txt' }));
      expect(await got.Body!.transformToString()).toBe('hello');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await expect(access(a.directory)).rejects.toThrow();
    // The port is free again: something else can listen on it.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer().once('error', reject).listen(a.port, '127.0.0.1', () => probe.close(() => resolve()));
    });
    await a.stop(); // idempotent
  });

  test('onEvent reports puts with the raw key', async () => {
    const s3 = await startS3rver({ buckets: ['landing'] });
    try {
      const events: S3rverEvent[] = [];
      const off = s3.onEvent((e) => events.push(e));
      await s3.putObject('landing', 'events/a b+c%d é.jsonl', '{}\n');
      off();
      await s3.putObject('landing', 'events/after.jsonl', '{}\n');
      expect(events.map((e) => [e.Records[0]!.eventName, e.Records[0]!.s3.object.key])).toEqual([['ObjectCreated:Put', 'events/a b+c%d é.jsonl']]);
    } finally {
      await s3.stop();
    }
  });

  test('a put beside a delete that empties the folder lands (s3rver alone would crash on it)', async () => {
    const s3 = await startS3rver({ buckets: ['b'] });
    try {
      for (let round = 0; round < 200; round++) {
        await s3.putObject('b', `gate/${round}/first`, 'x');
        await Promise.all([
          s3.client.send(new DeleteObjectCommand({ Bucket: 'b', Key: `gate/${round}/first` })),
          s3.client.send(new PutObjectCommand({ Bucket: 'b', Key: `gate/${round}/second`, Body: 'y' })),
        ]);
      }
      const listed = await s3.client.send(new ListObjectsCommand({ Bucket: 'b', Prefix: 'gate/' }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      expect(keys).toHaveLength(200);
      expect(keys.every((key) => key.endsWith('/second'))).toBe(true);
      await expect(s3.client.send(new GetObjectCommand({ Bucket: 'b', Key: 'gate/0/first' }))).rejects.toThrow(/does not exist|NoSuchKey/);
    } finally {
      await s3.stop();
    }
  });
});
