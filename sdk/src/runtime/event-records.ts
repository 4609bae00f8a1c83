/**
 * Turns whatever invoked the Lambda into a list of created and removed objects. Three delivery paths
 * reach the event stage, and each spells the same fact differently:
 *
 * - S3 → Lambda directly: `{ Records: [{ eventVersion: '2.x', eventSource: 'aws:s3', s3: { bucket, object } }] }`,
 *   the key form-URL-encoded (`+` for space, `%XX` for other bytes).
 * - S3 → SQS → Lambda: `{ Records: [{ eventSource: 'aws:sqs', messageId, body }] }` where `body` is
 *   the S3 event above as a JSON string (or `s3:TestEvent`, sent once when the notification is set up).
 * - S3 → EventBridge (→ SQS) → Lambda: `{ 'detail-type': 'Object Created', detail: { bucket: { name },
 *   object: { key, etag, 'version-id' } } }`. Observed EventBridge keys are not form-encoded (a key
 *   with `:` arrives as `:`), so the raw key is tried first and the decoded form second.
 */
import { SluiceError } from '../errors.js';

/**
 * What an event removed: `deleted` — the key's object is gone (unversioned bucket);
 * `delete-marker` — a delete marker hides the key (versioned bucket); `version-deleted` — one
 * version (`versionId`) was permanently deleted, and the previous one is current again.
 */
export type Removal = 'deleted' | 'delete-marker' | 'version-deleted';

/** One created (or, with `removal`, removed) S3 object, as the events describe it. */
export interface ObjectRef {
  readonly bucket: string;
  /** Keys to try, in order (first that exists wins). Usually one. */
  readonly keys: readonly string[];
  readonly versionId?: string;
  /** Without quotes. */
  readonly etag?: string;
  readonly size?: number;
  readonly eventTime?: string;
  /** S3's order of the events on this key (hex; runtime/current-versions.ts compares them). */
  readonly sequencer?: string;
  /** Set for removal events: the object is not read, its key's current state changes. */
  readonly removal?: Removal;
}

/** One unit that succeeds or fails as a whole: an SQS message, or the whole direct invocation. */
export interface DeliveryItem {
  /** SQS messageId (for `batchItemFailures`); absent for direct and EventBridge invocations. */
  readonly itemIdentifier?: string;
  /** An SQS message's body as received, to send again when the work must continue in a new message. */
  readonly body?: string;
  readonly objects: readonly ObjectRef[];
  /** Why this item cannot be understood (poison message): it is reported as failed, never dropped. */
  readonly error?: string;
  /** Items that carry nothing to do (`s3:TestEvent`, events about anything but objects created or removed). */
  readonly skipped?: string;
}

export interface ParsedEvent {
  readonly shape: 'sqs' | 's3' | 'eventbridge';
  readonly items: readonly DeliveryItem[];
}

/**
 * Decodes AWS's form-URL-encoding of object keys in S3 notifications: `+` is a space, then
 * `%XX` sequences are UTF-8 bytes. (Decoding `%2B` after replacing `+` keeps a literal plus.)
 *
 * @example
 * ```ts
 * decodeS3Key('dt%3D2024-01-01/red+flower%2B1.jsonl') // 'dt=2024-01-01/red flower+1.jsonl'
 * ```
 */
export function decodeS3Key(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch (cause) {
    throw new SluiceError('BAD_EVENT', `The object key "${encoded}" in the event is not valid URL encoding.`, { cause });
  }
}

/**
 * Parses a Lambda event from any of the three delivery paths into delivery items.
 *
 * @example
 * ```ts
 * const { shape, items } = parseS3Event(event);
 * for (const item of items) for (const object of item.objects) await process(object);
 * ```
 * @throws SluiceError `UNKNOWN_EVENT` when the event is none of the supported shapes.
 */
export function parseS3Event(event: unknown): ParsedEvent {
  if (isObject(event) && Array.isArray(event.Records)) {
    const records = event.Records as unknown[];
    if (records.length > 0 && records.every((r) => isObject(r) && r.eventSource === 'aws:sqs')) {
      return { shape: 'sqs', items: records.map((r) => parseSqsMessage(r as Record<string, unknown>)) };
    }
    return { shape: 's3', items: [itemFromS3Notification(event)] };
  }
  if (isObject(event) && event.Event === 's3:TestEvent') return { shape: 's3', items: [{ objects: [], skipped: 's3:TestEvent' }] };
  if (isObject(event) && 'detail-type' in event) return { shape: 'eventbridge', items: [itemFromEventBridge(event)] };
  throw new SluiceError(
    'UNKNOWN_EVENT',
    'The Lambda was invoked with an event that is neither an S3 notification, an SQS batch of S3 notifications, nor an EventBridge "Object Created" event. Point S3 notifications (directly, through SQS, or through EventBridge) at this function.',
  );
}

