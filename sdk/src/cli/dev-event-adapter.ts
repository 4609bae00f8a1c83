/**
 * Turns s3rver's S3 events into the form real S3 sends, so `sluice dev` and the tests feed
 * the handler exactly what production does. s3rver differs from S3 in three ways (DESIGN §5):
 * it says eventVersion 2.0 (S3: 2.1 and later), its keys are raw (S3 form-URL-encodes them:
 * `+` for space, `%XX` for other bytes), and it reports a completed multipart upload as
 * `ObjectCreated:Post` (S3: `ObjectCreated:CompleteMultipartUpload`). Also builds the SQS and
 * EventBridge envelopes around an S3 record.
 */

/** One S3 notification record (the parts sluice reads, plus the usual envelope). */
export interface S3NotificationRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

export interface S3Notification {
  Records: S3NotificationRecord[];
}

/**
 * AWS's encoding of keys in S3 notifications: form-URL-encoding of the UTF-8 key, `+` for a
 * space, `/` kept.
 *
 * @example
 * ```ts
 * encodeS3EventKey('dt=2024-01-01/red flower+1%.jsonl') // 'dt%3D2024-01-01/red+flower%2B1%25.jsonl'
 * ```
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * Converts one s3rver event (`{ Records: [...] }`) into AWS's form.
 *
 * @example
 * ```ts
 * s3rver.on('event', (e) => deliver(adaptS3rverEvent(e)));
 * ```
 */
export function adaptS3rverEvent(event: unknown): S3Notification {
  const records = ((event as { Records?: unknown[] }).Records ?? []) as Record<string, any>[];
  return {
    Records: records.map((r) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: r.awsRegion ?? 'us-east-1',
      eventTime: r.eventTime,
      eventName: r.eventName === 'ObjectCreated:Post' ? 'ObjectCreated:CompleteMultipartUpload' : r.eventName,
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: r.s3?.configurationId ?? 'sluice-dev',
        bucket: { name: r.s3.bucket.name, arn: `arn:aws:s3:::${r.s3.bucket.name}` },
        object: {
          key: encodeS3EventKey(r.s3.object.key),
          ...(typeof r.s3.object.size === 'number' ? { size: r.s3.object.size } : {}),
          ...(r.s3.object.eTag ? { eTag: String(r.s3.object.eTag).replace(/^"|"$/g, '') } : {}),
          sequencer: String(r.s3.object.sequencer ?? '0'),
        },
      },
    })),
  };
}

/**
 * An S3 "object created" notification in AWS's form, built from scratch.
 *
 * @example
 * ```ts
 * s3CreatedEvent({ bucket: 'landing', key: 'in/a b.jsonl', etag: 'abc', size: 10 })
 * ```
 */
export function s3CreatedEvent(object: { bucket: string; key: string; etag?: string; size?: number; versionId?: string; time?: string; eventName?: string; sequencer?: string }): S3Notification {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: object.time ?? '2024-01-01T00:00:00.000Z',
        eventName: object.eventName ?? 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'sluice',
          bucket: { name: object.bucket, arn: `arn:aws:s3:::${object.bucket}` },
          object: {
            key: encodeS3EventKey(object.key),
            ...(object.size !== undefined ? { size: object.size } : {}),
            ...(object.etag ? { eTag: object.etag } : {}),
            ...(object.versionId ? { versionId: object.versionId } : {}),
            sequencer: object.sequencer ?? '0',
          },
        },
      },
    ],
  };
}

/**
 * An S3 "object removed" notification in AWS's form: `ObjectRemoved:Delete` (with a `versionId`
 * in a versioned bucket: that version is permanently deleted), or `ObjectRemoved:DeleteMarkerCreated`.
 *
 * @example
 * ```ts
 * s3RemovedEvent({ bucket: 'landing', key: 'in/a.jsonl', sequencer: '0062E99A88DC407462' })
 * ```
 */
export function s3RemovedEvent(object: { bucket: string; key: string; sequencer: string; versionId?: string; deleteMarker?: boolean }): S3Notification {
  const [record] = s3CreatedEvent({ ...object, eventName: object.deleteMarker ? 'ObjectRemoved:DeleteMarkerCreated' : 'ObjectRemoved:Delete' }).Records;
  return { Records: [record!] };
}

/** What S3 sends once when a notification is configured. */
export const S3_TEST_EVENT = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2024-01-01T00:00:00.000Z',
  Bucket: 'landing',
  RequestId: 'TEST',
  HostId: 'TEST',
} as const;

/**
 * An SQS batch whose message bodies are the given events (objects are JSON-encoded, strings
 * passed as is — to build poison messages).
 *
 * @example
 * ```ts
 * sqsBatch([s3CreatedEvent(a), 'not json'], ['m1', 'm2'])
 * ```
 */
export function sqsBatch(bodies: readonly unknown[], messageIds?: readonly string[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: messageIds?.[i] ?? `message-${i}`,
      receiptHandle: `receipt-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'sluice', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:landing-events',
      awsRegion: 'us-east-1',
    })),
  };
}

/**
 * The EventBridge "Object Created" event for one object (raw key, kebab-case fields).
 *
 * @example
 * ```ts
 * eventBridgeCreated({ bucket: 'landing', key: 'in/a b.jsonl', etag: 'abc', size: 10 })
 * ```
 */
export function eventBridgeCreated(object: { bucket: string; key: string; etag?: string; size?: number; versionId?: string; time?: string }) {
  return {
    version: '0',
    id: `sluice-${object.bucket}-${object.key}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: object.time ?? '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: {
        key: object.key,
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.etag ? { etag: object.etag } : {}),
        ...(object.versionId ? { 'version-id': object.versionId } : {}),
        sequencer: '0',
      },
      'request-id': 'SLUICE',
      requester: '000000000000',
      reason: 'PutObject',
    },
  };
}
