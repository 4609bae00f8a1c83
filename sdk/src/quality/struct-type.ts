/**
 * The fields of a DuckDB STRUCT type as DESCRIBE spells it (Parquet group columns are read as
 * STRUCTs): what the SQL fast path needs to check a nested z.object field by field in the
 * column itself, as it does in JSON text.
 */

/**
 * The field names and types of a STRUCT type, in order; undefined for any other type, and for a
 * STRUCT with two field names that differ only in case (DuckDB's struct_extract matches names
 * without regard to case, zod with).
 *
 * @example
 * ```ts
 * structFields('STRUCT(id VARCHAR, "geo info" STRUCT(country VARCHAR))')
 * // Map { 'id' => 'VARCHAR', 'geo info' => 'STRUCT(country VARCHAR)' }
 * structFields('VARCHAR') // undefined
 * ```
 */
export function structFields(type: string): ReadonlyMap<string, string> | undefined {
  if (!type.startsWith('STRUCT(') || !type.endsWith(')')) return undefined;
  const body = type.slice('STRUCT('.length, -1);
  const fields = new Map<string, string>();
  for (const part of topLevelParts(body)) {
    const entry = nameAndType(part.trim());
    if (!entry) return undefined;
    fields.set(entry[0], entry[1]);
  }
  const lower = new Set([...fields.keys()].map((k) => k.toLowerCase()));
  return lower.size === fields.size && fields.size > 0 ? fields : undefined;
}

/** `body` split at the commas outside parentheses and double quotes. */
function topLevelParts(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') quoted = !quoted; // a doubled quote inside a name toggles twice
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** `name TYPE` or `"quoted ""name""" TYPE`. */
function nameAndType(part: string): [string, string] | undefined {
  if (part.startsWith('"')) {
    let name = '';
    let i = 1;
    for (; i < part.length; i++) {
      if (part[i] === '"') {
        if (part[i + 1] === '"') {
          name += '"';
          i++;
          continue;
        }
        break;
      }
      name += part[i];
    }
    const rest = part.slice(i + 1).trim();
    return i < part.length && rest ? [name, rest] : undefined;
  }
  const space = part.indexOf(' ');
  if (space <= 0) return undefined;
  return [part.slice(0, space), part.slice(space + 1).trim()];
}
