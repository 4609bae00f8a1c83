/**
 * The dates whose rows changed since the aggregate stage last ran, so that it recomputes them
 * however old they are. Without this, the Glue job recomputed only its most recent
 * `reprocess_days`: an object landing today with last month's events, or a corrected file for
 * last month, never reached the features until someone ran a backfill by hand.
 *
 *   _dirty/<pipeline>/<YYYY-MM-DD>/<change>.json
 *
 * A marker per validated-zone `dt` whose readable rows changed, per change: the dates of a
 * newly current version's files, and of the version it replaced (or of a removed one). The
 * Glue driver recomputes the features those dates feed (the date itself up to the longest
 * window after it) and, once they are written, deletes exactly the marker files it listed: one
 * written meanwhile — under another change's name — survives for the next run. Writing the
 * same marker again is harmless.
 */
import { createHash } from 'node:crypto';
import { zoneKeys } from './zone-keys.js';
import type { ZoneStore } from './zone-store.js';

/**
 * The prefix (in the validated bucket) of one pipeline's dirty-date markers.
 *
 * @example
 * ```ts
 * dirtyDatesPrefix('engagement') // '_dirty/engagement/'
 * ```
 */
export function dirtyDatesPrefix(pipeline: string): string {
  return `_dirty/${pipeline}/`;
}

/**
 * The `dt` dates of validated-zone keys (`validated/<pipeline>/dt=YYYY-MM-DD/...`).
 *
 * @example
 * ```ts
 * datesOfKeys(['validated/p/dt=2024-03-01/ab-00000.parquet']) // ['2024-03-01']
 * ```
 */
export function datesOfKeys(keys: readonly string[]): string[] {
  const dates = new Set<string>();
  for (const key of keys) {
    const match = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\//.exec(key);
    if (match) dates.add(match[1]!);
  }
  return [...dates].sort();
}

/**
 * The dates of a finished object's validated files, from its manifest (none when it has no
 * manifest, or was quarantined whole).
 *
 * @example
 * ```ts
 * await datesOfObject(store, 'validated-bucket', 'engagement', objectId) // ['2024-03-01', '2024-03-02']
 * ```
 */
export async function datesOfObject(store: ZoneStore, bucket: string, pipeline: string, objectId: string): Promise<string[]> {
  const manifest = await store.getJson<{ outputs?: { validated?: string[] } }>(bucket, zoneKeys(pipeline).manifest(objectId));
  return datesOfKeys(manifest?.outputs?.validated ?? []);
}

/**
 * Marks dates for the next aggregation, under the name of the change that made them dirty
 * (any text; hashed).
 *
 * @example
 * ```ts
 * await markDatesDirty(store, 'validated-bucket', 'engagement', ['2024-03-01'], 'landing/a.jsonl@0A1B/before');
 * ```
 */
export async function markDatesDirty(store: ZoneStore, bucket: string, pipeline: string, dates: Iterable<string>, change: string): Promise<void> {
  const name = createHash('sha256').update(change).digest('hex').slice(0, 20);
  for (const dt of new Set(dates)) await store.putJson(bucket, `${dirtyDatesPrefix(pipeline)}${dt}/${name}.json`, { change });
}
