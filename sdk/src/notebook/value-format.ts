/**
 * Formatting of Arrow cell values for display: numbers grouped and rounded, timestamps as
 * UTC ISO text, nulls distinguishable from the string "null".
 */
import { DataType } from 'apache-arrow';

/**
 * A short, readable name for an Arrow column type (`int64`, `float64`, `string`, `timestamp`).
 *
 * @example
 * ```ts
 * columnTypeLabel(new TimestampMicrosecond()) // 'timestamp'
 * ```
 */
export function columnTypeLabel(type: DataType): string {
  if (DataType.isDictionary(type)) return columnTypeLabel(type.dictionary);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return ['float16', 'float32', 'float64'][type.precision] ?? 'float';
  if (DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (DataType.isTimestamp(type)) return type.timezone ? `timestamp[${type.timezone}]` : 'timestamp';
  if (DataType.isDate(type)) return 'date';
  return String(type).toLowerCase();
}

const NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const SMALL_NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const INTEGER_FORMAT = new Intl.NumberFormat('en-US');

/**
 * A timestamp in milliseconds since the epoch as `2024-01-31T08:00:00Z` (UTC; milliseconds only when present).
 *
 * @example
 * ```ts
 * formatTimestamp(Date.UTC(2024, 0, 31, 8)) // '2024-01-31T08:00:00Z'
 * ```
 */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * One cell value as display text; `null` for SQL NULL (the caller marks it).
 *
 * @example
 * ```ts
 * formatValue(1234.56789, new Float64()) // '1,234.5679'
 * formatValue(1704067200000, new TimestampMicrosecond()) // '2024-01-01T00:00:00Z'
 * ```
 */
export function formatValue(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  if (DataType.isTimestamp(type) && typeof value === 'number') return formatTimestamp(value);
  if (DataType.isDate(type) && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (value instanceof Date) return formatTimestamp(value.getTime());
  if (typeof value === 'bigint') return INTEGER_FORMAT.format(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return INTEGER_FORMAT.format(value);
    // Four decimals hide small values (0.00012 would print as 0): keep four significant digits there.
    return Math.abs(value) < 1 ? SMALL_NUMBER_FORMAT.format(value) : NUMBER_FORMAT.format(value);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return stringifyNested(value);
}

function stringifyNested(value: unknown): string {
  const plain = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  try {
    return JSON.stringify(plain, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * True for types whose values read best right-aligned.
 *
 * @example
 * ```ts
 * isNumericType(new Int64()) // true
 * ```
 */
export function isNumericType(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}
