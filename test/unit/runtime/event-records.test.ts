import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3Key, parseS3Event } from '../../../sdk/src/runtime/event-records.js';
import { adaptS3rverEvent, encodeS3EventKey, eventBridgeCreated, s3CreatedEvent, s3RemovedEvent, sqsBatch, S3_TEST_EVENT } from '../../helpers/s3-events.js';

describe('decodeS3Key', () => {
  it('decodes the examples from the S3 documentation and the tricky characters', () => {
    expect(decodeS3Key('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeS3Key('a%2Bb')).toBe('a+b');
    expect(decodeS3Key('100%25+done')).toBe('100% done');
    expect(decodeS3Key('dt%3D2024-01-01/x.jsonl')).toBe('dt=2024-01-01/x.jsonl');
    expect(decodeS3Key('caf%C3%A9/%E6%97%A5%E6%9C%AC.csv')).toBe('café/日本.csv');
    expect(decodeS3Key('test%2F10%3A47%3A07.log')).toBe('test/10:47:07.log');
  });

  it('inverts AWS form encoding for any key', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => decodeS3Key(encodeS3EventKey(key)) === key));
  });

  it('rejects malformed percent escapes with a clear error', () => {
    expect(() => decodeS3Key('bad%zz')).toThrow(/not valid URL encoding/);
  });
});

