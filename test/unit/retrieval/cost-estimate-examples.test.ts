/**
 * The numbers in estimateCostUsd's TSDoc examples are what it returns: Athena bills each query
 * at least 10 MB, at $5 per TiB scanned.
 */
import { describe, expect, it } from 'vitest';
import { estimateCostUsd } from '../../../sdk/src/retrieval/cost-estimate.js';

describe('estimateCostUsd examples', () => {
  it("each query pays Athena's 10 MB minimum; $5 per TiB", () => {
    expect(estimateCostUsd(0, 3)).toBe(3 * ((10 * 2 ** 20) / 2 ** 40) * 5);
    expect(estimateCostUsd(0, 3)).toBe(0.0001430511474609375);
    expect(estimateCostUsd(3 * 1024 ** 4, 3)).toBe(15);
  });
});
