/**
 * Runs synchronous work with the process's time zone set to UTC, as Lambda runs (TZ=UTC) and
 * as Glue's session runs. Text like '2024-01-01 10:00:00' names no zone: `new Date()` — and so
 * `z.coerce.date()` — reads it in the machine's zone, so a notebook in New York computed
 * features five hours away from production's. sluice's timestamps are UTC instants; the local
 * engine runs the schema and map() functions in UTC so both places agree.
 *
 * Synchronous only: no other JavaScript can run while the zone is switched, so nothing else in
 * the process (a notebook's own Date display) ever sees it. (Node applies a changed TZ on its
 * main thread; in a worker thread the zone stays the one the process started with.)
 */

/**
 * @example
 * ```ts
 * const parsed = inUtc(() => schema.safeParse({ ts: '2024-01-01 10:00:00' })); // 10:00Z on any machine
 * ```
 */
export function inUtc<T>(work: () => T): T {
  const saved = process.env.TZ;
  if (saved === 'UTC') return work();
  process.env.TZ = 'UTC'; // Node applies a changed TZ at once (since v13)
  try {
    return work();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}
