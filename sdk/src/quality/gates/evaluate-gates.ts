import { PlanError } from '../../errors.js';
import type { GateSpec } from '../../plan/validate-node.js';
import { driftGate } from './drift-gate.js';
import type { GateContext, GateResult } from './gate-result.js';
import { maxInvalidRatioGate } from './max-invalid-ratio-gate.js';
import { notNullGate } from './not-null-gate.js';
import { referencesGate } from './references-gate.js';
import { uniqueGate } from './unique-gate.js';

/**
 * Runs every gate of a spec over the valid table, in a fixed order: maxInvalidRatio, unique,
 * notNull, references, drift.
 *
 * @example
 * ```ts
 * const results = await evaluateGates({ maxInvalidRatio: 0.01, unique: ['event_id'] }, ctx);
 * results.every((g) => g.passed)
 * ```
 */
export async function evaluateGates(spec: GateSpec, ctx: GateContext): Promise<GateResult[]> {
  const results: GateResult[] = [];
  if (spec.maxInvalidRatio !== undefined) {
    if (!(spec.maxInvalidRatio >= 0 && spec.maxInvalidRatio <= 1)) {
      throw new PlanError('GATE_RATIO', 'validate.gates.maxInvalidRatio', `maxInvalidRatio is a fraction between 0 and 1 (0.01 = 1%); got ${spec.maxInvalidRatio}.`);
    }
    results.push(maxInvalidRatioGate(spec.maxInvalidRatio, ctx));
  }
  for (const [i, u] of (spec.unique ?? []).entries()) results.push(await uniqueGate(typeof u === 'string' ? [u] : u, ctx, `validate.gates.unique[${i}]`));
  for (const [i, c] of (spec.notNull ?? []).entries()) results.push(await notNullGate(c, ctx, `validate.gates.notNull[${i}]`));
  for (const [i, r] of (spec.references ?? []).entries()) results.push(await referencesGate(r, ctx, `validate.gates.references[${i}]`));
  if (spec.drift) results.push(await driftGate(spec.drift, ctx));
  return results;
}

/**
 * The failed gates' details as one message (for GateError), or undefined when all passed.
 *
 * @example
 * ```ts
 * const message = gateFailureMessage(result.gates);
 * if (message) throw new GateError(message, result);
 * ```
 */
export function gateFailureMessage(results: readonly GateResult[]): string | undefined {
  const failed = results.filter((g) => !g.passed);
  if (!failed.length) return undefined;
  return `${failed.length} quality gate${failed.length > 1 ? 's' : ''} failed:\n${failed.map((g) => `  ✖ ${g.gate}: ${g.detail}`).join('\n')}`;
}
