/**
 * The timestamp functions of `derive()` and `.where()`: calendar parts of an instant, and
 * truncation to a unit — hour of day, day of week, "same week" — the features of event data
 * that otherwise needed a `.map()` off the vectorised path.
 *
 * All of them read the instant in UTC, in every place an expression runs: DuckDB's TIMESTAMP
 * holds UTC wall-clock time (sluice stores instants so), the Glue driver sets
 * `spark.sql.session.timeZone=UTC`, Athena's `timestamp` has no zone, and the Lambda's
 * evaluator uses Date's `getUTC*` methods.
 *
 * - `year(ts)`, `month(ts)` 1–12, `day(ts)` 1–31, `hour(ts)` 0–23, `minute(ts)` 0–59,
 *   `second(ts)` 0–59 (whole seconds), `day_of_year(ts)` 1–366: integers.
 * - `day_of_week(ts)`: ISO 8601, 1 = Monday … 7 = Sunday (DuckDB's `isodow`, Trino's
 *   `day_of_week`, Spark's `weekday + 1` — not Spark's `dayofweek`, where 1 is Sunday).
 * - `epoch_ms(ts)`: milliseconds since 1970-01-01T00:00:00Z, an integer (negative before);
 *   subtract two for a duration.
 * - `date_trunc('day', ts)`: the first instant of the unit that holds `ts`, a timestamp. The
 *   unit is text written in the expression (not a column), one of DATE_TRUNC_UNITS; weeks
 *   start on Monday in all three dialects and here.
 *
 * NULL in, NULL out, as for every other function.
 */

/** Functions of one timestamp that give an integer. */
export const TIMESTAMP_PART_FUNCTIONS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'day_of_week', 'day_of_year', 'epoch_ms'] as const;
export type TimestampPartFunction = (typeof TIMESTAMP_PART_FUNCTIONS)[number];

/** The units `date_trunc()` takes, as DuckDB, Spark and Trino all spell them. */
export const DATE_TRUNC_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type DateTruncUnit = (typeof DATE_TRUNC_UNITS)[number];

/**
 * Whether `fn` is one of the timestamp-part functions.
 *
 * @example
 * ```ts
 * isTimestampPart('hour') // true
 * isTimestampPart('date_trunc') // false: it returns a timestamp
 * ```
 */
export function isTimestampPart(fn: string): fn is TimestampPartFunction {
  return (TIMESTAMP_PART_FUNCTIONS as readonly string[]).includes(fn);
}
