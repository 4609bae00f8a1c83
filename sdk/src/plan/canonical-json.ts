import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so that the
 * same definition always serialises to the same text, whatever order keys were written in.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [ { d: 2, c: 3 } ] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

/**
 * The canonical hash of a plan (or any plan fragment): sha256 of its canonical JSON, hex,
 * first 16 characters. Same definition → same hash, in any key order.
 *
 * @example
 * ```ts
 * planHash(engagement.plan) // 'a3f09c...'
 * ```
 */
export function planHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * Deep-freezes plain data so a plan can never be changed after it is built.
 *
 * @example
 * ```ts
 * const plan = deepFreeze({ name: 'engagement', steps: [{ kind: 'window', every: '1h' }] });
 * Object.isFrozen(plan.steps[0]) // true (the same object is returned, frozen all the way down)
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as object)) deepFreeze(member);
  }
  return value;
}