function parseSqsMessage(message: Record<string, unknown>): DeliveryItem {
  const itemIdentifier = String(message.messageId ?? '');
  const text = String(message.body ?? '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { itemIdentifier, objects: [], error: 'SQS message body is not JSON' };
  }
  try {
    if (isObject(body) && body.Event === 's3:TestEvent') return { itemIdentifier, objects: [], skipped: 's3:TestEvent' };
    if (isObject(body) && 'detail-type' in body) return { ...itemFromEventBridge(body), itemIdentifier, body: text };
    if (isObject(body) && Array.isArray(body.Records)) return { ...itemFromS3Notification(body), itemIdentifier, body: text };
    return { itemIdentifier, objects: [], error: 'SQS message body is not an S3 notification' };
  } catch (error) {
    return { itemIdentifier, objects: [], error: (error as Error).message };
  }
}

function itemFromS3Notification(event: Record<string, unknown>): DeliveryItem {
  const objects: ObjectRef[] = [];
  const skipped: string[] = [];
  for (const record of event.Records as unknown[]) {
    if (!isObject(record) || !isObject(record.s3)) throw new SluiceError('BAD_EVENT', 'An S3 notification record has no "s3" member.');
    const version = String(record.eventVersion ?? '');
    // AWS promises compatible changes within a major version (2.1, 2.2, ... 2.5 all exist).
    if (version.split('.')[0] !== '2') {
      throw new SluiceError('BAD_EVENT', `S3 notification eventVersion "${version}" is not 2.x; this runtime understands 2.x only.`);
    }
    const name = String(record.eventName ?? '');
    // A lifecycle expiration is retention, not a retraction: its rows stay (the promoted stack does not subscribe to it).
    const removed = name.startsWith('ObjectRemoved:');
    if (!name.startsWith('ObjectCreated:') && !removed) {
      skipped.push(name);
      continue;
    }
    const s3 = record.s3 as Record<string, any>;
    const bucket = String(s3.bucket?.name ?? '');
    const rawKey = s3.object?.key;
    if (!bucket || typeof rawKey !== 'string') throw new SluiceError('BAD_EVENT', 'An S3 notification record lacks bucket.name or object.key.');
    const versionId = versionIdOf(s3.object.versionId);
    objects.push(
      compact({
        bucket,
        keys: [decodeS3Key(rawKey)],
        versionId,
        etag: stripQuotes(s3.object.eTag),
        size: typeof s3.object.size === 'number' ? s3.object.size : undefined,
        eventTime: typeof record.eventTime === 'string' ? record.eventTime : undefined,
        sequencer: typeof s3.object.sequencer === 'string' ? s3.object.sequencer : undefined,
        removal: removed ? removalOf(name.endsWith('DeleteMarkerCreated'), versionId) : undefined,
      }),
    );
  }
  return objects.length === 0 && skipped.length > 0 ? { objects, skipped: skipped.join(', ') } : { objects };
}

function itemFromEventBridge(event: Record<string, unknown>): DeliveryItem {
  const type = event['detail-type'];
  if (type !== 'Object Created' && type !== 'Object Deleted') return { objects: [], skipped: String(type) };
  const detail = event.detail as Record<string, any> | undefined;
  const bucket = detail?.bucket?.name;
  const key = detail?.object?.key;
  if (typeof bucket !== 'string' || typeof key !== 'string') {
    throw new SluiceError('BAD_EVENT', `An EventBridge "${type}" event lacks detail.bucket.name or detail.object.key.`);
  }
  let decoded: string | undefined;
  try {
    decoded = decodeS3Key(key);
  } catch {
    decoded = undefined;
  }
  const keys = decoded !== undefined && decoded !== key ? [key, decoded] : [key];
  const versionId = versionIdOf(detail!.object['version-id']);
  return {
    objects: [
      compact({
        bucket,
        keys,
        versionId,
        etag: stripQuotes(detail!.object.etag),
        size: typeof detail!.object.size === 'number' ? detail!.object.size : undefined,
        eventTime: typeof event.time === 'string' ? event.time : undefined,
        sequencer: typeof detail!.object.sequencer === 'string' ? detail!.object.sequencer : undefined,
        removal: type === 'Object Deleted' ? removalOf(detail!['deletion-type'] === 'Delete Marker Created', versionId) : undefined,
      }),
    ],
  };
}

/** A version id, or undefined for none: unversioned (and versioning-suspended) buckets report "null". */
function versionIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'null' ? value : undefined;
}

/**
 * What a removal did: a delete marker hides the key; a delete naming a version removed that
 * version only (versioned bucket); a delete without one removed the object (unversioned).
 */
function removalOf(deleteMarker: boolean, versionId: string | undefined): Removal {
  if (deleteMarker) return 'delete-marker';
  return versionId === undefined ? 'deleted' : 'version-deleted';
}

function stripQuotes(etag: unknown): string | undefined {
  return typeof etag === 'string' && etag !== '' ? etag.replace(/^"|"$/g, '') : undefined;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
