import { ListObjectsCommand, ListObjectsV2Command, S3Client, type ListObjectsCommandInput, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { listSourceObjects, s3 } from '../../../sdk/src/sources/index.js';

/** A fake bucket that pages like S3: sorted keys, `MaxKeys` 1000 unless asked, opaque tokens. */
function fakeBucket(keys: string[], options: { pageSize?: number; withoutTokens?: boolean } = {}) {
  const sorted = [...keys].sort();
  const calls: ListObjectsV2CommandInput[] = [];
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  mockClient(client)
    .on(ListObjectsV2Command)
    .callsFake((input: ListObjectsV2CommandInput) => {
      calls.push(input);
      const after = input.ContinuationToken !== undefined ? Buffer.from(input.ContinuationToken, 'base64').toString() : input.StartAfter;
      const matching = sorted.filter((k) => k.startsWith(input.Prefix ?? '') && (after === undefined || k > after));
      const page = matching.slice(0, options.pageSize ?? input.MaxKeys ?? 1000);
      const truncated = page.length < matching.length;
      const last = page.at(-1);
      return {
        Contents: page.map((Key) => ({ Key, Size: Key.length, ETag: `"etag-${Key.length}"` })),
        IsTruncated: truncated,
        ...(truncated && !options.withoutTokens ? { NextContinuationToken: Buffer.from(last!).toString('base64') } : {}),
      };
    });
  return { client, calls };
}

describe('listSourceObjects over S3 (mocked client)', () => {
  test('follows continuation tokens across pages and lists every key once, sorted', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `events/dt=2024-01-${String((i % 28) + 1).padStart(2, '0')}/part-${i}.jsonl`);
    const { client, calls } = fakeBucket([...keys, 'other/x.jsonl']);
    const objects = await listSourceObjects(s3('s3://landing/events/').node, { s3Client: client });
    expect(objects.map((o) => o.key)).toEqual([...keys].sort());
    expect(calls.length).toBe(3);
    expect(calls.every((c) => c.Bucket === 'landing' && c.Prefix === 'events/')).toBe(true);
    expect(objects[0]).toEqual({
      key: objects[0]!.key,
      uri: `s3://landing/${objects[0]!.key}`,
      size: objects[0]!.key.length,
      etag: `etag-${objects[0]!.key.length}`,
      format: 'jsonl',
      compression: 'none',
    });
  });

  test('continues after the last key when a truncated page carries no token', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `e/${String(i).padStart(3, '0')}.csv`);
    const { client, calls } = fakeBucket(keys, { pageSize: 10, withoutTokens: true });
    const objects = await listSourceObjects(s3('s3://landing/e/').node, { s3Client: client });
    expect(objects.map((o) => o.key)).toEqual(keys);
    expect(calls.map((c) => c.StartAfter)).toEqual([undefined, 'e/009.csv', 'e/019.csv']);
  });

  test('a glob after the prefix lists the literal prefix and filters keys', async () => {
    const { client, calls } = fakeBucket([
      'events/dt=2024-01-01/a.jsonl',
      'events/dt=2024-01-01/b.csv',
      'events/dt=2024-01-02/sub/c.jsonl',
      'events/dt=2024-02-01/d.jsonl',
      'events/dt=2024-01-03/_SUCCESS',
      'events/dt=2024-01-03/',
    ]);
    const objects = await listSourceObjects(s3('s3://landing/events/dt=2024-01-*/**/*.jsonl').node, { s3Client: client });
    expect(objects.map((o) => o.key)).toEqual(['events/dt=2024-01-01/a.jsonl', 'events/dt=2024-01-02/sub/c.jsonl']);
    expect(calls[0]!.Prefix).toBe('events/dt=2024-01-');
  });

  test('a URI without a glob or a trailing slash is one key or a folder, never a sibling prefix', async () => {
    const { client } = fakeBucket(['events', 'events/a.jsonl', 'events-old/b.jsonl', 'eventsx.jsonl']);
    const keys = (await listSourceObjects(s3('s3://landing/events', { format: 'jsonl' }).node, { s3Client: client })).map((o) => o.key);
    expect(keys).toEqual(['events', 'events/a.jsonl']);
  });

  test('folder markers and hidden names are skipped; the whole bucket can be listed', async () => {
    const { client } = fakeBucket(['a.jsonl', 'dir/', 'dir/_SUCCESS', 'dir/.crc', 'dir/b.jsonl', '_tmp/c.jsonl']);
    const keys = (await listSourceObjects(s3('s3://landing').node, { s3Client: client })).map((o) => o.key);
    expect(keys).toEqual(['a.jsonl', 'dir/b.jsonl']);
  });

  test('an empty listing names the bucket, the prefix and the pattern', async () => {
    const { client } = fakeBucket(['events/a.jsonl']);
    const error = await listSourceObjects(s3('s3://landing/events/*.csv').node, { s3Client: client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('SOURCE_EMPTY');
    expect((error as Error).message).toMatch(/bucket "landing" with prefix "events\/".*1 key there, none matching "events\/\*\.csv"/s);
  });

  test('an unknown extension names the key and the format option', async () => {
    const { client } = fakeBucket(['events/a.jsonl', 'events/readme.md']);
    const error = await listSourceObjects(s3('s3://landing/events/').node, { s3Client: client }).catch((e: unknown) => e);
    expect((error as SourceError).code).toBe('SOURCE_UNKNOWN_FORMAT');
    expect((error as Error).message).toContain('"events/readme.md"');
    expect((error as Error).message).toContain("s3('s3://landing/events/', { format: 'jsonl' })");
  });

  test('a server whose ListObjectsV2 fails with a server error is listed with v1 marker paging', async () => {
    const keys = Array.from({ length: 23 }, (_, i) => `e/${String(i).padStart(2, '0')}.jsonl`);
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const markers: (string | undefined)[] = [];
    const mock = mockClient(client);
    // What s3rver does on OpenSSL 3: it cannot build a continuation token and answers 500.
    mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError', $fault: 'server' }));
    mock.on(ListObjectsCommand).callsFake((input: ListObjectsCommandInput) => {
      markers.push(input.Marker);
      const rest = keys.filter((k) => input.Marker === undefined || k > input.Marker);
      return { Contents: rest.slice(0, 10).map((Key) => ({ Key, Size: 1 })), IsTruncated: rest.length > 10 };
    });
    const first = await listSourceObjects(s3('s3://landing/e/').node, { s3Client: client });
    expect(first.map((o) => o.key)).toEqual(keys);
    expect(markers).toEqual([undefined, 'e/09.jsonl', 'e/19.jsonl']);
    // The client is remembered: the next listing does not try v2 again.
    await listSourceObjects(s3('s3://landing/e/').node, { s3Client: client });
    expect(mock.commandCalls(ListObjectsV2Command).length).toBe(1);
  });

  test('a token repeated by a broken server stops the listing with an error', async () => {
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    mockClient(client).on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'e/a.jsonl', Size: 1 }], IsTruncated: true, NextContinuationToken: 'same' });
    await expect(listSourceObjects(s3('s3://landing/e/').node, { s3Client: client })).rejects.toThrow(/same continuation token twice/);
  });

  test('S3 errors become SourceErrors that say what to check', async () => {
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(client);
    mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));
    const missing = await listSourceObjects(s3('s3://nope/e/').node, { s3Client: client }).catch((e: unknown) => e);
    expect((missing as SourceError).code).toBe('SOURCE_NOT_FOUND');
    expect((missing as Error).message).toContain('the bucket "nope" does not exist');
    mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const denied = await listSourceObjects(s3('s3://nope/e/').node, { s3Client: client }).catch((e: unknown) => e);
    expect((denied as SourceError).code).toBe('SOURCE_ACCESS_DENIED');
    expect((denied as Error).message).toContain('s3:ListBucket');
  });
});
