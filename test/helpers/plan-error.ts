/**
 * The PlanError `fn` throws, for tests that then check its code, path and message. Fails the
 * test when `fn` throws something else or nothing at all.
 *
 * @example
 * ```ts
 * expect(planError(() => window({ ...spec, every: '5x' })).code).toBe('INVALID_DURATION');
 * ```
 */
import { expect } from 'vitest';
import { PlanError } from '../../sdk/src/errors.js';

export function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return error as PlanError;
  }
  throw new Error('expected a PlanError, nothing was thrown');
}
