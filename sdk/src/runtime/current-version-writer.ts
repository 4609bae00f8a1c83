/**
 * The event stage's side of the current-version index (runtime/current-versions.ts): after an
 * object is finished, a marker naming it; after a removal, a marker saying so, or — for a
 * permanently deleted version — the removal of that version's markers. Every write is a
 * plain PUT or DELETE of a key derived from the event, so a redelivery repeats it harmlessly.
 */
import { currentMarker, currentVersionsPrefix, keyIdOf, markerIsOfVersion, markerKey, sequencerOrder, type CurrentVersionMarker } from './current-versions.js';
import type { Removal } from './event-records.js';
import type { ZoneStore } from './zone-store.js';

export interface MarkerTarget {
  readonly store: ZoneStore;
  /** The validated bucket: the index lives beside the manifests the aggregate stage reads. */
  readonly bucket: string;
  readonly pipeline: string;
}

/**
 * Records that the event `sequencer` made `version` of the key current, its rows in
 * `objectId`'s files. Returns false (and writes nothing) when the event carried no usable
 * sequencer: the key then keeps the rule for keys without markers (every finished object counts).
 *
 * @example
 * ```ts
 * await recordCurrentVersion(target, { bucket: 'landing', key: 'a.jsonl', sequencer: '0A1B', version: etag, objectId });
 * ```
 */
export async function recordCurrentVersion(
  target: MarkerTarget,
  version: { bucket: string; key: string; sequencer?: string; version: string; objectId: string },
): Promise<boolean> {
  if (version.sequencer === undefined) return false;
  const marker: CurrentVersionMarker = { bucket: version.bucket, key: version.key, sequencer: version.sequencer, version: version.version, objectId: version.objectId };
  const key = markerKey(target.pipeline, marker);
  if (key === undefined) return false;
  await target.store.putJson(target.bucket, key, marker);
  return true;
}

/**
 * Records a removal. A deleted object or a delete marker becomes the key's newest state (no rows
 * are read for it); a permanently deleted version takes its own markers away, so whichever
 * version S3 now serves as current decides again. Returns false when nothing could be
 * recorded (no usable sequencer for a deletion).
 *
 * @example
 * ```ts
 * await recordRemoval(target, { bucket: 'landing', key: 'a.jsonl', sequencer: '0A1C', removal: 'deleted' });
 * ```
 */
export async function recordRemoval(
  target: MarkerTarget,
  removed: { bucket: string; key: string; sequencer?: string; versionId?: string; removal: Removal },
): Promise<boolean> {
  if (removed.removal === 'version-deleted') {
    const prefix = currentVersionsPrefix(target.pipeline, keyIdOf(removed.bucket, removed.key));
    const names = await target.store.list(target.bucket, prefix);
    for (const name of names) {
      if (markerIsOfVersion(name, removed.bucket, removed.key, removed.versionId!)) await target.store.delete(target.bucket, prefix + name);
    }
    return true;
  }
  if (removed.sequencer === undefined) return false;
  const marker: CurrentVersionMarker = {
    bucket: removed.bucket,
    key: removed.key,
    sequencer: removed.sequencer,
    // A delete marker is a version of its own (and can itself be deleted, which uncovers the key again).
    ...(removed.removal === 'delete-marker' && removed.versionId ? { version: removed.versionId } : {}),
    removed: true,
  };
  const key = markerKey(target.pipeline, marker);
  if (key === undefined) return false;
  await target.store.putJson(target.bucket, key, marker);
  return true;
}

/**
 * True when the key's newest marker is a removal that S3 ordered after the event `sequencer`:
 * an object created and then deleted before its creation event was handled. That event has
 * nothing left to read and nothing to retry for.
 *
 * @example
 * ```ts
 * if (error instanceof ObjectMissingError && (await removedAfter(target, ref.bucket, key, ref.sequencer))) return 'removed';
 * ```
 */
export async function removedAfter(target: MarkerTarget, bucket: string, key: string, sequencer: string | undefined): Promise<boolean> {
  const order = sequencerOrder(sequencer);
  if (order === undefined) return false;
  const prefix = currentVersionsPrefix(target.pipeline, keyIdOf(bucket, key));
  const names = await target.store.list(target.bucket, prefix);
  const newest = await currentMarker(names, (name) => target.store.getJson<CurrentVersionMarker>(target.bucket, prefix + name));
  return newest?.removed === true && sequencerOrder(newest.sequencer)! > order;
}
