/**
 * Runs zod (or anything synchronous) with the process in UTC, switched here by hand — not
 * through sluice's own helper — for oracles of what sluice validates. sluice reads text without
 * a zone as UTC (it runs zod in UTC); the suite runs in New York time (vitest.config.ts), where
 * `z.coerce.date()` would read `'2024-01-01 10:00'` or `[1]` (→ '1' → 2001-01-01) elsewhere.
 *
 * ```ts
 * const parsed = zodInUtc(() => schema.safeParse(value));
 * ```
 */
export function zodInUtc<T>(work: () => T): T {
  const zone = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    return work();
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
}
