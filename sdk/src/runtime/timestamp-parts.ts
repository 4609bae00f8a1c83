/**
 * The timestamp functions of plan/time-functions.ts in JS, for the Lambda's evaluator: the
 * same values DuckDB, Spark and Trino give, read in UTC. An instant arrives as a Date (zod's
 * output for `z.date()` / `z.coerce.date()`) or as epoch milliseconds.
 */
import type { DateTruncUnit, TimestampPartFunction } from '../plan/time-functions.js';

const DAY_MS = 86_400_000;

/**
 * One part of an instant, as an integer.
 *
 * @example
 * ```ts
 * timestampPart('day_of_week', Date.UTC(2024, 0, 7)) // 7: a Sunday
 * timestampPart('hour', Date.UTC(2024, 0, 7, 23, 59)) // 23
 * ```
 */
export function timestampPart(fn: TimestampPartFunction, epochMs: number): number {
  const d = new Date(epochMs);
  switch (fn) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    case 'second': return d.getUTCSeconds();
    // getUTCDay() is 0 = Sunday … 6 = Saturday; ISO is 1 = Monday … 7 = Sunday.
    case 'day_of_week': return ((d.getUTCDay() + 6) % 7) + 1;
    case 'day_of_year': return (Math.floor(epochMs / DAY_MS) * DAY_MS - utc(d.getUTCFullYear(), 0)) / DAY_MS + 1;
    case 'epoch_ms': return epochMs;
  }
}

/**
 * The first instant of the unit holding `epochMs` (weeks start on Monday), in epoch milliseconds.
 *
 * @example
 * ```ts
 * new Date(truncateTimestamp('week', Date.UTC(2024, 0, 7, 15))).toISOString() // '2024-01-01T00:00:00.000Z'
 * ```
 */
export function truncateTimestamp(unit: DateTruncUnit, epochMs: number): number {
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  switch (unit) {
    case 'second': return Math.floor(epochMs / 1000) * 1000;
    case 'minute': return Math.floor(epochMs / 60_000) * 60_000;
    case 'hour': return Math.floor(epochMs / 3_600_000) * 3_600_000;
    case 'day': return Math.floor(epochMs / DAY_MS) * DAY_MS;
    case 'week': {
      const day = Math.floor(epochMs / DAY_MS) * DAY_MS;
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
    }
    case 'month': return utc(year, month);
    case 'quarter': return utc(year, month - (month % 3));
    case 'year': return utc(year, 0);
  }
}

/** Date.UTC without its two-digit-year rule (years 0–99 would become 1900–1999). */
function utc(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 1);
  return d.getTime();
}
