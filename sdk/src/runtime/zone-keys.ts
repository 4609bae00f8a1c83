/**
 * Every key the event stage writes is a function of (bucket, key, version or ETag, plan
 * hash) and of the data — never of wall-clock time or of the delivery. A duplicate delivery
 * or a retry after a crash therefore writes the same keys with the same bytes, and the
 * zones converge to what one clean delivery leaves.
 *
 * Layout (validated bucket):
 *   validated/<pipeline>/dt=YYYY-MM-DD/<objectId>-<segment>.parquet
 *   _manifests/<pipeline>/<objectId>.json      written LAST: readers trust only objects with one
 *   _checkpoints/<pipeline>/<objectId>.json    progress of an unfinished object
 *   _gate-keys/<pipeline>/<objectId>-<segment>.bin   hashes of the unique keys a checkpointed segment saw first
 *   _current/<pipeline>/<keyId>/<order>-<versionTag>.json   which version of a landing key is current (current-versions.ts)
 *   _dirty/<pipeline>/<YYYY-MM-DD>/<change>.json     dates whose readable rows changed, for the next aggregation (dirty-dates.ts)
 * Layout (quarantine bucket):
 *   quarantine/<pipeline>/dt=YYYY-MM-DD/<objectId>-<segment>.jsonl          rejected rows
 *   quarantine/<pipeline>/dt=YYYY-MM-DD/objects/<objectId>/<file name>      a whole object (unreadable, gate failed)
 *   quarantine/<pipeline>/dt=YYYY-MM-DD/objects/<objectId>.error.json       why
 */
import { createHash } from 'node:crypto';

/** The identity of one object version as the event stage sees it. */
export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  /** versionId when the bucket is versioned, else the ETag (without quotes). */
  readonly version: string;
  readonly planHash: string;
}

/**
 * The object id used in every output key: sha256 of the identity, 20 hex characters.
 *
 * @example
 * ```ts
 * objectIdOf({ bucket: 'landing', key: 'a.jsonl', version: 'etag123', planHash: 'abc' }) // '4f1c...'
 * ```
 */
export function objectIdOf(identity: ObjectIdentity): string {
  return createHash('sha256')
    .update(JSON.stringify([identity.bucket, identity.key, identity.version, identity.planHash]))
    .digest('hex')
    .slice(0, 20);
}

function segmentName(segment: number): string {
  return String(segment).padStart(5, '0');
}

/**
 * Key builders of one pipeline's zones.
 *
 * @example
 * ```ts
 * const keys = zoneKeys('engagement');
 * keys.validated('2024-01-31', '4f1c0a9b2e7d6c5a3b1f', 0) // 'validated/engagement/dt=2024-01-31/4f1c0a9b2e7d6c5a3b1f-00000.parquet'
 * keys.manifest('4f1c0a9b2e7d6c5a3b1f')                   // '_manifests/engagement/4f1c0a9b2e7d6c5a3b1f.json'
 * ```
 */
export function zoneKeys(pipeline: string) {
  return {
    validated: (dt: string, objectId: string, segment: number) => `validated/${pipeline}/dt=${dt}/${objectId}-${segmentName(segment)}.parquet`,
    quarantineRows: (dt: string, objectId: string, segment: number) => `quarantine/${pipeline}/dt=${dt}/${objectId}-${segmentName(segment)}.jsonl`,
    quarantineObject: (dt: string, objectId: string, key: string) => `quarantine/${pipeline}/dt=${dt}/objects/${objectId}/${key.split('/').pop() || 'object'}`,
    quarantineError: (dt: string, objectId: string) => `quarantine/${pipeline}/dt=${dt}/objects/${objectId}.error.json`,
    manifest: (objectId: string) => `_manifests/${pipeline}/${objectId}.json`,
    checkpoint: (objectId: string) => `_checkpoints/${pipeline}/${objectId}.json`,
    gateKeys: (objectId: string, segment: number) => `_gate-keys/${pipeline}/${objectId}-${segmentName(segment)}.bin`,
  } as const;
}

/**
 * `YYYY-MM-DD` of an instant, in UTC.
 *
 * @example
 * ```ts
 * utcDate(new Date('2024-01-31T23:30:00-05:00')) // '2024-02-01'
 * ```
 */
export function utcDate(value: Date): string {
  return value.toISOString().slice(0, 10);
}
