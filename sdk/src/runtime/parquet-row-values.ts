/**
 * A Parquet landing row as the event stage shows it to zod: the values a local run gives zod
 * for the same row (engines/local/validation/duckdb-row-values.ts, which reads it through
 * DuckDB). hyparquet decodes the file; what it decodes otherwise than DuckDB is set right here:
 * - integers become numbers only where exact (|n| ≤ 2^53 - 1), else stay bigint;
 * - instants become Dates floored to the millisecond (hyparquet truncates toward zero, which
 *   moves a pre-1970 instant into the next millisecond);
 * - text keeps a leading U+FEFF, and bytes that are not UTF-8 make the object unreadable, as
 *   DuckDB refuses such a file;
 * - a binary column without a text annotation stays bytes (a Buffer), JSON stays its text, an ENUM is text;
 * - a TIME becomes DuckDB's text for it ('12:34:56.789'), and so does an INTERVAL (which
 *   hyparquet refuses: its annotation is set aside, as a MAP's, and its 12 bytes read here);
 * - a MAP becomes DuckDB's list of `{ key, value }` entries, in the file's order, keys typed
 *   (hyparquet would make an object of it: keys as text, '1' before 'b', '__proto__' lost).
 *   For that the MAP annotation is taken off the schema handed to hyparquet (`readableSchema`),
 *   which then assembles the map as the repeated `key_value` group it is stored as.
 */
import type { FileMetaData, ParquetParsers, SchemaElement, SchemaTree } from 'hyparquet';
import { blobText } from '../quality/typed-row-raw.js';

/** Strict UTF-8 that keeps a leading BOM: DuckDB's text is the bytes as written. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Thrown when a text value is not UTF-8 (the reader makes the object unreadable). */
class NotUtf8Error extends Error {}

/**
 * A text value's bytes as DuckDB reads them: strict UTF-8, a leading BOM kept.
 *
 * @example
 * ```ts
 * parquetText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // '\uFEFFa'
 * ```
 * @throws NotUtf8Error when the bytes are not UTF-8.
 */
export const parquetText = (bytes: Uint8Array | undefined): string | undefined => {
  if (!bytes) return undefined;
  // Short ASCII (ids, names, codes: most text) without the decoder's per-call cost.
  if (bytes.length <= 64) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new NotUtf8Error('a text value is not valid UTF-8 (DuckDB refuses the file too)');
  }
};

/**
 * micros / 1000 rounded toward negative infinity, in doubles while they are exact: below 2^53
 * the quotient's rounding error is under half its ulp (< 0.0005), so a value 0.001 below an
 * integer never rounds up to it. BigInt division only beyond that (±285 years).
 */
const floorThousandth = (micros: bigint): number => {
  const n = Number(micros);
  return Number.isSafeInteger(n) ? Math.floor(n / 1000) : Number(floorDiv(micros, 1000n));
};

/** a / b rounded toward negative infinity (b > 0). */
const floorDiv = (a: bigint, b: bigint): bigint => (a % b < 0n ? a / b - 1n : a / b);

/**
 * The parsers hyparquet decodes annotated values with.
 *
 * @example
 * ```ts
 * await parquetReadObjects({ file, utf8: false, parsers: PARQUET_PARSERS });
 * ```
 */
export const PARQUET_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis) => new Date(Number(millis)),
  timestampFromMicroseconds: (micros) => new Date(floorThousandth(micros)),
  timestampFromNanoseconds: (nanos) => new Date(Number(floorDiv(nanos, 1_000_000n))),
  dateFromDays: (days) => new Date(days * 86_400_000),
  stringFromBytes: parquetText,
  // DuckDB reads a JSON column as its text; zod sees the text, not a parsed value.
  jsonFromBytes: parquetText,
  // Geometry stays the bytes DuckDB gives without its spatial extension.
  geometryFromBytes: (bytes) => bytes,
  geographyFromBytes: (bytes) => bytes,
};

/**
 * The metadata hyparquet is given: MAP and INTERVAL annotations taken off (see the file's
 * comment), so that a map arrives as `{ key_value: [{ key, value }, …] }` and an interval as its
 * 12 bytes.
 *
 * @example
 * ```ts
 * const rows = await parquetReadObjects({ file, metadata: readableSchema(metadata) });
 * ```
 */
