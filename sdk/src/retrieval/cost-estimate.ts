/**
 * Athena pricing, applied before a query runs: $5 per TB scanned, each query rounded up to
 * the next megabyte with a 10 MB minimum. The estimate takes the whole size of every file in
 * the pruned partitions — Parquet lets Athena read only the selected columns, so the real
 * scan is at most this: the guard errs on the side of refusing.
 */
import { SluiceError } from '../errors.js';

export const USD_PER_TB = 5;
/** Binary units, as Athena bills ("rounded up to the nearest megabyte"). */
export const MB = 1024 * 1024;
export const TB = 1024 ** 4;
export const MIN_BYTES_PER_QUERY = 10 * MB;

/**
 * Dollars for one query that scans `bytes`.
 *
 * @example
 * ```ts
 * queryCostUsd(0)        // 10 MB minimum → 0.0000476837158203125
 * queryCostUsd(2 * 1024 ** 4) // 10
 * ```
 */
export function queryCostUsd(bytes: number): number {
  const billed = Math.max(MIN_BYTES_PER_QUERY, Math.ceil(bytes / MB) * MB);
  return (billed / TB) * USD_PER_TB;
}

/**
 * Dollars for `queries` queries that together scan `bytes` (each pays its own minimum).
 *
 * @example
 * ```ts
 * estimateCostUsd(0, 3)              // 3 × the 10 MB minimum → 0.0001430511474609375
 * estimateCostUsd(3 * 1024 ** 4, 3)  // 1 TiB per query → 15
 * ```
 */
export function estimateCostUsd(bytes: number, queries: number): number {
  if (queries <= 1) return queryCostUsd(bytes);
  const per = bytes / queries;
  return queryCostUsd(per) * queries;
}

/**
 * A query would cost more than the caller allowed (`maxCostUsd`, `maxBytes`); thrown before
 * anything is sent to the engine.
 *
 * @example
 * ```ts
 * try {
 *   await set.fetch({ engine: athena({ ... }), maxCostUsd: 0.5 });
 * } catch (error) {
 *   if (!(error instanceof CostGuardError)) throw error;
 *   console.log(error.code, error.estimatedBytes, error.estimatedCostUsd); // 'COST_GUARD' 5497558138880 25
 *   await set.fetch({ engine: athena({ ... }), allowExpensive: true });   // only if that is really meant
 * }
 * ```
 */
export class CostGuardError extends SluiceError {
  readonly estimatedBytes: number;
  readonly estimatedCostUsd: number;
  constructor(message: string, estimatedBytes: number, estimatedCostUsd: number) {
    super('COST_GUARD', message);
    this.estimatedBytes = estimatedBytes;
    this.estimatedCostUsd = estimatedCostUsd;
  }
}

export interface CostGuard {
  readonly maxCostUsd?: number;
  readonly maxBytes?: number;
  readonly allowExpensive?: boolean;
}

/**
 * Throws before anything runs when the estimate is above a limit, unless `allowExpensive`.
 *
 * @example
 * ```ts
 * checkCostGuard(5e12, estimateCostUsd(5e12, 1), { maxCostUsd: 1 }) // throws CostGuardError COST_GUARD: about $22.74 is above $1
 * checkCostGuard(5e12, 0.02, { maxBytes: 1e12 })                     // throws too: 4.5 TiB is above maxBytes
 * ```
 */
export function checkCostGuard(bytes: number, costUsd: number, guard: CostGuard): void {
  if (guard.allowExpensive) return;
  const over: string[] = [];
  if (guard.maxBytes !== undefined && bytes > guard.maxBytes) over.push(`${formatBytes(bytes)} to scan is above maxBytes ${formatBytes(guard.maxBytes)}`);
  if (guard.maxCostUsd !== undefined && costUsd > guard.maxCostUsd) over.push(`an estimated $${formatUsd(costUsd)} is above maxCostUsd $${guard.maxCostUsd}`);
  if (over.length) {
    throw new CostGuardError(
      `Refusing to run the training-set query: ${over.join('; ')}. Narrow the labels' time range or the ttl, ` +
        `raise the limit, or pass { allowExpensive: true } to run it anyway. (Nothing was sent to the engine.)`,
      bytes,
      costUsd,
    );
  }
}

/**
 * Dollars as a refusal should show them: cents from a cent up; below that six decimals, since
 * Athena's smallest charge (10 MB, $0.0000477) would otherwise print as $0.0000 or $0.00.
 *
 * @example
 * ```ts
 * formatUsd(22.737) // '22.74'
 * formatUsd(estimateCostUsd(0, 1)) // '0.000048'
 * ```
 */
export function formatUsd(usd: number): string {
  return usd >= 0.01 ? usd.toFixed(2) : usd.toFixed(6);
}

/**
 * A byte count in binary units (B, KiB, MiB, GiB, TiB), with one decimal above bytes.
 *
 * @example
 * ```ts
 * formatBytes(512)           // '512 B'
 * formatBytes(1536)          // '1.5 KiB'
 * formatBytes(3_221_225_472) // '3.0 GiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) (value /= 1024, unit++);
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