describe('parseS3Event', () => {
  const object = { bucket: 'landing', key: 'in/a b+c%=é.jsonl', etag: 'abc', size: 10 };

  it('reads a direct S3 notification, decoding the key', () => {
    const parsed = parseS3Event(s3CreatedEvent(object));
    expect(parsed.shape).toBe('s3');
    expect(parsed.items).toEqual([{ objects: [{ bucket: 'landing', keys: ['in/a b+c%=é.jsonl'], etag: 'abc', size: 10, eventTime: '2024-01-01T00:00:00.000Z', sequencer: '0' }] }]);
  });

  it('matches eventVersion by its major number only', () => {
    const event = s3CreatedEvent(object);
    event.Records[0]!.eventVersion = '2.5';
    expect(parseS3Event(event).items[0]!.objects).toHaveLength(1);
    event.Records[0]!.eventVersion = '3.0';
    expect(() => parseS3Event(event)).toThrow(/not 2\.x/);
  });

  it('skips the test event, events about anything but objects created or removed, and lifecycle expirations', () => {
    expect(parseS3Event(S3_TEST_EVENT).items).toEqual([{ objects: [], skipped: 's3:TestEvent' }]);
    for (const eventName of ['ObjectRestore:Completed', 'LifecycleExpiration:Delete', 'ObjectTagging:Put']) {
      expect(parseS3Event(s3CreatedEvent({ ...object, eventName })).items[0], eventName).toEqual({ objects: [], skipped: eventName });
    }
  });

  it('reads removals: a delete (unversioned), a delete marker, and a version permanently deleted', () => {
    const removal = (event: unknown) => parseS3Event(event).items[0]!.objects[0]!;
    expect(removal(s3RemovedEvent({ bucket: 'landing', key: 'in/a b.jsonl', sequencer: '0062E99A88DC407462' }))).toEqual({
      bucket: 'landing', keys: ['in/a b.jsonl'], eventTime: '2024-01-01T00:00:00.000Z', sequencer: '0062E99A88DC407462', removal: 'deleted',
    });
    expect(removal(s3RemovedEvent({ bucket: 'landing', key: 'a.jsonl', sequencer: '0A', versionId: 'dm1', deleteMarker: true }))).toMatchObject({ removal: 'delete-marker', versionId: 'dm1' });
    expect(removal(s3RemovedEvent({ bucket: 'landing', key: 'a.jsonl', sequencer: '0B', versionId: 'v1' }))).toMatchObject({ removal: 'version-deleted', versionId: 'v1' });
    // A versioning-suspended bucket names its null version "null": that is no version id.
    expect(removal(s3RemovedEvent({ bucket: 'landing', key: 'a.jsonl', sequencer: '0C', versionId: 'null' }))).toMatchObject({ removal: 'deleted' });
    const eventBridge = (deletionType: string, versionId?: string) => ({
      'detail-type': 'Object Deleted',
      source: 'aws.s3',
      time: '2024-01-01T00:00:00Z',
      detail: { bucket: { name: 'landing' }, object: { key: 'a.jsonl', sequencer: '0D', ...(versionId ? { 'version-id': versionId } : {}) }, 'deletion-type': deletionType },
    });
    expect(removal(eventBridge('Permanently Deleted'))).toMatchObject({ keys: ['a.jsonl'], sequencer: '0D', removal: 'deleted' });
    expect(removal(eventBridge('Permanently Deleted', 'v2'))).toMatchObject({ removal: 'version-deleted', versionId: 'v2' });
    expect(removal(eventBridge('Delete Marker Created', 'dm2'))).toMatchObject({ removal: 'delete-marker', versionId: 'dm2' });
  });

  it('reads SQS batches: one item per message, poison messages reported as errors', () => {
    const parsed = parseS3Event(sqsBatch([s3CreatedEvent(object), S3_TEST_EVENT, 'not json', { hello: 1 }], ['m1', 'm2', 'm3', 'm4']));
    expect(parsed.shape).toBe('sqs');
    expect(parsed.items.map((i) => [i.itemIdentifier, i.objects.length, i.skipped ?? i.error ?? 'ok'])).toEqual([
      ['m1', 1, 'ok'],
      ['m2', 0, 's3:TestEvent'],
      ['m3', 0, 'SQS message body is not JSON'],
      ['m4', 0, 'SQS message body is not an S3 notification'],
    ]);
    const badVersion = s3CreatedEvent(object);
    badVersion.Records[0]!.eventVersion = '1.0';
    expect(parseS3Event(sqsBatch([badVersion])).items[0]!.error).toMatch(/not 2\.x/);
  });

  it('reads EventBridge events (kebab-case version-id), raw key first then its decoded form', () => {
    const parsed = parseS3Event(eventBridgeCreated({ ...object, versionId: 'v1' }));
    expect(parsed.shape).toBe('eventbridge');
    expect(parsed.items[0]!.objects[0]).toMatchObject({ bucket: 'landing', keys: ['in/a b+c%=é.jsonl'], versionId: 'v1', etag: 'abc' });
    const plus = parseS3Event(eventBridgeCreated({ bucket: 'b', key: 'a+b.jsonl' }));
    expect(plus.items[0]!.objects[0]!.keys).toEqual(['a+b.jsonl', 'a b.jsonl']);
    // EventBridge inside SQS (EventBridge → SQS → Lambda).
    expect(parseS3Event(sqsBatch([eventBridgeCreated(object)], ['m'])).items[0]).toMatchObject({ itemIdentifier: 'm', objects: [{ bucket: 'landing' }] });
  });

  it('rejects an event that is none of the three shapes', () => {
    expect(() => parseS3Event({ hello: 'world' })).toThrow(/neither an S3 notification/);
  });
});

describe('adaptS3rverEvent', () => {
  it('turns s3rver events into AWS form: 2.1, encoded keys, multipart as CompleteMultipartUpload', () => {
    const s3rverEvent = {
      Records: [
        {
          eventVersion: '2.0',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: '2024-01-01T00:00:00.000Z',
          eventName: 'ObjectCreated:Post',
          s3: { configurationId: 'x', bucket: { name: 'landing' }, object: { key: 'in/a b+c.jsonl', size: 3, eTag: 'abc', sequencer: '1' } },
        },
      ],
    };
    const adapted = adaptS3rverEvent(s3rverEvent);
    expect(adapted.Records[0]).toMatchObject({ eventVersion: '2.1', eventName: 'ObjectCreated:CompleteMultipartUpload', s3: { object: { key: 'in/a+b%2Bc.jsonl', eTag: 'abc' } } });
    expect(parseS3Event(adapted).items[0]!.objects[0]!.keys).toEqual(['in/a b+c.jsonl']);
  });
});
