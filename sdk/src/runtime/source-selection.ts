/**
 * Which notified landing objects the event stage reads: those whose key the pipeline's source
 * selects, decided by the matcher a local listing uses (sources/landing-keys.ts), so a
 * `_SUCCESS` marker or a `.csv` beside `*.jsonl` is ignored in AWS as it is in a notebook. The
 * S3 notification filter is only a literal prefix and suffix; this is the exact decision.
 */
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { landingKeyMatcher, landingKeyRuleOf } from '../sources/landing-keys.js';
import type { ObjectRef } from './event-records.js';

/** An object to read (with only the candidate keys the source selects), or why it is skipped. */
export type Selection = { readonly ref: ObjectRef } | { readonly skipped: string };

/**
 * Builds the selection of a plan's source: a function from a notified object to a `Selection`.
 * Keys are compared decoded (as S3 stores them), never in the event's URL-encoded form. An
 * event naming two candidate keys (EventBridge: raw and decoded) keeps those selected.
 *
 * @example
 * ```ts
 * const select = sourceSelection(definition.plan);
 * const selection = select({ bucket: 'landing', keys: ['events/_SUCCESS'] });
 * if ('skipped' in selection) log(selection.skipped); // not selected by the source: ...
 * ```
 * @throws PlanError `NO_SOURCE` when the plan has no source step.
 */
export function sourceSelection(plan: PipelinePlan): (ref: ObjectRef) => Selection {
  const rule = landingKeyRuleOf(plan);
  const selects = landingKeyMatcher(rule);
  const reason =
    `not selected by the source: the pipeline reads ${rule.text}; names starting with "." or "_" are read only where the glob spells them. ` +
    'Land data at a key the source selects, or change the source and promote again.';
  return (ref) => {
    const keys = ref.keys.filter(selects);
    if (keys.length === 0) return { skipped: reason };
    return { ref: keys.length === ref.keys.length ? ref : { ...ref, keys } };
  };
}
