import { SourceError } from '../errors.js';
import { compareKeys } from './object-listing.js';
import type { SourceObject } from './source-object.js';

/** One step of a sample read: which object to read next, and at most how many records. */
export interface SamplePlan {
  /** The candidate objects, in key order. */
  readonly objects: readonly SourceObject[];
  /**
   * The `limit` to pass to `readObject` for the next object, given how many records the
   * sample holds so far; 0 means the sample is complete, stop reading.
   */
  readonly limitFor: (recordsSoFar: number) => number | undefined;
}

/**
 * Chooses which objects to read for a sample of about `sample` rows. The rule is simple and
 * deterministic: read objects in key order, each with `limit` = the rows still missing, and
 * stop once `sample` rows are in hand. Rows counted are records, including the ones that
 * fail to decode (they are rows of the source, quarantined later). An object that fails as a
 * whole contributes no rows and the next one is read. So `run({ sample: 10_000 })` over 60
 * daily files reads the first day or two, not all 60 — the sample is the *first* N rows, which
 * is reproducible, but not a random sample across the whole source.
 * Without `sample` every object is read in full (`limitFor` returns `undefined`).
 *
 * @example
 * ```ts
 * const plan = sampleObjects(await listSourceObjects(node), 10_000);
 * let rows = 0;
 * for (const object of plan.objects) {
 *   const limit = plan.limitFor(rows);
 *   if (limit === 0) break;
 *   const result = await readObject(node, object, limit === undefined ? {} : { limit });
 *   if (result.ok) rows += result.records.length;
 * }
 * ```
 */
export function sampleObjects(objects: readonly SourceObject[], sample?: number): SamplePlan {
  if (sample !== undefined && (!Number.isInteger(sample) || sample <= 0)) {
    throw new SourceError('SOURCE_BAD_SAMPLE', `sample must be a positive whole number of rows, e.g. run({ sample: 10_000 }); got ${String(sample)}.`);
  }
  const sorted = [...objects].sort((a, b) => compareKeys(a.key, b.key));
  return {
    objects: sorted,
    limitFor: (recordsSoFar) => (sample === undefined ? undefined : Math.max(0, sample - recordsSoFar)),
  };
}
