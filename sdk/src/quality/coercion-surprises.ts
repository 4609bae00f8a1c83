/**
 * z.coerce.* turns a null into a value before any check sees it: String(null) is "null",
 * Number(null) is 0, Boolean(null) is false, new Date(null) is 1970-01-01. A JSON null or a
 * NULL in a Parquet column then makes a valid row: nothing is quarantined, and the made-up value
 * goes into the validated zone and the features. This counts those values among the rows zod
 * accepted and words a note per field, so that the run says so instead of hiding it.
 *
 * Two more coercions change meaning without a null: Boolean("false") is true, as for any
 * non-empty text, and Number("") is 0, as for text of spaces only. Text that z.stringbool()
 * would read as false and that became true is counted, and blank text that became 0.
 *
 * And numbers z.coerce.date() reads as milliseconds that look like seconds or microseconds
 * since 1970 (epoch-numbers.ts): Unix time in seconds becomes an instant in 1970.
 *
 * Fields inside nested objects are watched too, and named by their path (`user.age`).
 *
 * Missing keys are counted the same way (String(undefined) is "undefined"), though zod 4.6
 * rejects a missing key of a coerced field inside an object ("expected nonoptional") before
 * coercing it; a zod that coerces them would be caught here too.
 */
import type { z } from 'zod';
import { epochUnitGuess } from './epoch-numbers.js';
import { valueAt } from './nested-fields.js';
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

/**
 * What one run (or one object, in the event stage) has seen so far: under `null:<field>`,
 * `missing:<field>`, `text:<field>`, `blank:<field>`, `seconds:<field>` and
 * `microseconds:<field>`, how many values and the first one as
 * the note shows it.
 * Plain data, so that the event stage can keep it in an object's checkpoint.
 */
export type CoercionState = Record<string, { count: number; shown: string }>;

export interface CoercionSurprises {
  /** Records one row zod accepted: `input` as given to zod, `output` what it returned. */
  observe(input: unknown, output: Readonly<Record<string, unknown>>, state: CoercionState): void;
  /** One note per field and kind that got made-up values, in schema order. */
  notes(state: Readonly<CoercionState>): string[];
}

/**
 * Watches the values z.coerce makes of nulls and missing keys of `schema`'s top-level fields,
 * and the text z.coerce.boolean() makes true although it reads as false. A field whose wrappers
 * answer for missing keys (`.optional()`, `.default()`) or for null (`.nullable()`) never
 * reaches the coercion with them, and is not counted for them. Both backends word the notes
 * here: a local run lists them in its notes, the event stage in each object's manifest.
 *
 * @example
 * ```ts
 * const coerced = coercionSurprises(z.object({ city: z.coerce.string() }));
 * const state: CoercionState = {};
 * coerced.observe({ city: null }, { city: 'null' }, state);
 * coerced.notes(state); // ['city: z.coerce.string() (String(x)) made "null" of 1 null value: …']
 * ```
 */
