/**
 * z.coerce.* turns a null into a value before any check sees it: String(null) is "null",
 * Number(null) is 0, Boolean(null) is false, new Date(null) is 1970-01-01. A JSON null or a
 * NULL in a Parquet column then makes a valid row: nothing is quarantined, and the made-up value
 * goes into the validated zone and the features. This counts those values among the rows zod
 * accepted and words a note per field, so that the run says so instead of hiding it.
 *
 * One more coercion changes meaning without a null: Boolean("false") is true, as for any
 * non-empty text. Text that z.stringbool() would read as false and that became true is counted.
 *
 * Missing keys are counted the same way (String(undefined) is "undefined"), though zod 4.6
 * rejects a missing key of a coerced field inside an object ("expected nonoptional") before
 * coercing it; a zod that coerces them would be caught here too.
 */
import type { z } from 'zod';
import { modelSchema, type FieldModel } from './zod-field-model.js';

/** What each coercion is in JS, as the note names it. */
const COERCION: Partial<Record<FieldModel['base'], string>> = {
  string: 'z.coerce.string() (String(x))',
  number: 'z.coerce.number() (Number(x))',
  boolean: 'z.coerce.boolean() (Boolean(x))',
  date: 'z.coerce.date() (new Date(x))',
};

/** Text z.stringbool() reads as false (its default falsy list, case-insensitive), which Boolean() makes true. */
const READS_AS_FALSE = /^(false|0|no|off|n|disabled)$/i;

interface Seen {
  count: number;
  example: unknown;
}

export interface CoercionSurprises {
  /** Records one row zod accepted: `input` as given to zod, `output` what it returned. */
  observe(input: unknown, output: Record<string, unknown>): void;
  /** One note per field and kind (missing, null) that got invented values, in schema order. */
  notes(): string[];
}

/**
 * Tracks the values z.coerce made of nulls and missing keys of `schema`'s top-level fields, and
 * the text z.coerce.boolean() made true although it reads as false. A field whose wrappers
 * answer for missing keys (`.optional()`, `.default()`) or for null (`.nullable()`) never
 * reaches the coercion with them, and is not counted for them.
 *
 * @example
 * ```ts
 * const coerced = coercionSurprises(z.object({ city: z.coerce.string() }));
 * coerced.observe({ city: null }, { city: 'null' });
 * coerced.notes(); // ['city: z.coerce.string() (String(x)) made "null" of 1 null value: …']
 * ```
 */
export function coercionSurprises(schema: z.ZodType): CoercionSurprises {
  const fields = modelSchema(schema).fields.filter((f) => f.coerce && COERCION[f.base] !== undefined && (f.absent.kind === 'zod' || f.null.kind === 'zod' || f.base === 'boolean'));
  const missing = new Map<string, Seen>();
  const nulls = new Map<string, Seen>();
  const falseText = new Map<string, Seen>();
  const record = (seen: Map<string, Seen>, name: string, value: unknown): void => {
    const entry = seen.get(name);
    if (entry) entry.count++;
    else seen.set(name, { count: 1, example: value });
  };
  return {
    observe(input, output) {
      if (fields.length === 0 || typeof input !== 'object' || input === null) return;
      const given = input as Record<string, unknown>;
      for (const field of fields) {
        const before = given[field.name];
        const after = output[field.name];
        if (after === undefined || after === null) continue;
        if (before === undefined && field.absent.kind === 'zod') record(missing, field.name, after);
        else if (before === null && field.null.kind === 'zod') record(nulls, field.name, after);
        else if (after === true && field.base === 'boolean' && typeof before === 'string' && READS_AS_FALSE.test(before.trim())) record(falseText, field.name, before);
      }
    },
    notes() {
      const notes: string[] = [];
      for (const field of fields) {
        for (const [seen, what, keep] of [[missing, 'missing', '.optional()'], [nulls, 'null', '.nullable()']] as const) {
          const entry = seen.get(field.name);
          if (!entry) continue;
          const n = entry.count.toLocaleString('en-US');
          notes.push(
            `${field.name}: ${COERCION[field.base]} made ${show(entry.example)} of ${n} ${what} value${entry.count === 1 ? '' : 's'}: ` +
              `${entry.count === 1 ? 'that row is' : 'those rows are'} valid and ${entry.count === 1 ? 'holds' : 'hold'} it, here and in AWS. ` +
              `To keep them ${what}, add ${keep} after the coercion; to quarantine them, validate ${field.name} without z.coerce or with a check the invented value fails.`,
          );
        }
        const text = falseText.get(field.name);
        if (text) {
          notes.push(
            `${field.name}: ${COERCION[field.base]} made true of ${text.count.toLocaleString('en-US')} text${text.count === 1 ? '' : 's'} that read${text.count === 1 ? 's' : ''} as false (e.g. ${JSON.stringify(text.example)}): ` +
              `Boolean() is true for any non-empty text. Use z.stringbool() to read "true"/"false", "1"/"0", "yes"/"no" text as booleans.`,
          );
        }
      }
      return notes;
    },
  };
}

function show(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
