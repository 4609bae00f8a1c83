/**
 * Partition pruning for a point-in-time join. A label at `ts` can only match feature rows with
 * `ts - ttl < feature_ts <= ts`, which live in the `dt` partitions
 * `[date(ts - ttl), date(ts)]`. Labels sorted by time are grouped into chunks whose partition
 * needs overlap; a gap splits the work, so labels from March and November never make a query
 * read April to October. A chunk also closes at `maxLabelsPerChunk` to bound memory.
 */
import { utcDate } from '../features/store-layout.js';
import type { LabelKeys, TimeChunk } from './training-set-types.js';

const DAY = 86_400_000;

export interface ChunkPlanOptions {
  readonly ttlMs: number | null;
  readonly maxLabelsPerChunk?: number;
}

/**
 * @example
 * ```ts
 * planTimeChunks(keys, { ttlMs: durationMs('7d') })
 * // [{ index: 0, rows: Int32Array [...], dtFrom: '2024-01-01', dtTo: '2024-01-09', ... }, ...]
 * ```
 */
export function planTimeChunks(keys: LabelKeys, options: ChunkPlanOptions): TimeChunk[] {
  const max = options.maxLabelsPerChunk ?? 1_000_000;
  // A label without a time or an entity cannot match anything: it reads nothing and gets nulls.
  let n = 0;
  const candidates = new Int32Array(keys.count);
  for (let i = 0; i < keys.count; i++) if (Number.isFinite(keys.tsMs[i]!) && keys.entity[i] !== null) candidates[n++] = i;
  const order = candidates.subarray(0, n).sort((a, b) => keys.tsMs[a]! - keys.tsMs[b]! || a - b);

  // Work in whole UTC days (dt = day number); date strings are made only at chunk edges.
  const day = (ms: number): number => Math.floor(ms / DAY);
  const chunks: TimeChunk[] = [];
  let first = 0;
  let fromDay: number | undefined;
  let toDay = 0;
  const close = (end: number): void => {
    if (end <= first) return;
    const rows = order.slice(first, end);
    chunks.push({
      index: chunks.length,
      rows,
      minTsMs: keys.tsMs[rows[0]!]!,
      maxTsMs: keys.tsMs[rows[rows.length - 1]!]!,
      dtFrom: fromDay === undefined ? undefined : utcDate(fromDay * DAY),
      dtTo: utcDate(toDay * DAY),
    });
    first = end;
  };
  for (let k = 0; k < order.length; k++) {
    const ts = keys.tsMs[order[k]!]!;
    const needFrom = options.ttlMs === null ? undefined : day(ts - options.ttlMs);
    // Sorted by time, so needFrom never decreases: this label extends the chunk iff its range overlaps.
    const overlaps = k > first && (needFrom === undefined || needFrom <= toDay);
    if (!overlaps || k - first >= max) {
      close(k);
      fromDay = needFrom;
    }
    toDay = day(ts);
  }
  close(order.length);
  return chunks;
}

/**
 * Whether `dt` lies inside a chunk's inclusive range.
 *
 * @example
 * ```ts
 * // chunk: { dtFrom: '2024-01-01', dtTo: '2024-01-07', … }
 * chunkCovers(chunk, '2024-01-07') // true
 * chunkCovers(chunk, '2024-01-08') // false
 * ```
 */
export function chunkCovers(chunk: TimeChunk, dt: string): boolean {
  return (chunk.dtFrom === undefined || dt >= chunk.dtFrom) && dt <= chunk.dtTo;
}

/**
 * Merged inclusive dt ranges of all chunks (what a single query may read).
 *
 * @example
 * ```ts
 * // chunks covering 2024-01-05..2024-01-10, 2024-01-01..2024-01-06 and 2024-02-01..2024-02-03:
 * mergedDtRanges(job.chunks) // [{ from: '2024-01-01', to: '2024-01-10' }, { from: '2024-02-01', to: '2024-02-03' }]
 * ```
 */
export function mergedDtRanges(chunks: readonly TimeChunk[]): { from: string | undefined; to: string }[] {
  const ranges = [...chunks].sort((a, b) => ((a.dtFrom ?? '') < (b.dtFrom ?? '') ? -1 : 1));
  const out: { from: string | undefined; to: string }[] = [];
  for (const c of ranges) {
    const last = out[out.length - 1];
    if (last && (c.dtFrom === undefined || c.dtFrom <= last.to)) {
      if (c.dtTo > last.to) last.to = c.dtTo;
    } else out.push({ from: c.dtFrom, to: c.dtTo });
  }
  return out;
}