export function coercionSurprises(schema: z.ZodType): CoercionSurprises {
  const model = modelSchema(schema);
  const watch = (fields: readonly FieldModel[]): WatchedField[] =>
    watchedFields(fields, []).filter((f) => f.coerce && COERCION[f.base] !== undefined && (f.absent.kind === 'zod' || f.null.kind === 'zod' || f.base === 'boolean' || f.base === 'number' || f.base === 'date'));
  // A union of row kinds: each row's fields are those of the kind zod parsed it with, which its
  // output's discriminator names; the notes count a field across kinds.
  const kinds = model.kinds?.models.map((m) => ({ values: m.fields.find((f) => f.name === model.kinds!.discriminator)?.values ?? [], fields: watch(m.fields) }));
  const watchedIn = (output: Record<string, unknown>): readonly WatchedField[] =>
    kinds ? (kinds.find((k) => k.values.includes(output[model.kinds!.discriminator] as string))?.fields ?? []) : fields;
  const fields = kinds ? [...new Map(kinds.flatMap((k) => k.fields).map((f) => [f.name, f])).values()] : watch(model.fields);
  const record = (state: CoercionState, key: string, value: unknown): void => {
    const entry = state[key];
    if (entry) entry.count++;
    else state[key] = { count: 1, shown: show(value) };
  };
  return {
    observe(input, output, state) {
      if (fields.length === 0 || typeof input !== 'object' || input === null) return;
      const given = input as Record<string, unknown>;
      for (const field of watchedIn(output)) {
        // Inside a nested object that is not there, the field was never coerced.
        const enclosing = valueAt(given, field.keys.slice(0, -1));
        if (enclosing === null || typeof enclosing !== 'object') continue;
        const before = (enclosing as Record<string, unknown>)[field.keys.at(-1)!];
        const after = valueAt(output, field.keys);
        if (after === undefined || after === null) continue;
        if (before === undefined && field.absent.kind === 'zod') record(state, `missing:${field.name}`, after);
        else if (before === null && field.null.kind === 'zod') record(state, `null:${field.name}`, after);
        else if (after === true && field.base === 'boolean' && typeof before === 'string' && READS_AS_FALSE.test(before.trim())) record(state, `text:${field.name}`, before);
        else if (after === 0 && field.base === 'number' && typeof before === 'string' && before.trim() === '') record(state, `blank:${field.name}`, before);
        else if (after instanceof Date && field.base === 'date' && typeof before === 'number') {
          const unit = epochUnitGuess(before);
          if (unit) record(state, `${unit}:${field.name}`, before);
        }
      }
    },
    notes(state) {
      const notes: string[] = [];
      for (const field of fields) {
        for (const [what, keep] of [['missing', '.optional()'], ['null', '.nullable()']] as const) {
          const entry = state[`${what}:${field.name}`];
          if (!entry) continue;
          const n = entry.count.toLocaleString('en-US');
          notes.push(
            `${field.name}: ${COERCION[field.base]} made ${entry.shown} of ${n} ${what} value${entry.count === 1 ? '' : 's'}: ` +
              `${entry.count === 1 ? 'that row is' : 'those rows are'} valid and ${entry.count === 1 ? 'holds' : 'hold'} it, here and in AWS. ` +
              `To keep them ${what}, add ${keep} after the coercion; to quarantine them, validate ${field.name} without z.coerce or with a check the invented value fails.`,
          );
        }
        const blank = state[`blank:${field.name}`];
        if (blank) {
          const n = blank.count;
          notes.push(
            `${field.name}: ${COERCION[field.base]} made 0 of ${n.toLocaleString('en-US')} blank text${n === 1 ? '' : 's'} (e.g. ${blank.shown}): ` +
              `${n === 1 ? 'that row is' : 'those rows are'} valid and ${n === 1 ? 'holds' : 'hold'} 0, here and in AWS. ` +
              `To quarantine blank text instead, read it as missing before the coercion: ${field.name}: z.preprocess((x) => (typeof x === 'string' && x.trim() === '' ? undefined : x), z.coerce.number()).`,
          );
        }
        const text = state[`text:${field.name}`];
        if (text) {
          notes.push(
            `${field.name}: ${COERCION[field.base]} made true of ${text.count.toLocaleString('en-US')} text${text.count === 1 ? '' : 's'} that read${text.count === 1 ? 's' : ''} as false (e.g. ${text.shown}): ` +
              `Boolean() is true for any non-empty text. Use z.stringbool() to read "true"/"false", "1"/"0", "yes"/"no" text as booleans.`,
          );
        }
        for (const unit of ['seconds', 'microseconds'] as const) {
          const entry = state[`${unit}:${field.name}`];
          if (entry) notes.push(epochNote(field.name, unit, entry));
        }
      }
      return notes;
    },
  };
}

/** The note on numbers z.coerce.date() read as milliseconds that look like `unit`. */
function epochNote(field: string, unit: 'seconds' | 'microseconds', entry: { count: number; shown: string }): string {
  const one = entry.count === 1;
  const number = Number(entry.shown);
  const read = new Date(number).toISOString();
  const meant = new Date(unit === 'seconds' ? number * 1000 : Math.floor(number / 1000)).toISOString();
  const scale = unit === 'seconds' ? 'x * 1000' : 'Math.floor(x / 1000)';
  return (
    `${field}: ${COERCION.date} read ${entry.count.toLocaleString('en-US')} number${one ? '' : 's'} that look${one ? 's' : ''} like ${unit} since 1970 as milliseconds, ` +
    `e.g. ${entry.shown} as ${read} (in ${unit}: ${meant}): ${one ? 'that row is' : 'those rows are'} valid and ${one ? 'holds' : 'hold'} ${one ? 'an instant' : 'instants'} ${unit === 'seconds' ? 'in 1970' : 'thousands of years ahead'}, here and in AWS. ` +
    `If they are ${unit}, scale them before the coercion: ${field}: z.preprocess((x) => (typeof x === 'number' ? ${scale} : x), z.coerce.date()).`
  );
}

/** A field to watch: top-level, or inside nested objects (named by its path, `user.age`). */
type WatchedField = FieldModel & { readonly keys: readonly string[] };

function watchedFields(fields: readonly FieldModel[], keys: readonly string[]): WatchedField[] {
  return fields.flatMap((f) =>
    f.base === 'object' && f.nested ? watchedFields(f.nested.fields, [...keys, f.name]) : [{ ...f, name: [...keys, f.name].join('.'), keys: [...keys, f.name] }],
  );
}

function show(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
