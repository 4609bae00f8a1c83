/**
 * zod's output of a schema with nested z.object fields, made the flat row sluice stores:
 * `{ user: { id: 'u1', country: 'DE' } }` becomes `{ user_id: 'u1', user_country: 'DE' }`
 * (describe-schema.ts names the columns). Both backends flatten the same way, after zod and
 * before any transform, gate or writer sees the row.
 */
import type { ColumnDescription } from './describe-schema.js';

/** Makes one validated row flat. */
export type RowFlattener = (row: Record<string, unknown>) => Record<string, unknown>;

/**
 * The flattener for a schema's columns, or undefined when no column is nested (the row is
 * stored as zod returns it).
 *
 * @example
 * ```ts
 * const flatten = rowFlattener(describeSchema(z.object({ user: z.object({ id: z.string() }).nullable(), n: z.number() })).columns)!;
 * flatten({ user: { id: 'u1' }, n: 1 }) // { n: 1, user_id: 'u1' }
 * flatten({ user: null, n: 2 })          // { n: 2, user_id: null }
 * ```
 */
export function rowFlattener(columns: readonly ColumnDescription[]): RowFlattener | undefined {
  const nested = columns.filter((c) => c.path !== undefined);
  if (nested.length === 0) return undefined;
  const parents = [...new Set(nested.map((c) => c.path![0]!))];
  return (row) => {
    const flat: Record<string, unknown> = { ...row };
    for (const parent of parents) delete flat[parent];
    for (const column of nested) {
      const value = valueAt(row, column.path!);
      // A missing object, or a null one: its fields are null (as a missing scalar is stored).
      flat[column.name] = value === undefined ? null : value;
    }
    return flat;
  };
}

/**
 * Steps applied in turn to zod's output to give the stored row (a union's kind fields, then
 * flattening); undefined when there are none.
 *
 * @example
 * ```ts
 * const store = storedRow(kindFieldsOnly(Event), rowFlattener(describeSchema(Event).columns));
 * const row = store ? store(output) : output;
 * ```
 */
export function storedRow(...steps: readonly (RowFlattener | undefined)[]): RowFlattener | undefined {
  const present = steps.filter((s): s is RowFlattener => s !== undefined);
  if (present.length <= 1) return present[0];
  return (row) => present.reduce((r, step) => step(r), row);
}

/**
 * The value at `path` inside nested objects; undefined where a key is missing or a value on the
 * way is not an object.
 *
 * @example
 * ```ts
 * valueAt({ user: { geo: { country: 'DE' } } }, ['user', 'geo', 'country']) // 'DE'
 * valueAt({ user: null }, ['user', 'id'])                                   // undefined
 * ```
 */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
