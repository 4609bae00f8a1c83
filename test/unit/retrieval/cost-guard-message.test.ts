/**
 * The cost guard's refusal shows the estimate precisely enough to be seen above the limit. Each
 * Athena query costs at least $0.0000477 (10 MB), so a 4-decimal "$0.0000" said a zero estimate
 * was above a tiny limit.
 */
import { describe, expect, it } from 'vitest';
import { CostGuardError, checkCostGuard, estimateCostUsd } from '../../../sdk/src/retrieval/cost-estimate.js';

function refusal(bytes: number, costUsd: number, maxCostUsd: number): string {
  try {
    checkCostGuard(bytes, costUsd, { maxCostUsd });
  } catch (error) {
    if (error instanceof CostGuardError) return error.message;
    throw error;
  }
  throw new Error('checkCostGuard did not refuse');
}

describe('the cost guard names the estimate it refused', () => {
  it("a minimum-size query's cent fraction, not $0.0000", () => {
    const message = refusal(0, estimateCostUsd(0, 1), 0.00001);
    expect(message).toContain('an estimated $0.000048 is above maxCostUsd $0.00001');
  });

  it('dollars in cents', () => {
    expect(refusal(5e12, estimateCostUsd(5e12, 1), 1)).toContain('an estimated $22.74 is above maxCostUsd $1');
  });
});
