/**
 * Which of the plan's batch gates the event stage enforces. In production a batch is one
 * object: the event stage checks every gate that one object can decide, and a plan with any
 * other gate is refused — by promote and by the FeaturePipeline construct before anything is
 * deployed, and by the handler at start — so that no gate is ever skipped without a word.
 *
 * Kept free of heavy imports: promote reads it too.
 */
import { PlanError } from '../errors.js';
import type { GateSpec } from '../plan/validate-node.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';

/**
 * Every gate kind of `GateSpec`, and what the event stage does with it. A new kind in
 * `GateSpec` is a compile error here until someone decides.
 */
export const EVENT_STAGE_GATES = {
  maxInvalidRatio: 'enforced',
  unique: 'enforced',
  notNull: 'enforced',
  references: 'enforced',
  // PSI compares a batch's distribution with a saved baseline profile. The local engine
  // computes it in DuckDB over a whole run; one object of an event stream is a different,
  // often tiny, sample, and the baseline is a local file. Refused rather than approximated.
  drift: 'refused',
} as const satisfies Record<keyof GateSpec, 'enforced' | 'refused'>;

const DRIFT_REFUSAL =
  'The drift gate compares a whole run\'s column distributions with a saved baseline profile (PSI). It is checked in local runs ' +
  '(pipeline.run()), not in AWS: the event stage validates one object at a time and has no baseline. Remove `drift` from the ' +
  'validate() options of the pipeline you promote, and keep checking drift locally — e.g. a scheduled or CI pipeline.run() over ' +
  'recent data with the drift gate on. maxInvalidRatio, unique, notNull and references are enforced per object in AWS.';

/**
 * Throws when a plan has a gate the event stage does not enforce.
 *
 * @example
 * ```ts
 * assertEventStageGates(definition.plan); // PlanError GATE_NOT_PROMOTABLE at steps[1].validate.gates.drift
 * ```
 * @throws PlanError `GATE_NOT_PROMOTABLE`.
 */
export function assertEventStageGates(plan: PipelinePlan): void {
  plan.steps.forEach((step, i) => {
    if (step.kind !== 'validate') return;
    for (const [kind, value] of Object.entries(step.gates)) {
      if (value === undefined) continue;
      const support = (EVENT_STAGE_GATES as Readonly<Record<string, string>>)[kind];
      if (support === 'enforced') continue;
      const path = `steps[${i}].validate.gates.${kind}`;
      if (kind === 'drift') throw new PlanError('GATE_NOT_PROMOTABLE', path, DRIFT_REFUSAL);
      throw new PlanError(
        'GATE_NOT_PROMOTABLE',
        path,
        `The event stage does not enforce the gate "${kind}" (it enforces ${enforcedGates().join(', ')}). Remove it from validate() before promoting, or upgrade sluice.`,
      );
    }
  });
}

function enforcedGates(): string[] {
  return Object.entries(EVENT_STAGE_GATES).filter(([, s]) => s === 'enforced').map(([k]) => k);
}
