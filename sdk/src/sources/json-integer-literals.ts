/**
 * Integer literals that `JSON.parse` rounded (and CSV number cells that `Number()` did).
 *
 * A JSON number is read as a JavaScript number, a double, which holds every integer exactly
 * only up to 2^53 (9,007,199,254,740,992). Beyond it `JSON.parse` gives the nearest double:
 * `9007199254740993` reads as 9007199254740992 and the 19-digit order number
 * `1234567890123456789` as 1234567890123456800. Twitter- and Discord-style ids, order numbers
 * and 64-bit hashes are written that way, and the lost digits make another id. Nothing in the
 * parsed value says it happened; only the text does. This finds, for the fields of a
 * record, the literals whose digits the parsed value lost, so that the record keeps them where
 * the schema can hold them (z.coerce.string(), z.coerce.bigint()) and the run says where it
 * cannot. Fields of nested objects are looked into; arrays are not.
 */

/** 2^53 - 1: every integer up to this holds exactly in a double. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
/** An integer literal as JSON writes it, or as a CSV cell may (a sign, leading zeros). */
const INTEGER_LITERAL = /^[+-]?\d+$/;

/** Where `JSON.parse` rounded an integer literal: the keys from the record down to it, and the digits as written. */
export interface RoundedInteger {
  readonly path: readonly string[];
  readonly digits: string;
}

/**
 * The fields of a JSON object, at any depth of nested objects (not inside arrays), whose integer
 * literal `JSON.parse` rounded. `value` is `JSON.parse(text)`; undefined when no field lost a
 * digit (the usual case, decided from `value` alone without reading the text). A literal written
 * with a fraction or an exponent (`1.5e19`) is a double by its writer's choice and is not listed.
 *
 * @example
 * ```ts
 * const text = '{"id": 1234567890123456789, "user": {"id": 9007199254740993}, "n": 3}';
 * roundedIntegerLiterals(text, JSON.parse(text))
 * // [{ path: ['id'], digits: '1234567890123456789' }, { path: ['user', 'id'], digits: '9007199254740993' }]
 * roundedIntegerLiterals('{"n": 3}', { n: 3 }) // undefined
 * ```
 */
export function roundedIntegerLiterals(text: string, value: Readonly<Record<string, unknown>>): RoundedInteger[] | undefined {
  if (!hasInexactInteger(value)) return undefined;
  try {
    return roundedAmong(text, value);
  } catch (error) {
    // Objects nested deeper than the stack (valid JSON: JSON.parse reads it iteratively): such a
    // record keeps JSON.parse's values; a local run quarantines it as too deep to write back.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function roundedAmong(text: string, value: Readonly<Record<string, unknown>>): RoundedInteger[] | undefined {
  const rounded: RoundedInteger[] = [];
  const compare = (literals: LiteralTree, parsed: Readonly<Record<string, unknown>>, path: readonly string[]): void => {
    for (const [key, literal] of literals) {
      const v = parsed[key];
      if (typeof literal === 'string') {
        const digits = typeof v === 'number' ? roundedIntegerDigits(literal, v) : undefined;
        if (digits !== undefined) rounded.push({ path: [...path, key], digits });
      } else if (isPlainObject(v)) compare(literal, v, [...path, key]);
    }
  };
  compare(numberLiterals(text), value, []);
  return rounded.length > 0 ? rounded : undefined;
}

/**
 * Whether an integer-valued number beyond 2^53 - 1 sits in the object or its nested objects:
 * only those can have lost digits. A loop over a stack, not recursion: every record passes
 * here, and a record may nest deeper than the call stack goes.
 */
function hasInexactInteger(value: Readonly<Record<string, unknown>>): boolean {
  // Nested objects wait here; a flat record (the usual one) allocates nothing.
  let pending: Readonly<Record<string, unknown>>[] | undefined;
  for (let object: Readonly<Record<string, unknown>> | undefined = value; object !== undefined; object = pending?.pop()) {
    for (const key in object) {
      const v = object[key];
      if (typeof v === 'number') {
        if ((v > MAX_EXACT || v < -MAX_EXACT) && Number.isFinite(v)) return true;
      } else if (isPlainObject(v)) (pending ??= []).push(v);
    }
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The integer `literal` in canonical digits (no `+`, no leading zeros: JSON's spelling) when
 * reading it gave `parsed`, a different number that does not print as the literal either; else
 * undefined. A CSV number cell is checked with this too.
 *
 * @example
 * ```ts
 * roundedIntegerDigits('9007199254740993', 9007199254740992) // '9007199254740993'
 * roundedIntegerDigits('+09007199254740993', 9007199254740992) // '9007199254740993'
 * roundedIntegerDigits('9007199254740992', 9007199254740992) // undefined: exact
 * roundedIntegerDigits('1234567890123456800', 1234567890123456800) // undefined: how that double prints
 * roundedIntegerDigits('1.5e19', 1.5e19)                       // undefined: not an integer literal
 * ```
 */
export function roundedIntegerDigits(literal: string, parsed: number): string | undefined {
  if (!(parsed > MAX_EXACT || parsed < -MAX_EXACT) || !Number.isFinite(parsed)) return undefined;
  const text = literal.trim();
  if (!INTEGER_LITERAL.test(text)) return undefined;
  const exact = BigInt(text);
  const digits = exact.toString();
  // The double is that integer, or the literal is how the double prints (JavaScript writes doubles
  // below 1e21 as integers, 1234567890123456800 for …768): the text says nothing the double does not.
  return exact === BigInt(parsed) || String(parsed) === digits ? undefined : digits;
}

/** A JSON object's number literals by key; a nested object's own, under its key. */
export type LiteralTree = Map<string, string | LiteralTree>;

/**
 * The number literals of a JSON object's members and of its nested objects' members (arrays
 * are not looked into), the last of a repeated key winning (as in `JSON.parse`). `text` must be
 * JSON that `JSON.parse` read as an object: this only walks it, it does not validate it.
 *
 * @example
 * ```ts
 * numberLiterals('{"a": -12, "b": {"c": 3, "d": [4]}, "e\\u0041": 1e3}')
 * // Map { 'a' => '-12', 'b' => Map { 'c' => '3' }, 'eA' => '1e3' }
 * ```
 */
export function numberLiterals(text: string): LiteralTree {
  const start = skipSpace(text, 0);
  return text[start] === '{' ? objectLiterals(text, start).literals : new Map();
}

/** The literals of the object that starts at `i`, and the index after it. */
function objectLiterals(text: string, i: number): { literals: LiteralTree; end: number } {
  const literals: LiteralTree = new Map();
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== '}') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    i = skipSpace(text, i + 1); // the ':'
    const first = text.charCodeAt(i);
    let valueEnd: number;
    if (first === 0x7b) {
      const nested = objectLiterals(text, i);
      literals.set(key, nested.literals);
      valueEnd = nested.end;
    } else {
      valueEnd = valueEndAt(text, i);
      if (first === 0x2d || (first >= 0x30 && first <= 0x39)) literals.set(key, text.slice(i, valueEnd));
      else literals.delete(key);
    }
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return { literals, end: i + 1 };
}

/** JSON's white space: space, tab, line feed, carriage return. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** The index after the string that starts (with its quote) at `i`. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++; // a backslash: the next character is escaped
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

/** The index after the value that starts at `i`: a string, an object or array (nesting skipped), or a number or word. */
function valueEndAt(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = stringEnd(text, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \t\n\r'.includes(text[j]!)) j++;
  return j;
}