export function readableSchema(metadata: FileMetaData): FileMetaData {
  if (!metadata.schema.some(isSetAside)) return metadata;
  return { ...metadata, schema: metadata.schema.map((e) => (isSetAside(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e)) };
}

/** Annotations hyparquet refuses or would decode otherwise, taken off: the converters read the values themselves. */
function isSetAside(element: SchemaElement): boolean {
  return isMapAnnotated(element) || element.converted_type === 'INTERVAL';
}

function isMapAnnotated(element: SchemaElement): boolean {
  return element.converted_type === 'MAP' || element.converted_type === 'MAP_KEY_VALUE' || element.logical_type?.type === 'MAP';
}

type Convert = (value: unknown) => unknown;

/**
 * A converter per top-level column, from the file's own schema tree (with its MAP annotations).
 *
 * @example
 * ```ts
 * const columns = columnConverters(parquetSchema(metadata));
 * columns.find((c) => c.name === 'id')!.convert(5n) // 5
 * columns.find((c) => c.name === 'tags')!.convert({ key_value: [{ key: 'a', value: 1 }] }) // [{ key: 'a', value: 1 }]
 * ```
 */
export function columnConverters(root: SchemaTree): { readonly name: string; readonly convert: Convert }[] {
  return root.children.map((c) => ({ name: c.element.name, convert: converterFor(c) }));
}

function converterFor(node: SchemaTree): Convert {
  const repeated = node.element.repetition_type === 'REPEATED';
  const single = singleConverterFor(node);
  // A repeated field outside a LIST annotation (the legacy two-level list) is a list itself.
  return repeated ? (v) => (Array.isArray(v) ? v.map(single) : v == null ? null : single(v)) : single;
}

function singleConverterFor(node: SchemaTree): Convert {
  const { element, children } = node;
  if (isMapAnnotated(element) && children.length === 1 && children[0]!.children.length === 2) {
    const entry = children[0]!;
    const key = converterFor(entry.children.find((c) => c.element.name === 'key') ?? entry.children[0]!);
    const value = converterFor(entry.children.find((c) => c.element.name === 'value') ?? entry.children[1]!);
    const entryName = entry.element.name;
    return (v) => {
      if (v == null) return null;
      const entries = (v as Record<string, unknown>)[entryName];
      return Array.isArray(entries) ? entries.map((e: { key?: unknown; value?: unknown }) => ({ key: key(e.key), value: value(e.value) })) : [];
    };
  }
  if (element.converted_type === 'LIST' && children.length === 1 && children[0]!.element.repetition_type === 'REPEATED') {
    // hyparquet has unwrapped the list's element (three-level or two-level): convert each.
    const inner = children[0]!;
    const elementNode = inner.children.length === 1 ? inner.children[0]! : { ...inner, element: { ...inner.element, repetition_type: 'REQUIRED' as const } };
    const each = converterFor(elementNode);
    return (v) => (Array.isArray(v) ? v.map(each) : null);
  }
  if (children.length > 0) {
    const fields = children.map((c) => [c.element.name, converterFor(c)] as const);
    return (v) => {
      if (v == null) return null;
      const record = v as Record<string, unknown>;
      return Object.fromEntries(fields.map(([name, convert]) => [name, convert(record[name])]));
    };
  }
  return leafConverter(element);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function leafConverter(element: SchemaElement): Convert {
  if (element.converted_type === 'INTERVAL') return (v) => (v instanceof Uint8Array && v.length === 12 ? intervalText(v) : v == null ? null : v);
  const time = timeUnit(element);
  if (time) return (v) => (v == null ? null : timeText(BigInt(v as number | bigint), time));
  const enumText = element.converted_type === 'ENUM' || element.logical_type?.type === 'ENUM';
  return (v) => {
    if (v === undefined) return null;
    if (typeof v === 'bigint') return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
    if (v instanceof Uint8Array) {
      if (enumText) return parquetText(v);
      // A Buffer, as DuckDB's client gives a blob: zod names it so in its messages ("received Buffer").
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
    return v;
  };
}

function timeUnit(element: SchemaElement): 'MILLIS' | 'MICROS' | 'NANOS' | undefined {
  if (element.logical_type?.type === 'TIME') return element.logical_type.unit;
  if (element.converted_type === 'TIME_MILLIS') return 'MILLIS';
  if (element.converted_type === 'TIME_MICROS') return 'MICROS';
  return undefined;
}

/**
 * DuckDB's text for a TIME: HH:MM:SS, then the fraction without trailing zeros — six digits
 * (TIME), or nine for a nanosecond one (DuckDB reads it as TIME_NS).
 */
function timeText(value: bigint, unit: 'MILLIS' | 'MICROS' | 'NANOS'): string {
  return unit === 'NANOS' ? clockText(value, 1_000_000_000n, 9) : clockText(unit === 'MILLIS' ? value * 1000n : value, 1_000_000n, 6);
}

/** HH:MM:SS (hours past 24 as they are) and the fraction of `perSecond` ticks, as the DuckDB client prints them. */
function clockText(ticks: bigint, perSecond: bigint, digits: number): string {
  const seconds = Number(floorDiv(ticks, perSecond));
  const fraction = ticks - BigInt(seconds) * perSecond;
  const two = (n: number): string => String(n).padStart(2, '0');
  const clock = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  return fraction === 0n ? clock : `${clock}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/**
 * The DuckDB client's text for an INTERVAL, from Parquet's 12 bytes (months, days,
 * milliseconds; little-endian, unsigned): '1 year 2 months 3 days 04:05:06.007', '00:00:00'.
 */
function intervalText(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 12);
  const months = view.getUint32(0, true);
  const days = view.getUint32(4, true);
  const millis = view.getUint32(8, true);
  const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (Math.floor(months / 12) > 0) parts.push(unit(Math.floor(months / 12), 'year'));
  if (months % 12 > 0) parts.push(unit(months % 12, 'month'));
  if (days > 0) parts.push(unit(days, 'day'));
  if (millis > 0) parts.push(clockText(BigInt(millis) * 1000n, 1_000_000n, 6));
  return parts.length > 0 ? parts.join(' ') : '00:00:00';
}

/**
 * A converted value as the quarantine's raw content shows it, as a local run does
 * (`duckValueToRaw`): NaN and ±Infinity by name, bytes as DuckDB's text for a blob.
 *
 * @example
 * ```ts
 * rowToRawJson(rawValue({ d: NaN, b: new Uint8Array([0]) }) as Record<string, unknown>) // '{"d":"NaN","b":"\\\\x00"}'
 * ```
 */
export function rawValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) return blobText(value);
  if (Array.isArray(value)) return value.map(rawValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rawValue(v)]));
  }
  return value;
}
