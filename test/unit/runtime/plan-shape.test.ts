/**
 * Where two plans differ, said as a path: the promote-time check that the module builds the plan
 * being promoted. A map() function's source text is not part of the comparison (bundlers reformat it).
 */
import { describe, expect, it } from 'vitest';
import type { PipelinePlan } from '../../../sdk/src/plan/pipeline-plan.js';
import { planDifference } from '../../../sdk/src/runtime/plan-shape.js';

const plan = (overrides: { ratio?: number; mapSource?: string; extra?: boolean } = {}): PipelinePlan => ({
  version: 1,
  name: 'p',
  steps: [
    { kind: 'source', scheme: 'file', uri: 'data/*.jsonl', format: 'jsonl', compression: 'auto' },
    { kind: 'validate', jsonSchema: {}, gates: { maxInvalidRatio: overrides.ratio ?? 0.02, ...(overrides.extra ? { notNull: ['id'] } : {}) } },
    { kind: 'map', source: overrides.mapSource ?? '(r) => r', columns: {} },
  ],
} as unknown as PipelinePlan);

describe('planDifference', () => {
  it('names the first differing path with both values', () => {
    expect(planDifference(plan({ ratio: 0.05 }), plan())).toBe('steps[1].gates.maxInvalidRatio: 0.05 ≠ 0.02');
    expect(planDifference(plan({ extra: true }), plan())).toBe('steps[1].gates.notNull: ["id"] ≠ (absent)');
  });

  it('finds none between equal plans, or plans whose map functions are only written differently', () => {
    expect(planDifference(plan(), plan())).toBeUndefined();
    expect(planDifference(plan({ mapSource: '(row) => { return row; }' }), plan())).toBeUndefined();
  });
});
