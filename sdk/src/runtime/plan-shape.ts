/**
 * What must be equal between the plan a bundle embeds and the plan its pipeline module builds:
 * the plan itself, except a map() function's source text (the bundler may reformat it).
 */
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { canonicalJson } from '../plan/canonical-json.js';

/**
 * @example
 * ```ts
 * planShape(bundled) === planShape(definition.plan) // the module builds the bundled plan
 * ```
 */
export function planShape(plan: PipelinePlan): string {
  return canonicalJson({ ...plan, steps: plan.steps.map((s) => (s.kind === 'map' ? { ...s, source: '' } : s)) });
}

/**
 * Where two plans first differ, as a path with both values (`steps[1].gates.maxInvalidRatio: 0.05 ≠ 0.02`);
 * undefined when their shapes are equal.
 *
 * @example
 * ```ts
 * planDifference(notebookPlan, modulePlan) // 'steps[1].gates.maxInvalidRatio: 0.05 ≠ 0.02'
 * ```
 */
export function planDifference(a: PipelinePlan, b: PipelinePlan): string | undefined {
  return difference(JSON.parse(planShape(a)) as unknown, JSON.parse(planShape(b)) as unknown, '');
}

function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = difference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const found = difference(a[key], b[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${path || '(plan)'}: ${show(a)} ≠ ${show(b)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
