/**
 * What validation does with the digits `JSON.parse` rounds away (sources/json-integer-literals.ts).
 *
 * A field (in a nested object too) whose schema keeps text or exact integers — `z.coerce.string()`,
 * `z.coerce.bigint()` — is given to zod as the literal's digits, so the id
 * `1234567890123456789` stays that id (String() and BigInt() of the digits are what they would
 * be of the exact number; a CSV cell already reaches them as text). Every other field keeps
 * the double `JSON.parse` made, as zod alone would see it, and a row zod accepts with such a
 * value is counted for a note, so that the run says digits were lost instead of hiding it. The
 * state is a CoercionState (entries `rounded:<path>`, `rounded:user.id`), which both backends already carry and
 * the event stage keeps in its checkpoints.
 */
import type { z } from 'zod';
import type { CoercionState } from './coercion-surprises.js';
import { valueAt } from './nested-fields.js';
import type { RoundedInteger } from '../sources/json-integer-literals.js';

export interface JsonIntegerPrecision {
  /**
   * The record as zod should see it: `value` itself, or, when a field that keeps digits lost
   * some (`rounded`, from the record's text), a copy holding those digits as text.
   */
  input(value: Record<string, unknown>, rounded: readonly RoundedInteger[] | undefined): Record<string, unknown>;
  /** Records a row zod accepted (`output`: zod's own, nested objects and all): each field still holding a rounded number is counted. */
  observe(rounded: readonly RoundedInteger[] | undefined, input: Readonly<Record<string, unknown>>, output: Readonly<Record<string, unknown>>, state: CoercionState): void;
  /** One note per field that holds rounded values, in the order they were first seen. */
  notes(state: Readonly<CoercionState>): string[];
}

const PREFIX = 'rounded:';

/**
 * The precision rules for `schema`'s fields, those of nested objects included.
 *
 * @example
 * ```ts
 * const precision = jsonIntegerPrecision(z.object({ id: z.coerce.string(), n: z.number() }));
 * const rounded = [{ path: ['id'], digits: '1234567890123456789' }, { path: ['n'], digits: '1234567890123456789' }];
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
      for (const { path, digits } of rounded) {
        if (!keepDigits.has(path.join('\u0000'))) continue;
        copy ??= { ...value };
        // Copy each enclosing object on the way down: the caller's record stays as it was.
        let node = copy;
        for (const key of path.slice(0, -1)) node = node[key] = { ...(node[key] as Record<string, unknown>) };
        node[path.at(-1)!] = digits;
      }
      return copy ?? value;
    },
    observe(rounded, input, output, state) {
      if (!rounded) return;
      for (const { path, digits } of rounded) {
        const given = valueAt(input, path);
        // Kept as digits, or dropped by the schema (a key it strips): nothing was lost.
        if (typeof given !== 'number' || valueAt(output, path) === undefined) continue;
        const key = `${PREFIX}${path.join('.')}`;
        const entry = state[key];
        if (entry) entry.count++;
        else state[key] = { count: 1, shown: `${digits} as ${String(given)}` };
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
  /** A discriminated union's row kinds. */
  readonly options?: readonly { _zod: { def: Def } }[];
}

/** Wrappers that hand a present value to their inner schema unchanged. */
const PASS_THROUGH = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** The paths (keys joined by U+0000) of fields that are z.coerce.string() or z.coerce.bigint() under pass-through wrappers, in nested objects and in any row kind too. */
function fieldsKeepingDigits(schema: z.ZodType): ReadonlySet<string> {
  const fields = new Set<string>();
  const walk = (def: Def, path: readonly string[]): void => {
    let inner = def;
    while (PASS_THROUGH.has(inner.type) && inner.innerType) inner = inner.innerType._zod.def;
    if (inner.type === 'object' && inner.shape) {
      for (const [name, field] of Object.entries(inner.shape)) walk(field._zod.def, [...path, name]);
    } else if (path.length === 0 && inner.type === 'union' && inner.options) {
      // Row kinds: a field that keeps its digits in any kind keeps them (the text is read once, before zod picks the kind).
      for (const option of inner.options) walk(option._zod.def, path);
    } else if (path.length > 0 && inner.coerce === true && (inner.type === 'string' || inner.type === 'bigint')) {
      fields.add(path.join('\u0000'));
    }
  };
  walk((schema as unknown as { _zod: { def: Def } })._zod.def, []);
  return fields;
}
