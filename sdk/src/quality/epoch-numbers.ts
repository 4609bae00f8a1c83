/**
 * Numbers that `z.coerce.date()` reads as milliseconds since 1970 (`new Date(x)`), and the ones
 * that were most likely written in another unit. Unix time in seconds (`1700000000`, what
 * Python's `time.time()`, Postgres' `extract(epoch …)` and most log shippers write) becomes an
 * instant in the first months of 1970; microseconds (`1700000000000000`, Spark's and BigQuery's
 * unit) an instant tens of thousands of years ahead. Both are valid dates, so zod accepts them
 * and the features land in the wrong year without a word. Event data has no instants there in
 * milliseconds, which is what makes the guess safe to say out loud.
 */

/** |x| in [1e8, 1e10): as seconds 1973-03-03 to 2286-11-20; as milliseconds within 1970-01-02 to 1970-04-27. */
export const SECONDS_LIKE = [1e8, 1e10] as const;
/** |x| in [1e14, 8.64e15]: as microseconds 1973 to 2243; as milliseconds the years 5138 to 275760. */
export const MICROSECONDS_LIKE = [1e14, 8.64e15] as const;

export type EpochUnitGuess = 'seconds' | 'microseconds';

/**
 * The unit `x` was probably written in, when milliseconds are implausible for it.
 *
 * @example
 * ```ts
 * epochUnitGuess(1_700_000_000)         // 'seconds'
 * epochUnitGuess(1_700_000_000_000)     // undefined: milliseconds, 2023-11-14
 * epochUnitGuess(1_700_000_000_000_000) // 'microseconds'
 * ```
 */
export function epochUnitGuess(x: number): EpochUnitGuess | undefined {
  const a = Math.abs(x);
  if (a >= SECONDS_LIKE[0] && a < SECONDS_LIKE[1]) return 'seconds';
  if (a >= MICROSECONDS_LIKE[0] && a <= MICROSECONDS_LIKE[1]) return 'microseconds';
  return undefined;
}
