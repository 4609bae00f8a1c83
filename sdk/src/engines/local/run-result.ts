/**
 * The object `run()` returns: plain data plus a readable `toString()` (quality report, feature
 * preview, outputs, timings), so `console.log(String(result))` in a terminal says it all.
 */
import type { BaseRunResult } from '../../pipeline/run-types.js';
import { formatRunResult } from '../../format/run-result-text.js';

/**
 * @example
 * ```ts
 * const result = buildRunResult({ pipeline: 'p', planHash, runId, counts, ... }, { dryRun: false });
 * console.log(String(result));
 * ```
 */
export function buildRunResult(data: Omit<BaseRunResult, 'toString'>, options: { readonly dryRun?: boolean } = {}): BaseRunResult {
  // The same text the CLI prints, so a terminal and a notebook's String(result) agree.
  const result: BaseRunResult = { ...data, toString: () => formatRunResult(data, options.dryRun ? { dryRun: true } : {}) };
  return Object.freeze(result);
}
