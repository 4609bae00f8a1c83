/**
 * How SQL reads a present, non-null value of each field type (string, boolean, number, date,
 * enum/literal) from a JSON fragment or a typed column, the same as zod does: the base type
 * test, the typed value, then the field's checks (check-conditions.ts). Every column type and
 * text form not listed here is zod's. Apart from compile-checks.ts, which decides what missing
 * and null values become; this file holds what DuckDB and JavaScript provably agree on.
 */
import type { SqlExpr } from '../sql/sql-node.js';
import { and, bin, caseWhen, cast, eq, fn, isNull, lit, not, or } from '../sql/sql-builders.js';
import { MICROSECONDS_LIKE, SECONDS_LIKE } from './epoch-numbers.js';
import type { FieldSite } from './field-accept.js';
import type { ColumnType } from './describe-schema.js';
import type { FieldModel } from './zod-field-model.js';
import { fragmentIsBoolean, fragmentIsString, fragmentString } from './field-sites.js';
import { checkCondition, integerCheckOnIntegers } from './check-conditions.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const JS_DATE_LIMIT_MS = 8.64e15;

/**
 * Date-time text on which `new Date(text)` (run in UTC, as sluice runs zod) and DuckDB's casts
 * provably agree once floored to the millisecond — a property test compares them form by form.
 * A date, or a date and a time (`T` or a space between them, as CSV exports and databases write
 * it; seconds optional, and up to six fraction digits, which JavaScript truncates to three, as
 * Python's isoformat() writes them), then either nothing or `Z` (read as UTC:
 * `ISO_UTC_OR_ZONELESS_RE2`) or a UTC offset `±HH:MM` / `±HHMM` (`ISO_OFFSET_RE2`). Not here,
 * so left to zod: years before 1000, hour 24, more than six fraction digits, `±HH` offsets and
 * lower-case `t`/`z` (which DuckDB refuses), and a zone after a time without seconds.
 */
