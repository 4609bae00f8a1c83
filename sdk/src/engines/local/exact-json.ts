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
 * And the digits `JSON.parse` rounded away: an integer literal beyond 2^53 (a 19-digit id) is
 * written as it was in the source, not as the nearest double, so that DuckDB reads it
 * exactly and validation can give zod every digit where the schema keeps them.
 */
import type { RoundedInteger } from '../../sources/json-integer-literals.js';

/**
 * `JSON.stringify(value)`, except that ±Infinity and -0 survive the round trip through
 * `JSON.parse`, and the fields of `literals` (from `RawRecord.roundedIntegers`) are written
 * with those digits.
 *
 * @example
 * ```ts
 * exactJson({ x: JSON.parse('1e400'), y: -0, z: 'a' }) // '{"x":1e999,"y":-0.0,"z":"a"}'
 * JSON.parse(exactJson({ x: Infinity })).x            // Infinity
 * exactJson({ user: { id: 9007199254740992 } }, [{ path: ['user', 'id'], digits: '9007199254740993' }]) // '{"user":{"id":9007199254740993}}'
 * ```
 */
export function exactJson(value: unknown, literals?: readonly RoundedInteger[]): string {
  if (literals) return writeObject(value as Record<string, unknown>, digitsTree(literals));
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

/** The digits to write, by key; those of a nested object under its key. */
type DigitsTree = Map<string, string | DigitsTree>;

function digitsTree(literals: readonly RoundedInteger[]): DigitsTree {
  const root: DigitsTree = new Map();
  for (const { path, digits } of literals) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node.get(key);
      if (next instanceof Map) node = next;
      else node.set(key, (node = new Map()));
    }
    node.set(path.at(-1)!, digits);
  }
  return root;
}

function writeObject(value: Record<string, unknown>, digits?: DigitsTree): string {
  const members: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const own = digits?.get(key);
    const text = typeof own === 'string' ? own : own && v !== null && typeof v === 'object' && !Array.isArray(v) ? writeObject(v as Record<string, unknown>, own) : write(v);
    members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
