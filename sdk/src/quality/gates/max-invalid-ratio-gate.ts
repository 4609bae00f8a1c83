import type { GateContext, GateResult } from './gate-result.js';
import { fmt } from './gate-result.js';

/**
 * Fails when more than `maxRatio` of the batch's rows were quarantined.
 *
 * @example
 * ```ts
 * maxInvalidRatioGate(0.01, ctx) // { gate: 'maxInvalidRatio', passed: true, detail: 'quarantined 1,988 of 200,000 rows (0.99%); limit 1%' }
 * ```
 */
export function maxInvalidRatioGate(maxRatio: number, ctx: Pick<GateContext, 'counts'>): GateResult {
  const { in: total, quarantined } = ctx.counts;
  const ratio = total === 0 ? 0 : quarantined / total;
  const passed = ratio <= maxRatio;
  return {
    gate: 'maxInvalidRatio',
    passed,
    detail: `quarantined ${fmt(quarantined)} of ${fmt(total)} rows (${percent(ratio)}); limit ${percent(maxRatio)}`,
    count: quarantined,
  };
}

export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}
