/**
 * Lists the files of the pruned partitions only, with their sizes (for the cost estimate and
 * for knowing what to read). Bounded lookbacks list each needed `dt=` folder directly, so a
 * store with years of history costs a handful of listing calls, not a full walk.
 */
import { datesBetween, groupPath, parseDtFolder, partitionPath } from '../features/store-layout.js';
import { relativeTo, type StoreFiles } from '../features/store-files.js';
import { mergedDtRanges } from './time-chunk-planner.js';
import type { StoreFile, TimeChunk } from './training-set-types.js';

const MAX_DIRECT_LISTINGS = 400;

/**
 * @example
 * ```ts
 * const files = await listPrunedFiles(storeFiles(root), root, 'user', 'engagement', chunks);
 * ```
 */
export async function listPrunedFiles(files: StoreFiles, root: string, entity: string, group: string, chunks: readonly TimeChunk[]): Promise<StoreFile[]> {
  const ranges = mergedDtRanges(chunks);
  if (ranges.length === 0) return [];
  const inRange = (dt: string): boolean => ranges.some((r) => (r.from === undefined || dt >= r.from) && dt <= r.to);
  const bounded = ranges.every((r) => r.from !== undefined);
  const days = bounded ? ranges.flatMap((r) => datesBetween(r.from!, r.to)) : [];
  let listed: StoreFile[];
  if (bounded && days.length <= MAX_DIRECT_LISTINGS) {
    const perDay = await mapLimited(days, 16, async (dt) =>
      (await files.list(partitionPath(root, entity, group, dt))).map((f) => ({ path: f.path, size: f.size, dt })),
    );
    listed = perDay.flat();
  } else {
    const base = groupPath(root, entity, group);
    listed = [];
    for (const f of await files.list(base)) {
      // Relative, not sliced: a local listing spells paths normalised ('./store' comes back as 'store').
      const dt = parseDtFolder(relativeTo(base, f.path).split('/')[0] ?? '');
      if (dt !== undefined) listed.push({ path: f.path, size: f.size, dt });
    }
  }
  return listed
    .filter((f) => f.path.endsWith('.parquet') && inRange(f.dt))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}
