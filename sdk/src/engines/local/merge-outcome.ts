/**
 * Folds what happened after validation into one account of every row: rows a `.map()`
 * function threw on leave the valid set for the quarantine (they join the validation stage's
 * spool, so call this once per run), and unreadable objects are listed whole. The
 * conservation law is checked again on the merged counts, and the gate that reads those
 * counts (`maxInvalidRatio`) is evaluated again on them: a row quarantined by `.map()` counts
 * against the limit like a row zod rejected, and an unreadable object against the same limit
 * among the objects read.
 */
import { EngineError } from '../../errors.js';
import type { GateSpec } from '../../plan/validate-node.js';
import type { GateResult } from '../../quality/gates/gate-result.js';
import { maxInvalidRatioGate } from '../../quality/gates/max-invalid-ratio-gate.js';
import { buildQualityReport, type QualityReport } from '../../quality/quality-report.js';
import type { RowCounts } from '../../quality/quarantine.js';
import type { QuarantineSpool } from './quarantine-spool.js';
import type { ValidationStageResult } from './validation-stage.js';
import type { MapFailure } from './transform-stage.js';

export interface RunOutcome {
  readonly counts: RowCounts;
  readonly perObject: Record<string, RowCounts>;
  /** Every quarantined row: the validation stage's spool, with the rows `.map()` threw on added. */
  readonly quarantined: QuarantineSpool;
  /** The validation stage's gates, with `maxInvalidRatio` re-evaluated on the merged counts. */
  readonly gates: readonly GateResult[];
  readonly report: QualityReport;
}

/**
 * @example
 * ```ts
 * const outcome = mergeOutcome(validation, mapFailures, [{ object: 'bad.jsonl.gz', error: 'unexpected end of file' }], { maxInvalidRatio: 0.01 }, ['a.jsonl', 'bad.jsonl.gz']);
 * outcome.gates.every((g) => g.passed)
 * ```
 */
export function mergeOutcome(
  validation: ValidationStageResult,
  mapFailures: readonly MapFailure[],
  objectFailures: readonly { object: string; error: string }[],
  gateSpec: GateSpec = {},
  /** Every object the run read, readable or not: each gets its line in the per-object counts, empty ones too. */
  objectsRead: readonly string[] = [],
): RunOutcome {
  const perObject: Record<string, RowCounts> = { ...validation.perObject };
  for (const failure of mapFailures) {
    const c = perObject[failure.object] ?? { in: 0, valid: 0, quarantined: 0 };
    perObject[failure.object] = { in: c.in, valid: c.valid - 1, quarantined: c.quarantined + 1 };
  }
  for (const object of [...objectsRead, ...objectFailures.map((f) => f.object)]) perObject[object] ??= { in: 0, valid: 0, quarantined: 0 };
  const counts: RowCounts = {
    in: validation.counts.in,
    valid: validation.counts.valid - mapFailures.length,
    quarantined: validation.counts.quarantined + mapFailures.length,
  };
  if (counts.valid + counts.quarantined !== counts.in || Object.values(perObject).some((c) => c.valid + c.quarantined !== c.in)) {
    throw new EngineError('CONSERVATION_VIOLATED', `Row accounting broke: in ${counts.in} ≠ valid ${counts.valid} + quarantined ${counts.quarantined}. This is a sluice bug; please report it with the plan.`);
  }
  const quarantined = validation.quarantined;
  for (const failure of mapFailures) quarantined.add(failure);
  const ratio = gateSpec.maxInvalidRatio;
  const objects = { unreadable: objectFailures.length, objects: Object.keys(perObject).length };
  const gates = validation.gates.map((g) => (g.gate === 'maxInvalidRatio' && ratio !== undefined ? maxInvalidRatioGate(ratio, { counts }, objects) : g));
  const report = buildQualityReport({
    counts,
    perObject,
    failingRules: quarantined.rules,
    gates,
    ...(validation.profile ? { profile: validation.profile } : {}),
    fastPath: validation.fastPath,
    unreadableObjects: objectFailures,
  });
  return { counts, perObject, quarantined, gates, report };
}
