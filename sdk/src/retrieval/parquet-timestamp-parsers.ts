/**
 * hyparquet turns TIMESTAMP_MICROS and _NANOS into Dates by BigInt division, which truncates
 * toward zero: an instant a fraction of a millisecond before 1970 becomes 1970-01-01T00:00:00,
 * a moment after it. Label times must be floored, as the Arrow, text and event paths read
 * them — else a point-in-time lookup can take a feature row from that label's future.
 */

/** Floors `value / unit` for BigInts of either sign. */
function floorDiv(value: bigint, unit: bigint): bigint {
  const quotient = value / unit;
  return value % unit < 0n ? quotient - 1n : quotient;
}

/**
 * Parsers to pass to hyparquet's `parquetRead` / `parquetReadObjects`: timestamps floored to
 * the millisecond.
 *
 * @example
 * ```ts
 * await parquetReadObjects({ file: buffer, parsers: FLOORED_TIMESTAMP_PARSERS });
 * FLOORED_TIMESTAMP_PARSERS.timestampFromMicroseconds(-500n).toISOString() // '1969-12-31T23:59:59.999Z'
 * ```
 */
export const FLOORED_TIMESTAMP_PARSERS = {
  timestampFromMicroseconds: (micros: bigint): Date => new Date(Number(floorDiv(micros, 1_000n))),
  timestampFromNanoseconds: (nanos: bigint): Date => new Date(Number(floorDiv(nanos, 1_000_000n))),
};