const ISO_DATE = String.raw`[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])`;
const ISO_TIME = String.raw`[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?`;
const ISO_UTC_OR_ZONELESS_RE2 = `${ISO_DATE}(?:${ISO_TIME}Z?)?`;
const ISO_OFFSET_RE2 = `${ISO_DATE}${ISO_TIME}[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]`;

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const WIDE_INTEGER_TYPES = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);
/** DuckDB's floating-point column types (DESCRIBE spells REAL as FLOAT): values may be NaN or ±Infinity. */
export const FLOAT_TYPES: ReadonlySet<string> = new Set(['DOUBLE', 'FLOAT']);
const DECIMAL_TYPE = /^DECIMAL\(\d+,\s*\d+\)$/;
const TIMESTAMP_TYPES = new Set(['TIMESTAMP', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP WITH TIME ZONE', 'DATE']);

/** Accept condition and typed value for a present, non-null value. */
export function presentAccept(
  field: FieldModel, type: ColumnType, site: FieldSite, notCompiled: string[], patterns: Set<string>, refused: ReadonlySet<string>, floorInstants: boolean,
): { accept: SqlExpr; value: SqlExpr } {
  const reject = { accept: lit(false), value: lit(null) };
  if (field.notCompiled.length > 0 || field.base === 'unsupported') return reject;
  const read = readPresent(field, type, site, floorInstants);
  if (!read) return reject;
  let { accept } = read;
  const { value } = read;
  const subject = field.base === 'date' ? fn('epoch_ms', value) : value;
  if (field.base === 'enum' || field.base === 'literal') accept = and(accept, { kind: 'in', operand: value, list: field.values.map((v) => lit(v)), negated: false });
  const integral = site.columnType === undefined ? undefined : integerColumnRange(site.columnType);
  for (const check of field.checks) {
    const condition = check.kind === 'integer' && integral ? integerCheckOnIntegers(check, subject, integral) : checkCondition(check, subject, field.base, patterns, refused);
    if (condition === undefined) {
      notCompiled.push(`a check DuckDB cannot run the same way (${check.kind}${check.kind === 'pattern' ? ` ${check.regex}` : ''}; left to zod)`);
      return reject;
    }
    if (condition.kind === 'literal' && condition.value === true) continue;
    accept = and(accept, condition);
  }
  return { accept, value };
}

/** The base type test and the typed value, before checks; undefined when SQL cannot read it exactly. */
function readPresent(field: FieldModel, type: ColumnType, site: FieldSite, floorInstants: boolean): { accept: SqlExpr; value: SqlExpr } | undefined {
  const kind = field.base === 'literal' ? typeof field.values[0] : field.base === 'enum' ? 'string' : field.base;
  switch (kind) {
    case 'string':
      if (site.fragment) return { accept: fragmentIsString(site.fragment), value: fragmentString(site.fragment) };
      return site.columnType === 'VARCHAR' ? { accept: lit(true), value: site.column! } : undefined;
    case 'boolean':
      if (site.fragment) return { accept: fragmentIsBoolean(site.fragment), value: eq(site.fragment, lit('true')) };
      return site.columnType === 'BOOLEAN' ? { accept: lit(true), value: site.column! } : undefined;
    case 'number':
      return numberAccept(site, type === 'integer', field.coerce);
    case 'date':
      return dateAccept(site, field.coerce, floorInstants);
    default:
      return undefined;
  }
}

function numberAccept(site: FieldSite, integer: boolean, coerce: boolean): { accept: SqlExpr; value: SqlExpr } | undefined {
  if (site.fragment) {
    // Only JSON numbers: DuckDB casts some words ('false', 'infinity'…) to doubles, so rule
    // out strings and the literals first; arrays and objects do not cast.
    const d = fn('try_double', site.fragment);
    const notNumber: SqlExpr = { kind: 'in', operand: site.fragment, list: [lit('true'), lit('false'), lit('null')], negated: false };
    // An integer literal beyond 2^53 reads as the nearest double here and in JS alike, but
    // digits it loses are worth a note (json-integer-precision.ts), which zod's side takes: SQL
    // keeps only the literals the double holds exactly (equal as 64-bit integers; NULL past them).
    const tryBigint = (e: SqlExpr): SqlExpr => ({ kind: 'cast', operand: e, to: 'bigint', try: true });
    const exactOrNotInteger = or(
      { kind: 'between', operand: d, low: lit(-MAX_SAFE), high: lit(MAX_SAFE), negated: false },
      not(fn('regexp_full_match', site.fragment, lit('-?[0-9]+'))),
      eq(tryBigint(site.fragment), tryBigint(d)),
    );
    const number = { accept: and(not(fragmentIsString(site.fragment)), not(notNumber), fn('is_finite', d), exactOrNotInteger), value: d };
    if (!coerce) return number;
    // z.coerce.number() of a JSON string ("12.50", as some APIs send numbers).
    const text = decimalText(fragmentString(site.fragment));
    return {
      accept: or(number.accept, and(fragmentIsString(site.fragment), text.accept)),
      value: caseWhen([{ when: fragmentIsString(site.fragment), then: text.value }], d),
    };
  }
  const t = site.columnType ?? '';
  const c = site.column;
  if (!c) return undefined;
  if (INTEGER_TYPES.has(t)) return { accept: lit(true), value: cast(c, integer ? 'bigint' : 'double') };
  // Values beyond 2^53 do not survive the trip to a JS number: leave them to zod.
  if (WIDE_INTEGER_TYPES.has(t)) return { accept: { kind: 'between', operand: c, low: lit(-MAX_SAFE), high: lit(MAX_SAFE), negated: false }, value: cast(c, integer ? 'bigint' : 'double') };
  if (FLOAT_TYPES.has(t)) return { accept: fn('is_finite', cast(c, 'double')), value: cast(c, 'double') };
  // zod sees a DECIMAL as DuckDB's own cast to DOUBLE makes it (duckdb-row-values.ts), always finite.
  if (DECIMAL_TYPE.test(t)) return { accept: lit(true), value: cast(c, 'double') };
  if (t === 'VARCHAR' && coerce) return decimalText(c);
  return undefined;
}

/**
 * Decimal text and the double `Number(text)` makes of it: for plain decimal notation DuckDB's
 * cast and JavaScript both round correctly, so they agree to the bit (a property test compares
 * them). Anything else `Number()` reads — blank text (0), white space around digits, `0x10`,
 * `Infinity` — is zod's, and with it the notes on blank text made 0.
 */
function decimalText(text: SqlExpr): { accept: SqlExpr; value: SqlExpr } {
  const value = fn('try_double', text);
  return { accept: and(fn('regexp_full_match', text, lit(DECIMAL_TEXT_RE2)), fn('is_finite', value)), value };
}

const DECIMAL_TEXT_RE2 = String.raw`[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?`;

/**
 * A number under z.coerce.date(): `new Date(x)` reads it as milliseconds since 1970. SQL takes
 * whole numbers outside the ranges that look like seconds or microseconds (epoch-numbers.ts),
 * which zod gets so that the run can note them; everything within ±10^14 ms (the year 5138) else.
 */
function epochMilliseconds(x: SqlExpr): { accept: SqlExpr; value: SqlExpr } {
  const within = (low: number, high: number): SqlExpr => ({ kind: 'between', operand: x, low: lit(low), high: lit(high), negated: false });
  const [secondsFrom] = SECONDS_LIKE;
  const [microsecondsFrom] = MICROSECONDS_LIKE;
  const plausible = or(within(-(secondsFrom - 1), secondsFrom - 1), within(SECONDS_LIKE[1], microsecondsFrom - 1), within(-(microsecondsFrom - 1), -SECONDS_LIKE[1]));
  const accept = and(eq(fn('trunc', x), x), plausible);
  // Only the accepted values reach the cast (a 1e300 would not fit a BIGINT).
  return { accept, value: fn('timestamp_from_ms', caseWhen([{ when: accept, then: cast(x, 'bigint') }], lit(null))) };
}

function dateAccept(site: FieldSite, coerce: boolean, floorInstants: boolean): { accept: SqlExpr; value: SqlExpr } | undefined {
  const isoText = (s: SqlExpr): { accept: SqlExpr; value: SqlExpr } => {
    // DuckDB's TIMESTAMP cast ignores an offset, so text with one goes through TIMESTAMPTZ.
    const withOffset = fn('regexp_full_match', s, lit(ISO_OFFSET_RE2));
    const value = fn('floor_ms', caseWhen([{ when: withOffset, then: fn('try_offset_instant', s) }], fn('try_timestamp', s)));
    return { accept: and(or(fn('regexp_full_match', s, lit(ISO_UTC_OR_ZONELESS_RE2)), withOffset), isNull(value, true)), value };
  };
  if (site.fragment) {
    if (!coerce) return undefined; // JSON has no Date: only z.coerce.date() can accept text or numbers
    const text = isoText(fragmentString(site.fragment));
    const d = fn('try_double', site.fragment);
    const notNumber: SqlExpr = { kind: 'in', operand: site.fragment, list: [lit('true'), lit('false'), lit('null')], negated: false };
    const number = epochMilliseconds(d);
    return {
      accept: or(and(fragmentIsString(site.fragment), text.accept), and(not(fragmentIsString(site.fragment)), not(notNumber), fn('is_finite', d), number.accept)),
      value: caseWhen([{ when: fragmentIsString(site.fragment), then: text.value }], number.value),
    };
  }
  const t = site.columnType ?? '';
  const c = site.column;
  if (!c) return undefined;
  if (t === 'VARCHAR') return coerce ? isoText(c) : undefined;
  if (coerce && (INTEGER_TYPES.has(t) || WIDE_INTEGER_TYPES.has(t) || t === 'DOUBLE' || t === 'FLOAT')) {
    const number = epochMilliseconds(t === 'DOUBLE' || t === 'FLOAT' ? cast(c, 'double') : c);
    return { accept: and(fn('is_finite', cast(c, 'double')), number.accept), value: number.value };
  }
  if (TIMESTAMP_TYPES.has(t) || t === 'TIMESTAMP_NS') {
    // zod sees the instant floored to the millisecond (duckdb-row-values.ts), within JS's range
    // of dates. Seconds, milliseconds and dates are whole milliseconds, and a plain cast reads
    // them exactly; so does it a microsecond instant without digits below the millisecond.
    const ts = t === 'DATE' ? cast(c, 'timestamp') : c;
    const inRange = (ms: SqlExpr): SqlExpr => ({ kind: 'between', operand: ms, low: lit(-JS_DATE_LIMIT_MS), high: lit(JS_DATE_LIMIT_MS), negated: false });
    if (t === 'TIMESTAMP_NS' || (floorInstants && (t === 'TIMESTAMP' || t === 'TIMESTAMP WITH TIME ZONE'))) {
      const ms = t === 'TIMESTAMP_NS' ? fn('floor_div', fn('epoch_ns', c), lit(1_000_000)) : fn('floor_div', fn('epoch_us', c), lit(1000));
      return { accept: inRange(ms), value: fn('timestamp_from_ms', ms) };
    }
    const ms = fn('epoch_ms', ts);
    const wholeMs = t === 'DATE' || t === 'TIMESTAMP_S' || t === 'TIMESTAMP_MS';
    const accept = wholeMs ? inRange(ms) : and(eq(bin('%', fn('epoch_us', ts), lit(1000)), lit(0)), inRange(ms));
    // A zoned value goes through the epoch, whatever the session's zone.
    return { accept, value: t === 'TIMESTAMP WITH TIME ZONE' ? fn('timestamp_from_ms', ms) : cast(ts, 'timestamp') };
  }
  return undefined;
}

/**
 * The values an integer column can hold once `readPresent` accepted them (a 64-bit column only
 * within JS's exact range); undefined for any other column type.
 */
function integerColumnRange(columnType: string): readonly [number, number] | undefined {
  if (WIDE_INTEGER_TYPES.has(columnType)) return [-MAX_SAFE, MAX_SAFE];
  return NARROW_INTEGER_RANGES[columnType];
}

const NARROW_INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [-128, 127], SMALLINT: [-32_768, 32_767], INTEGER: [-2_147_483_648, 2_147_483_647],
  UTINYINT: [0, 255], USMALLINT: [0, 65_535], UINTEGER: [0, 4_294_967_295],
};
