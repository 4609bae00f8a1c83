/**
 * The event stage's side of the current-version index (runtime/current-versions.ts): after an
 * object is finished, a marker naming it; after a removal, a marker saying so, or — for a
 * permanently deleted version — the removal of that version's markers. Every write is a
 * plain PUT or DELETE of a key derived from the event, so a redelivery repeats it harmlessly.
 *
 * Whenever that changes which version of a key is read, the dates of both versions' files are
 * marked dirty (runtime/dirty-dates.ts), so the aggregate stage recomputes them however old
 * they are — before the change (a crash after it must not lose them) and after it (an
 * aggregation running in between may have read the old state and consumed the first marks).
 */
import { currentMarker, currentVersionsPrefix, keyIdOf, markerIsOfVersion, markerKey, sequencerOrder, type CurrentVersionMarker } from './current-versions.js';
import { datesOfObject, markDatesDirty } from './dirty-dates.js';
import type { Removal } from './event-records.js';
import type { ZoneStore } from './zone-store.js';

export interface MarkerTarget {
  readonly store: ZoneStore;
  /** The validated bucket: the index lives beside the manifests the aggregate stage reads. */
  readonly bucket: string;
  readonly pipeline: string;
}

/** One key's markers: their names, and a reader of each. */
interface KeyMarkers {
  readonly prefix: string;
  readonly names: string[];
  read(name: string): Promise<CurrentVersionMarker | undefined>;
}

async function markersOf(target: MarkerTarget, bucket: string, key: string): Promise<KeyMarkers> {
  const prefix = currentVersionsPrefix(target.pipeline, keyIdOf(bucket, key));
  return {
    prefix,
    names: await target.store.list(target.bucket, prefix),
    read: (name) => target.store.getJson<CurrentVersionMarker>(target.bucket, prefix + name),
  };
}

/** What the aggregate stage reads for a key in this state: one object, nothing (removed), or — unmarked — every finished object. */
const readsOf = (marker: CurrentVersionMarker | undefined): string => (marker === undefined ? 'unmarked' : marker.removed ? 'removed' : String(marker.objectId));

/**
 * Applies `change` to a key's markers. When the key's newest marker is `before` and will be
 * `after`, and that changes what is read, the dates of both are marked dirty around it.
 */
async function changeKey(
  target: MarkerTarget,
  change: { readonly bucket: string; readonly key: string; readonly id: string },
  before: CurrentVersionMarker | undefined,
  after: CurrentVersionMarker | undefined,
  apply: () => Promise<void>,
): Promise<void> {
  if (readsOf(before) === readsOf(after)) return apply();
  const objects = [before, after].filter((m): m is CurrentVersionMarker => m?.objectId !== undefined && m.removed !== true).map((m) => m.objectId!);
  const dates = (await Promise.all(objects.map((o) => datesOfObject(target.store, target.bucket, target.pipeline, o)))).flat();
  const name = `${change.bucket}/${change.key}@${change.id}`;
  await markDatesDirty(target.store, target.bucket, target.pipeline, dates, `${name}/before`);
  await apply();
  await markDatesDirty(target.store, target.bucket, target.pipeline, dates, `${name}/after`);
}

/** Whether `marker` (to be written under `name`) sorts after every existing marker: it becomes the newest. */
const becomesNewest = (names: readonly string[], name: string): boolean => names.every((n) => n < name);

/**
 * Records that the event `sequencer` made `version` of the key current, its rows in
 * `objectId`'s files. Without a usable sequencer no marker is written: the key keeps the rule
 * for unmarked keys (every finished object is read), and the object's own dates are marked dirty.
 *
 * @example
 * ```ts
 * await recordCurrentVersion(target, { bucket: 'landing', key: 'a.jsonl', sequencer: '0A1B', version: etag, objectId });
 * ```
 */
export async function recordCurrentVersion(
  target: MarkerTarget,
  version: { bucket: string; key: string; sequencer?: string; version: string; objectId: string },
): Promise<void> {
  const marker: CurrentVersionMarker = { bucket: version.bucket, key: version.key, sequencer: version.sequencer ?? '', version: version.version, objectId: version.objectId };
  const key = version.sequencer === undefined ? undefined : markerKey(target.pipeline, marker);
  if (key === undefined) {
    const dates = await datesOfObject(target.store, target.bucket, target.pipeline, version.objectId);
    return markDatesDirty(target.store, target.bucket, target.pipeline, dates, `${version.objectId}/unmarked`);
  }
  const markers = await markersOf(target, version.bucket, version.key);
  const name = key.slice(markers.prefix.length);
  const before = await currentMarker(markers.names, markers.read);
  const after = becomesNewest(markers.names, name) ? marker : before;
  await changeKey(target, { bucket: version.bucket, key: version.key, id: name }, before, after, () => target.store.putJson(target.bucket, key, marker));
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
  const markers = await markersOf(target, removed.bucket, removed.key);
  const before = await currentMarker(markers.names, markers.read);
  if (removed.removal === 'version-deleted') {
    const gone = markers.names.filter((name) => markerIsOfVersion(name, removed.bucket, removed.key, removed.versionId!));
    const after = await currentMarker(markers.names.filter((name) => !gone.includes(name)), markers.read);
    await changeKey(target, { bucket: removed.bucket, key: removed.key, id: `deleted-version-${removed.versionId}` }, before, after, async () => {
      for (const name of gone) await target.store.delete(target.bucket, markers.prefix + name);
    });
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
  const name = key.slice(markers.prefix.length);
  const after = becomesNewest(markers.names, name) ? marker : before;
  await changeKey(target, { bucket: removed.bucket, key: removed.key, id: name }, before, after, () => target.store.putJson(target.bucket, key, marker));
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
  const markers = await markersOf(target, bucket, key);
  const newest = await currentMarker(markers.names, markers.read);
  return newest?.removed === true && sequencerOrder(newest.sequencer)! > order;
}
