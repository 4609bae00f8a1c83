/**
 * DuckDB values → the JS values zod sees for a typed (Parquet) row, and back to
 * JSON text for the quarantine's `raw`. The conversion is the definition of what "pure zod"
 * means for typed rows: integers become numbers only where exact (|n| ≤ 2^53 - 1, otherwise
 * they stay bigint and zod rejects them for z.number()), instants become Dates (truncated to
 * milliseconds), decimals become doubles.
 */
import {
  DuckDBDateValue, DuckDBDecimalValue, DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue, DuckDBTimestampTZValue, DuckDBTimestampValue,
} from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * One DuckDB value as zod's input.
 *
 * @example
 * ```ts
 * duckValueToJs(12n) // 12
 * duckValueToJs(new DuckDBTimestampValue(1_500n)) // new Date(1)
 * ```
 */
export function duckValueToJs(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
  // `new Date(n)` with n outside JS's range is an Invalid Date, which zod rejects: no throw here.
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return new Date(Number(value.micros / 1000n));
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBTimestampNanosecondsValue) return new Date(Number(value.nanos / 1_000_000n));
  if (value instanceof DuckDBDateValue) return new Date(value.days * 86_400_000);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  return String(value);
}

/**
 * A typed row's JSON text, for the quarantine (bigints as strings, Dates as ISO strings).
 *
 * @example
 * ```ts
 * rowToRawJson({ id: 2n ** 60n, ts: new Date(0) }) // '{"id":"1152921504606846976","ts":"1970-01-01T00:00:00.000Z"}'
 * ```
 */
export function rowToRawJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
