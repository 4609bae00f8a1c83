/**
 * Where a field's value is in a raw row (field-accept.ts's FieldSite), for compile-checks.ts: a
 * fragment of JSON text in `_json`, read once it passes the guards here, or a typed column. Kept
 * apart from the readers of a present value (field-readers.ts), which only ask a site for its
 * fragment or column and never need to know how the row's text was vetted.
 */
import type { SqlExpr } from '../sql/sql-node.js';
import { and, bin, caseWhen, col, eq, fn, isNull, lit, not } from '../sql/sql-builders.js';
import type { FieldSite } from './field-accept.js';

/** Rows whose JSON text contains any of these are left to zod: DuckDB's JSON reader and
 * `JSON.parse` disagree (lenient NaN/Infinity and trailing commas, unpaired surrogates, NUL),
 * or the value would lose its sign (`-0`), or a key could repeat (first wins vs last wins). */
const JSON_HAZARDS_RE2 = String.raw`\\u[dD][89abAB]|\\u0000|NaN|Infinity|,\s*[}\]]|[:,\[]\s*-0(?:\.0*)?(?:[eE][+-]?[0-9]+)?\s*[,}\]]`;

/** `_json`, or NULL when the text is one the fast path must not read (see JSON_HAZARDS_RE2). */
export function guardedJson(): SqlExpr {
  const json = col('_json');
  // Nested CASEs so that no JSON function ever sees malformed text (DuckDB throws on it).
  // A JSON object is the only text starting with `{` once whitespace is skipped.
  const objectCheck = caseWhen([{ when: fn('regexp_search', json, lit(String.raw`^[ \t\n\r]*\{`)), then: json }]);
  const hazardCheck = caseWhen([{ when: not(fn('regexp_search', json, lit(JSON_HAZARDS_RE2))), then: objectCheck }]);
  return caseWhen([{ when: and(isNull(col('_error')), fn('json_valid', json)), then: hazardCheck }]);
}

/**
 * `_json` written by JSON.stringify, or NULL. Its only `\u` escapes are control characters and
 * unpaired surrogates (which DuckDB's reader rejects): rows with any are left to zod.
 */
export function canonicalGuard(): SqlExpr {
  const json = col('_json');
  return caseWhen([{ when: and(isNull(col('_error')), fn('starts_with', json, lit('{')), not(fn('contains', json, lit('\\u')))), then: json }]);
}

/** A JSON fragment's site: missing when the key is, null when it is JSON null. */
export function jsonSite(fragment: SqlExpr): FieldSite {
  return { missing: isNull(fragment), isNull: eq(fragment, lit('null')), fragment };
}

/** A JSON string fragment's text: unquoted directly, or decoded by DuckDB when it has escapes. */
export function fragmentString(f: SqlExpr): SqlExpr {
  const unquoted: SqlExpr = { kind: 'call', fn: 'substr', args: [f, lit(2), bin('-', { kind: 'call', fn: 'length', args: [f] }, lit(2))] };
  return caseWhen([{ when: fn('contains', f, lit('\\')), then: fn('json_extract_string', f, lit('$')) }], unquoted);
}

export function fragmentIsString(f: SqlExpr): SqlExpr {
  return fn('starts_with', f, lit('"'));
}

export function fragmentIsBoolean(f: SqlExpr): SqlExpr {
  return { kind: 'in', operand: f, list: [lit('true'), lit('false')], negated: false };
}

/** A typed column; it is missing (not null) in the rows of the objects that do not have it. */
export function typedSite(column: SqlExpr, columnType: string, absentIn: readonly string[]): FieldSite {
  const missing: SqlExpr = absentIn.length === 0 ? lit(false) : { kind: 'in', operand: col('_object'), list: absentIn.map((o) => lit(o)), negated: false };
  return { missing, isNull: isNull(column), column, columnType };
}

export function missingSite(): FieldSite {
  return { missing: lit(true), isNull: lit(false) };
}
