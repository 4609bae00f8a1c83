/**
 * Population stability index between two distributions over the same buckets:
 * PSI = Σ (actual − expected) · ln(actual / expected). Common reading: < 0.1 stable,
 * 0.1–0.2 moderate shift, > 0.2 significant shift. Empty buckets are floored at a small
 * epsilon so that a bucket that appears or disappears counts heavily but finitely.
 */

export const PSI_EPSILON = 1e-4;

/**
 * PSI of `actual` against `expected` (fractions per bucket, same order and length).
 *
 * @example
 * ```ts
 * psi([0.5, 0.5], [0.5, 0.5]) // 0
 * psi([0.5, 0.5], [0.9, 0.1]) // ≈ 0.879
 * ```
 */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new Error(`psi needs buckets of equal length (${expected.length} vs ${actual.length})`);
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, PSI_EPSILON);
    const a = Math.max(actual[i]!, PSI_EPSILON);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}
