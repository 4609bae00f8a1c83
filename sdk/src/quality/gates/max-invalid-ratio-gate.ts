import type { GateContext, GateResult } from './gate-result.js';
import { fmt } from './gate-result.js';

/**
 * Fails when more than `maxRatio` of the batch's rows were quarantined — or of its objects
 * could not be read at all. An unreadable object's rows are unknown, so they cannot enter the
 * row ratio; left out, a batch whose files were nearly all truncated would pass on the few rows
 * of the one that was not.
 *
 * @example
 * ```ts
 * maxInvalidRatioGate(0.01, ctx) // { gate: 'maxInvalidRatio', passed: true, detail: 'quarantined 1,988 of 200,000 rows (0.99%); limit 1%' }
 * maxInvalidRatioGate(0.01, ctx, { unreadable: 1, objects: 10 })
 * // { passed: false, detail: 'quarantined 0 of 180,000 rows (0%); 1 of 10 objects unreadable (10%); limit 1%' }
 * ```
 */
export function maxInvalidRatioGate(maxRatio: number, ctx: Pick<GateContext, 'counts'>, objects?: { readonly unreadable: number; readonly objects: number }): GateResult {
  const { in: total, quarantined } = ctx.counts;
  const ratio = total === 0 ? 0 : quarantined / total;
  const unreadableRatio = objects && objects.objects > 0 ? objects.unreadable / objects.objects : 0;
  const passed = ratio <= maxRatio && unreadableRatio <= maxRatio;
  const unreadable = objects && objects.unreadable > 0 ? `; ${fmt(objects.unreadable)} of ${fmt(objects.objects)} objects unreadable (${percent(unreadableRatio)})` : '';
  return {
    gate: 'maxInvalidRatio',
    passed,
    detail: `quarantined ${fmt(quarantined)} of ${fmt(total)} rows (${percent(ratio)})${unreadable}; limit ${percent(maxRatio)}`,
    count: quarantined,
  };
}

/**
 * A ratio as a percentage of at most three significant digits, for gate details.
 *
 * @example
 * ```ts
 * percent(0.0099) // '0.99%'
 * percent(1 / 3)  // '33.3%'
 * percent(0.01)   // '1%'
 * ```
 */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}
