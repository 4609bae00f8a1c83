/**
 * Formatting of Arrow cell values for display: numbers grouped and rounded (never so far that
 * two different values of a column look equal, or a fraction looks whole), decimals exactly,
 * timestamps as UTC ISO text, nulls distinguishable from the string "null".
 */
import { DataType, util, type Vector } from 'apache-arrow';
import { valuesAsWritten } from './arrow-exact-text.js';

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

const INTEGER_FORMAT = new Intl.NumberFormat('en-US');
/** Intl's limits: 20 fraction digits, 21 significant ones. */
const MAX_EXTRA_DIGITS = 16;
const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A fraction at some precision: four decimals from 1 up, four significant digits below (four
 * decimals would print 0.00012 as 0), each with `extra` digits more.
 */
function formatFraction(value: number, extra: number): string {
  const key = Math.abs(value) < 1 ? `s${4 + extra}` : `f${4 + extra}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', Math.abs(value) < 1 ? { maximumSignificantDigits: 4 + extra } : { maximumFractionDigits: 4 + extra });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

function formatNumber(value: number, extra: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return INTEGER_FORMAT.format(value);
  return formatFraction(value, extra);
}

/**
 * Display text for a column's numbers, as many digits as needed: the same rounding for all,
 * raised until values that differ print differently and no fraction prints as a whole number
 * (0.99999 as "1", or 1234.56789 and 1234.56791 both as "1,234.5679", would misstate the data).
 *
 * @example
 * ```ts
 * formatNumbers([1234.56789, 1234.56791, 2]) // ['1,234.56789', '1,234.56791', '2']
 * formatNumbers([0.99999]) // ['0.99999']
 * ```
 */
export function formatNumbers(values: readonly (number | null)[]): (string | null)[] {
  const fractions = [...new Set(values.filter((v): v is number => v !== null && Number.isFinite(v) && !Number.isInteger(v)))];
  let extra = 0;
  for (; extra < MAX_EXTRA_DIGITS; extra++) {
    const seen = new Map<string, number>();
    // A fraction's text always has a point, so it never reads as a (whole) number of the column.
    const clear = fractions.every((v) => {
      const text = formatFraction(v, extra);
      if (!text.includes('.')) return false;
      const other = seen.get(text);
      seen.set(text, v);
      return other === undefined || other === v;
    });
    if (clear) break;
  }
  return values.map((v) => (v === null ? null : formatNumber(v, extra)));
}

/**
 * A number exactly as stored (the shortest text that reads back as the same double), its whole
 * part grouped: for extremes, where rounding would show a maximum larger than any value.
 *
 * @example
 * ```ts
 * formatExact(12345.67) // '12,345.67'
 * formatExact(0.1 + 0.2) // '0.30000000000000004'
 * ```
 */
export function formatExact(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text; // NaN, Infinity, 1e+21, 5e-7
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`;
}

/**
 * An Arrow decimal exactly, from its unscaled integer: `decimal(10,2)` 12345 is "123.45".
 */
function formatDecimal(value: unknown, scale: number): string {
  const unscaled = util.bigNumToBigInt(value as Parameters<typeof util.bigNumToBigInt>[0]);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = INTEGER_FORMAT.format(BigInt(digits.slice(0, digits.length - scale)));
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
}

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
  if (DataType.isDecimal(type)) return formatDecimal(value, type.scale);
  if (typeof value === 'bigint') return INTEGER_FORMAT.format(value);
  if (typeof value === 'number') return formatNumbers([value])[0]!;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return stringifyNested(value);
}

/**
 * The first `count` values of a column as display text (`null` for SQL NULL), numbers with one
 * precision for the column that keeps different values apart (see formatNumbers).
 *
 * @example
 * ```ts
 * formatColumn(table.getChildAt(2)!, table.schema.fields[2]!.type, 20) // ['1,234.56789', '1,234.56791', …]
 * ```
 */
export function formatColumn(vector: Vector | null, type: DataType, count: number): (string | null)[] {
  // Text as stored: apache-arrow's get() drops a value's leading U+FEFF.
  const values = vector ? valuesAsWritten({ DataType }, vector, count) : Array.from({ length: count }, () => null);
  if (DataType.isFloat(type) && values.every((v) => v === null || v === undefined || typeof v === 'number')) {
    return formatNumbers(values.map((v) => (typeof v === 'number' ? v : null)));
  }
  return values.map((v) => formatValue(v, type));
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
