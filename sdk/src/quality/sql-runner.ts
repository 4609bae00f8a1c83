/**
 * How model code (gates, profiles) runs SQL without importing an engine: the backend passes
 * a function that executes one statement and returns its rows as plain JS objects.
 * BIGINT may arrive as `bigint` and timestamps as `Date`; readers convert deliberately.
 */
export type SqlRunner = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * A number from a SQL result cell (BIGINT arrives as bigint), or null.
 *
 * @example
 * ```ts
 * toNumber(42n) // 42
 * ```
 */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  const n = Number(value);
  return Number.isNaN(n) ? null : n;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A SQL result cell as a value that `JSON.stringify` and a report can carry: BIGINT arrives as
 * `bigint`, which JSON cannot hold. It becomes a number where that is exact and its decimal
 * text otherwise (never a silently rounded number). Dates and other values pass through.
 *
 * @example
 * ```ts
 * toJsonSafe(42n) // 42
 * toJsonSafe(2n ** 60n) // '1152921504606846976'
 * ```
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
}
