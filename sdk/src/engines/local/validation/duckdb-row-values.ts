/**
 * DuckDB values → the JS values zod sees for a typed (Parquet) row, and back to
 * JSON text for the quarantine's `raw`. The conversion is the definition of what "pure zod"
 * means for typed rows: integers become numbers only where exact (|n| ≤ 2^53 - 1, otherwise
 * they stay bigint and zod rejects them for z.number()), instants become Dates (truncated to
 * milliseconds), decimals become doubles; lists and arrays become arrays, structs objects,
 * blobs bytes (Uint8Array) — what a JSON line would carry, so that z.string() rejects a list
 * instead of accepting DuckDB's text for it ("[1, 2]"). Other types (UUID, TIME, INTERVAL…)
 * become DuckDB's text for them.
 */
import {
  DuckDBArrayValue, DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
  DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampTZValue,
  DuckDBTimestampValue, DuckDBUnionValue,
} from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import { blobText } from '../../../quality/typed-row-raw.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * One DuckDB value as zod's input.
 *
 * @example
 * ```ts
 * duckValueToJs(12n) // 12
 * duckValueToJs(new DuckDBTimestampValue(1_500n))  // new Date(1)
 * duckValueToJs(new DuckDBTimestampValue(-1_500n)) // new Date(-2): floored, as JS reads '1969-12-31T23:59:59.9985Z'
 * ```
 */
export function duckValueToJs(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
  // `new Date(n)` with n outside JS's range is an Invalid Date, which zod rejects: no throw here.
  // Sub-millisecond digits are floored, as JS drops them from text ('…59.9995Z' is …59.999): BigInt
  // division truncates toward zero, which would move a pre-1970 instant into the next millisecond,
  // and across a window boundary when it lies within 1 ms before one.
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return new Date(Number(floorDiv(value.micros, 1000n)));
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBTimestampNanosecondsValue) return new Date(Number(floorDiv(value.nanos, 1_000_000n)));
  if (value instanceof DuckDBDateValue) return new Date(value.days * 86_400_000);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(duckValueToJs);
  // fromEntries defines own properties, so a field named "__proto__" stays a plain key.
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, duckValueToJs(v)]));
  if (value instanceof DuckDBMapValue) return value.entries.map((e) => ({ key: duckValueToJs(e.key), value: duckValueToJs(e.value) }));
  if (value instanceof DuckDBUnionValue) return duckValueToJs(value.value);
  if (value instanceof DuckDBBlobValue) return value.bytes;
  return String(value);
}

/**
 * One DuckDB value as the quarantine's raw content shows it: as `duckValueToJs` gives it to zod,
 * except where JSON would lose it — NaN and ±Infinity become their names, an instant beyond
 * JavaScript's dates and a blob become DuckDB's text for them (JSON has `null` and `{"0":…}`).
 *
 * @example
 * ```ts
 * duckValueToRaw(Number.NaN) // 'NaN'
 * duckValueToRaw(new DuckDBTimestampValue(9_089_348_860_800_000_000n)) // '290000-01-01 00:00:00'
 * ```
 */
export function duckValueToRaw(value: DuckDBValue): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(duckValueToRaw);
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, duckValueToRaw(v)]));
  if (value instanceof DuckDBMapValue) return value.entries.map((e) => ({ key: duckValueToRaw(e.key), value: duckValueToRaw(e.value) }));
  if (value instanceof DuckDBUnionValue) return duckValueToRaw(value.value);
  if (value instanceof DuckDBBlobValue) return blobText(value.bytes);
  const js = duckValueToJs(value);
  return js instanceof Date && Number.isNaN(js.getTime()) ? String(value) : js;
}

/** a / b rounded toward negative infinity (b > 0). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}
