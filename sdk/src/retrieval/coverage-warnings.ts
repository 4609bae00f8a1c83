/**
 * Warnings about a training set that would come back empty-handed: a feature group with no
 * partitions where the labels need them, or whose features are null for every label. Both
 * leave a table that looks fine — the right rows, the right columns — and trains a model on
 * nulls, so they are said out loud rather than left for the user to notice.
 */
import type { Table } from 'apache-arrow';
import { groupPath } from '../features/store-layout.js';
import { mergedDtRanges } from './time-chunk-planner.js';
import type { RetrievalJob } from './training-set-types.js';

/**
 * One warning per requested group that has no partition in the dt range the labels need
 * (their times, minus the ttl). Known before anything runs: `explain()` shows them.
 *
 * @example
 * ```ts
 * missingPartitionWarnings(job);
 * // ['engagement: no partitions from 2024-02-01 to 2024-03-05 under ./.sluice/features/entity=user/feature_group=engagement …']
 * ```
 */
export function missingPartitionWarnings(job: RetrievalJob): string[] {
  const timed = job.chunks.reduce((n, c) => n + c.rows.length, 0);
  if (job.keys.count === 0) return [];
  if (timed === 0) return [unjoinableLabelsWarning(job)];
  const ranges = mergedDtRanges(job.chunks);
  const from = ranges[0]?.from;
  const to = ranges.reduce((last, r) => (r.to > last ? r.to : last), ranges[0]!.to);
  const span = from === undefined ? `up to ${to}` : `from ${from} to ${to}`;
  return job.groups
    .filter((g) => g.partitions.length === 0)
    .map(
      (g) =>
        `${g.group}: no partitions ${span} under ${groupPath(job.store.root, job.entity, g.group)}, the range the labels' times (less the ttl) need: ` +
        `its features will be null for every label. Run the pipeline over that period, or check the store root ` +
        `(\`sluice catalog --store <root> ${job.entity}/${g.group}\` lists the partitions it has).`,
    );
}

/**
 * One warning per group whose requested features are all null in every row of the result —
 * partitions were there, but no label found a feature row within the ttl (entity ids that do
 * not match the store's, labels earlier than the features, a ttl shorter than the cadence).
 * Groups already named by `missingPartitionWarnings` are left out.
 *
 * @example
 * ```ts
 * allNullWarnings(table, job, new Set(['engagement']));
 * ```
 */
export function allNullWarnings(table: Table, job: RetrievalJob, alreadyWarned: ReadonlySet<string>): string[] {
  if (table.numRows === 0) return [];
  return job.groups
    .filter((g) => !alreadyWarned.has(g.group))
    .filter((g) => g.features.every((f) => (table.getChild(f.outputName)?.nullCount ?? 0) === table.numRows))
    .map(
      (g) =>
        `${g.group}: every label got null for ${g.features.length === 1 ? 'its feature' : `all ${g.features.length} features`} (${g.partitions.length} partition(s) were read). ` +
        `No label found a feature row of its entity within the ttl: check that the labels' entity ids are the store's (${job.entity} ids as text) and that the ttl covers the cadence.`,
    );
}

/**
 * No label has both an entity id and a time (the only labels a join can use). Says which of the
 * two is missing, so the user checks the right column.
 */
function unjoinableLabelsWarning(job: RetrievalJob): string {
  let noEntity = 0;
  let noTime = 0;
  for (let i = 0; i < job.keys.count; i++) {
    if (job.keys.entity[i] === null) noEntity++;
    if (!Number.isFinite(job.keys.tsMs[i]!)) noTime++;
  }
  const n = job.keys.count;
  const outcome = 'so no feature row can be joined: every feature will be null.';
  if (noTime === 0) return `none of the ${n} labels has an entity id, ${outcome} Check the labels' entity id column (entityColumn).`;
  if (noEntity === 0) return `none of the ${n} labels has a timestamp, ${outcome} Check the labels' timestamp column (timestampColumn).`;
  return (
    `none of the ${n} labels has both an entity id and a timestamp (${noEntity} without an entity id, ${noTime} without a timestamp), ${outcome} ` +
    `Check the labels' entity id column (entityColumn) and timestamp column (timestampColumn).`
  );
}
