/**
 * A row of a union of kinds keeps only the fields its kind names. A loose kind
 * (`z.looseObject`, `.passthrough()`) outputs the row's other keys too, and one of them may be
 * another kind's field — a column: stored, it would hold a value no rule checked, of any type.
 * So, as a single loose object's unknown keys are never stored, a kind's unknown keys are not:
 * the columns of fields the kind does not name are null in its rows, on both backends and on the
 * SQL fast path alike.
 */
import type { z } from 'zod';
import type { RowFlattener } from './nested-fields.js';

type Inst = { _zod: { def: { type: string; discriminator?: string; options?: readonly Inst[]; shape?: Record<string, unknown>; catchall?: Inst }; propValues?: Record<string, ReadonlySet<unknown>> } };

/**
 * For a z.discriminatedUnion with a loose kind: the output without the keys its kind does not
 * name. undefined when no kind keeps unknown keys (zod's output is then the kind's fields only).
 *
 * @example
 * ```ts
 * const only = kindFieldsOnly(z.discriminatedUnion('kind', [z.looseObject({ kind: z.literal('a') }), z.object({ kind: z.literal('b'), n: z.number() })]))!;
 * only({ kind: 'a', n: 'stray' }) // { kind: 'a' }
 * ```
 */
export function kindFieldsOnly(schema: z.ZodType): RowFlattener | undefined {
  const def = (schema as unknown as Inst)._zod.def;
  const discriminator = def.discriminator;
  if (def.type !== 'union' || discriminator === undefined || !def.options) return undefined;
  // zod picks the kind whose discriminator values (propValues) hold the row's value: the same lookup.
  const kinds = def.options.map((option) => ({
    values: option._zod.propValues?.[discriminator],
    keys: Object.keys(option._zod.def.shape ?? {}),
    loose: option._zod.def.catchall !== undefined && option._zod.def.catchall._zod.def.type !== 'never',
  }));
  if (!kinds.some((k) => k.loose)) return undefined;
  return (row) => {
    const kind = kinds.find((k) => k.values?.has(row[discriminator]));
    if (!kind?.loose) return row;
    const kept: Record<string, unknown> = {};
    for (const key of kind.keys) if (Object.hasOwn(row, key)) kept[key] = row[key];
    return kept;
  };
}
