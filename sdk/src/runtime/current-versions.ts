/**
 * Which version of each landing key is current, so that the aggregate stage reads that one
 * version's rows and nothing else — as a local run reads a file's current content.
 *
 * Why: every output key of the event stage derives from (bucket, key, version or ETag, plan
 * hash), so a key overwritten with new content gets a second object id, and both versions'
 * rows stay in the validated zone. Without this index the Glue job would aggregate both; and
 * a deleted object's rows would count forever.
 *
 * How: for each landing key, one folder of small markers, one per event S3 reported for it:
 *
 *   _current/<pipeline>/<keyId>/<order>-<versionTag>.json   { objectId } or { removed: true }
 *
 * `order` is the event's `sequencer`, which S3 defines for exactly this ("the event with the
 * greater sequencer value occurred later", comparable only for the same key) and normalized so
 * that names sort in that order. The greatest name in the folder is the key's current state:
 * a finished object (read its object id's files only) or a removal (read none). Markers are
 * written whatever order the events arrive in, and each write is idempotent, so redeliveries
 * and races between deliveries need no coordination: the order lives in the names.
 *
 * A permanently deleted version (versioned buckets) takes its own markers away, so the key's
 * previous marker decides again, as S3 makes the previous version current again. A key with
 * no marker at all (objects finished before this index existed, or events that carried no
 * sequencer) keeps the old rule: every finished object is read.
 */
import { createHash } from 'node:crypto';

/** One marker's content. */
export interface CurrentVersionMarker {
  readonly bucket: string;
  readonly key: string;
  /** The event's sequencer as S3 sent it. */
  readonly sequencer: string;
  /** versionId, else the ETag; for a removal in an unversioned bucket, absent. */
  readonly version?: string;
  /** The finished object whose files hold this version's rows. */
  readonly objectId?: string;
  /** The key was deleted (or hidden by a delete marker) by this event. */
  readonly removed?: true;
}

/**
 * Sequencers are hex strings of varying length; S3's documentation says to right-pad the
 * shorter with zeros before comparing lexicographically. Padding every one to this width makes
 * the file names themselves sort in event order. (Observed sequencers have 16–18 digits.)
 */
const ORDER_WIDTH = 64;

/**
 * The sortable form of a sequencer, or undefined when it is not one (absent, not hex, longer
 * than any S3 sends): no marker is written for such an event.
 *
 * @example
 * ```ts
 * sequencerOrder('0055AED6DCD90281E5') // '0055AED6DCD90281E5' + 46 zeros
 * sequencerOrder('abc')                // 'ABC' + 61 zeros
 * ```
 */
export function sequencerOrder(sequencer: string | undefined): string | undefined {
  if (sequencer === undefined || !/^[0-9A-Fa-f]{1,64}$/.test(sequencer)) return undefined;
  return sequencer.toUpperCase().padEnd(ORDER_WIDTH, '0');
}

const shortHash = (parts: readonly string[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);

/**
 * The folder id of one landing key (recorded in each object's manifest as `object.keyId`).
 *
 * @example
 * ```ts
 * keyIdOf('landing', 'events/2024-01-01.jsonl') // 20 hex characters
 * ```
 */
export function keyIdOf(bucket: string, key: string): string {
  return shortHash([bucket, key]);
}

/**
 * The prefix (in the validated bucket) of one pipeline's index; `keyId` narrows it to one key.
 *
 * @example
 * ```ts
 * currentVersionsPrefix('engagement')                         // '_current/engagement/'
 * currentVersionsPrefix('engagement', '9c2e41f0a7b35d8e6f14') // '_current/engagement/9c2e41f0a7b35d8e6f14/'
 * ```
 */
export function currentVersionsPrefix(pipeline: string, keyId?: string): string {
  return `_current/${pipeline}/${keyId === undefined ? '' : `${keyId}/`}`;
}

/** Identifies the version an event is about within its key: its versionId, the ETag, or the removal itself. */
function versionTag(bucket: string, key: string, version: string): string {
  return shortHash([bucket, key, version]);
}

/**
 * The marker key for one event.
 *
 * @example
 * ```ts
 * markerKey('events', { bucket: 'landing', key: 'a.jsonl', sequencer: '0A1B', version: 'etag1', objectId: 'f00' })
 * // '_current/events/<keyId>/0A1B000…-<tag>.json'
 * ```
 */
export function markerKey(pipeline: string, marker: CurrentVersionMarker): string | undefined {
  const order = sequencerOrder(marker.sequencer);
  if (order === undefined) return undefined;
  // An unversioned removal has no version of its own: the event (its sequencer) is its identity.
  const tag = versionTag(marker.bucket, marker.key, marker.version ?? `removed@${marker.sequencer}`);
  return `${currentVersionsPrefix(pipeline, keyIdOf(marker.bucket, marker.key))}${order}-${tag}.json`;
}

/**
 * True when `name` (a marker file name) belongs to the version `version` of the key.
 *
 * @example
 * ```ts
 * if (markerIsOfVersion(name, 'landing', 'a.jsonl', versionId)) await store.delete(bucket, prefix + name);
 * ```
 */
export function markerIsOfVersion(name: string, bucket: string, key: string, version: string): boolean {
  return name.endsWith(`-${versionTag(bucket, key, version)}.json`);
}

/**
 * The key's current state from its marker file names and a reader of their content: the
 * greatest name decides. Undefined when the key has no marker (the old rule applies).
 *
 * @example
 * ```ts
 * const current = await currentMarker(names, (name) => store.getJson(bucket, prefix + name));
 * if (current?.removed) skipKey();
 * ```
 */
export async function currentMarker(
  names: readonly string[],
  read: (name: string) => Promise<CurrentVersionMarker | undefined>,
): Promise<CurrentVersionMarker | undefined> {
  const sorted = names.filter((n) => n.endsWith('.json')).sort();
  // From the newest down: a marker that cannot be read (deleted since the listing) yields to the next.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const marker = await read(sorted[i]!);
    if (marker) return marker;
  }
  return undefined;
}

/**
 * Whether a finished object's rows are current: its key has no markers, or the newest marker
 * names this object. Objects finished before manifests carried a key id are always current.
 *
 * @example
 * ```ts
 * const read = isCurrentObject(manifest.objectId, manifest.object.keyId, await lookup(manifest.object.keyId));
 * ```
 */
export function isCurrentObject(objectId: string, keyId: string | undefined, current: CurrentVersionMarker | undefined): boolean {
  if (keyId === undefined || current === undefined) return true;
  return current.removed !== true && current.objectId === objectId;
}
