/**
 * JSON text for a decoded record that `JSON.parse` reads back as the same value.
 *
 * The sources decode records with `JSON.parse` (JSON Lines) or by typing CSV cells, and both
 * can yield numbers that `JSON.stringify` cannot write: an out-of-range literal such as `1e400`
 * is Infinity, and `-0` is negative zero. `JSON.stringify` writes them as `null` and `0`, so
 * a row that zod would reject (Infinity is not a number to zod) became a valid null, and a
 * sign was dropped. Here they are written as `1e999`, `-1e999` and `-0.0`: valid JSON that
 * `JSON.parse` reads back exactly, and that DuckDB reads as ±inf (which the SQL fast path
 * never accepts) and as -0.0 (which it keeps).
 *
 * And the digits `JSON.parse` rounded away: a top-level integer literal beyond 2^53 (a 19-digit
 * id) is written as it was in the source, not as the nearest double, so that DuckDB reads it
 * exactly and validation can give zod every digit where the schema keeps them.
 */

/**
 * `JSON.stringify(value)`, except that ±Infinity and -0 survive the round trip through
 * `JSON.parse`, and the top-level fields of `literals` (field → integer literal, from
 * `RawRecord.roundedIntegers`) are written with those digits.
 *
 * @example
 * ```ts
 * exactJson({ x: JSON.parse('1e400'), y: -0, z: 'a' }) // '{"x":1e999,"y":-0.0,"z":"a"}'
 * JSON.parse(exactJson({ x: Infinity })).x            // Infinity
 * exactJson({ id: 9007199254740992 }, new Map([['id', '9007199254740993']])) // '{"id":9007199254740993}'
 * ```
 */
export function exactJson(value: unknown, literals?: ReadonlyMap<string, string>): string {
  if (literals) return writeObject(value as Record<string, unknown>, literals);
  // The walk is cheap next to serialising; the slow writer runs only for the rare record that needs it.
  return hasSpecialNumber(value) ? write(value) : JSON.stringify(value);
}

function isSpecial(n: number): boolean {
  return !Number.isFinite(n) || Object.is(n, -0);
}

function hasSpecialNumber(value: unknown): boolean {
  if (typeof value === 'number') return isSpecial(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasSpecialNumber);
  for (const key in value) if (hasSpecialNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

function write(value: unknown): string {
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0.0';
    if (value === Infinity) return '1e999';
    if (value === -Infinity) return '-1e999';
    // No source decodes NaN (JSON has no literal for it; CSV typing does not produce it). Were one
    // to, the text is not JSON and the row is quarantined as such, rather than nulled silently.
    if (Number.isNaN(value)) return 'NaN';
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  return writeObject(value as Record<string, unknown>);
}

function writeObject(value: Record<string, unknown>, literals?: ReadonlyMap<string, string>): string {
  const members: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) members.push(`${JSON.stringify(key)}:${literals?.get(key) ?? write(v)}`);
  }
  return `{${members.join(',')}}`;
}
