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
