/**
 * What validation does with the digits `JSON.parse` rounds away (sources/json-integer-literals.ts).
 *
 * A top-level field whose schema keeps text or exact integers — `z.coerce.string()`,
 * `z.coerce.bigint()` — is given to zod as the literal's digits, so the id
 * `1234567890123456789` stays that id (String() and BigInt() of the digits are what they would
 * be of the exact number; a CSV cell already reaches them as text). Every other field keeps
 * the double `JSON.parse` made, as zod alone would see it, and a row zod accepts with such a
 * value is counted for a note, so that the run says digits were lost instead of hiding it. The
 * state is a CoercionState (entries `rounded:<field>`), which both backends already carry and
 * the event stage keeps in its checkpoints.
 */
import type { z } from 'zod';
import type { CoercionState } from './coercion-surprises.js';

export interface JsonIntegerPrecision {
  /**
   * The record as zod should see it: `value` itself, or, when a field that keeps digits lost
   * some (`rounded`: field → literal, from the JSON text), a copy holding those digits as text.
   */
  input(value: Record<string, unknown>, rounded: ReadonlyMap<string, string> | undefined): Record<string, unknown>;
  /** Records a row zod accepted: each field still holding a rounded number is counted. */
  observe(rounded: ReadonlyMap<string, string> | undefined, input: Readonly<Record<string, unknown>>, output: Readonly<Record<string, unknown>>, state: CoercionState): void;
  /** One note per field that holds rounded values, in the order they were first seen. */
  notes(state: Readonly<CoercionState>): string[];
}

const PREFIX = 'rounded:';

/**
 * The precision rules for `schema`'s top-level fields.
 *
 * @example
 * ```ts
 * const precision = jsonIntegerPrecision(z.object({ id: z.coerce.string(), n: z.number() }));
 * const rounded = new Map([['id', '1234567890123456789'], ['n', '1234567890123456789']]);
 * const input = precision.input({ id: 1234567890123456800, n: 1234567890123456800 }, rounded);
 * // { id: '1234567890123456789', n: 1234567890123456800 }
 * precision.observe(rounded, input, schema.parse(input), state);
 * precision.notes(state); // ['n: 1 integer in the source had more digits than … e.g. 1234567890123456789 as 1234567890123456800 …']
 * ```
 */
export function jsonIntegerPrecision(schema: z.ZodType): JsonIntegerPrecision {
  const keepDigits = fieldsKeepingDigits(schema);
  return {
    input(value, rounded) {
      if (!rounded || keepDigits.size === 0) return value;
      let copy: Record<string, unknown> | undefined;
      for (const [field, literal] of rounded) {
        if (!keepDigits.has(field)) continue;
        copy ??= { ...value };
        copy[field] = literal;
      }
      return copy ?? value;
    },
    observe(rounded, input, output, state) {
      if (!rounded) return;
      for (const [field, literal] of rounded) {
        // Kept as digits, or dropped by the schema (an unknown key it strips): nothing was lost.
        if (typeof input[field] !== 'number' || output[field] === undefined) continue;
        const key = `${PREFIX}${field}`;
        const entry = state[key];
        if (entry) entry.count++;
        else state[key] = { count: 1, shown: `${literal} as ${String(input[field])}` };
      }
    },
    notes(state) {
      const notes: string[] = [];
      for (const [key, { count, shown }] of Object.entries(state)) {
        if (!key.startsWith(PREFIX)) continue;
        const field = key.slice(PREFIX.length);
        const one = count === 1;
        notes.push(
          `${field}: ${count.toLocaleString('en-US')} integer${one ? '' : 's'} in the source had more digits than a JavaScript number holds exactly (beyond 2^53) ` +
            `and ${one ? 'was' : 'were'} read as the nearest one, e.g. ${shown}: ${one ? 'that row is' : 'those rows are'} valid and ${one ? 'holds' : 'hold'} the rounded value, here and in AWS. ` +
            `If ${field} is an identifier, validate it as z.coerce.string() or z.coerce.bigint(): sluice then keeps every digit.`,
        );
      }
      return notes;
    },
  };
}

interface Def {
  readonly type: string;
  readonly coerce?: boolean;
  readonly innerType?: { _zod: { def: Def } };
  readonly shape?: Record<string, { _zod: { def: Def } }>;
}

/** Wrappers that hand a present value to their inner schema unchanged. */
const PASS_THROUGH = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** Top-level fields that are z.coerce.string() or z.coerce.bigint() under pass-through wrappers. */
function fieldsKeepingDigits(schema: z.ZodType): ReadonlySet<string> {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const fields = new Set<string>();
  if (def.type !== 'object' || !def.shape) return fields;
  for (const [name, field] of Object.entries(def.shape)) {
    let inner = field._zod.def;
    while (PASS_THROUGH.has(inner.type) && inner.innerType) inner = inner.innerType._zod.def;
    if (inner.coerce === true && (inner.type === 'string' || inner.type === 'bigint')) fields.add(name);
  }
  return fields;
}
