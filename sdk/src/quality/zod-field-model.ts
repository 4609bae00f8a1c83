/**
 * Reads a zod row schema's declarative definitions into a small model the SQL compiler can
 * work from: for each field, what zod does with a missing key, with `null`, and which base
 * type and checks a present value meets. Anything this file does not understand is recorded
 * as a reason, never guessed: the compiler then leaves those rows to zod.
 *
 * The wrapper semantics mirror zod 4's own parse functions (`$ZodOptional`, `$ZodNullable`,
 * `$ZodDefault` and the object's `handlePropertyResult`).
 */
import { z } from 'zod';

/** What zod makes of a missing key or a `null`: a fixed output value, or "ask zod". */
export type Outcome = { readonly kind: 'value'; readonly value: string | number | boolean | null | Date } | { readonly kind: 'zod' };

export type BaseKind = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'literal' | 'object' | 'unsupported';

export type CheckModel =
  | { readonly kind: 'min_length' | 'max_length' | 'length_equals'; readonly n: number }
  | { readonly kind: 'pattern'; readonly regex: RegExp; readonly format: string }
  | { readonly kind: 'starts_with' | 'ends_with' | 'includes'; readonly text: string }
  | { readonly kind: 'greater_than' | 'less_than'; readonly value: number; readonly inclusive: boolean }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'range'; readonly min: number; readonly max: number }
  /** One of zod's own value rewrites (`.trim()`…): SQL accepts only values it leaves as they are. */
  | { readonly kind: 'unchanged_by'; readonly rewrite: Rewrite };

export type Rewrite = 'trim' | 'toLowerCase' | 'toUpperCase';

export interface FieldModel {
  readonly name: string;
  readonly absent: Outcome;
  readonly null: Outcome;
  readonly base: BaseKind;
  /** z.coerce.* on the base type. */
  readonly coerce: boolean;
  /** enum / literal values. */
  readonly values: readonly (string | number | boolean)[];
  readonly checks: readonly CheckModel[];
  /** Checks or wrappers SQL cannot express: a present value of this field always goes to zod. */
  readonly notCompiled: readonly string[];
  /** base 'object': the nested z.object's own model (its fields are stored flat, describe-schema.ts). */
  readonly nested?: SchemaModel;
}

export interface SchemaModel {
  readonly fields: readonly FieldModel[];
  /** 'strip' and 'passthrough' accept unknown keys; 'strict' rejects them. */
  readonly unknownKeys: 'strip' | 'passthrough' | 'strict';
  /** Why no row can be accepted by SQL at all (object-level rewrites, odd catchalls). */
  readonly schemaReasons: readonly string[];
  /**
   * The object's own refine()/superRefine()/check() functions, one description each: SQL cannot
   * run them, but they only read the row zod outputs, so SQL can still decide the fields and zod
   * then runs the whole schema on the whole rows SQL accepted, unknown keys included
   * (CompiledChecks.objectChecks). Empty when there are none.
   */
  readonly objectChecks: readonly string[];
  /**
   * A z.discriminatedUnion of row kinds: the key naming each row's kind and each kind's own
   * model (zod parses a row with the one kind its key names). `fields` is then empty.
   */
  readonly kinds?: { readonly discriminator: string; readonly models: readonly SchemaModel[] };
}

interface AnyDef {
  type: string;
  [key: string]: unknown;
}
type Inst = { _zod: { def: AnyDef; optin?: string; optout?: string } };

const defOf = (schema: unknown): AnyDef => (schema as Inst)._zod.def;

/** String formats whose zod check is exactly `pattern.test(value)`. */
const PATTERN_FORMATS = new Set([
  'regex', 'email', 'uuid', 'guid', 'cuid', 'cuid2', 'ulid', 'xid', 'ksuid', 'nanoid', 'lowercase', 'uppercase', 'e164', 'ipv4', 'date',
  // z.iso.datetime() and z.iso.time() are their regex and nothing else (zod's $ZodISODateTime, $ZodISOTime).
  'datetime', 'time',
]);

const FORMAT_RANGES: Record<string, [number, number]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/**
 * Models a top-level `z.object` row schema.
 *
 * @example
 * ```ts
 * const model = modelSchema(z.object({ n: z.number().int().nonnegative().nullable() }));
 * model.fields[0].null // { kind: 'value', value: null }
 * ```
 */
export function modelSchema(schema: z.ZodType): SchemaModel {
  const def = defOf(schema);
  const schemaReasons: string[] = [];
  if (def.type === 'union') return modelKinds(def);
  if (def.type !== 'object') return { fields: [], unknownKeys: 'strip', schemaReasons: [`the schema is a ${def.type}, not a z.object`], objectChecks: [] };
  const objectChecks: string[] = [];
  for (const check of (def.checks ?? []) as Inst[]) {
    // A custom check reads the row and adds issues; an overwrite() replaces the row, whose
    // columns SQL would then no longer hold.
    if (defOf(check).check === 'custom') objectChecks.push('a refine()/superRefine() check of the whole row');
    else schemaReasons.push(`the object schema has a check SQL cannot express (${String(defOf(check).check)})`);
  }
  let unknownKeys: SchemaModel['unknownKeys'] = 'strip';
  const catchall = def.catchall as Inst | undefined;
  if (catchall) {
    const t = defOf(catchall).type;
    if (t === 'never') unknownKeys = 'strict';
    else if (t === 'unknown' || t === 'any') unknownKeys = 'passthrough';
    else schemaReasons.push(`the object has a catchall of type ${t}`);
  }
  const shape = def.shape as Record<string, Inst>;
  const fields = Object.entries(shape).map(([name, field]) => modelField(name, field));
  return { fields, unknownKeys, schemaReasons, objectChecks };
}

/** A z.discriminatedUnion of z.object kinds (see SchemaModel.kinds); anything else is zod's. */
function modelKinds(def: AnyDef): SchemaModel {
  const zods = (reason: string): SchemaModel => ({ fields: [], unknownKeys: 'strip', schemaReasons: [reason], objectChecks: [] });
  const options = (def.options ?? []) as Inst[];
  if (typeof def.discriminator !== 'string') return zods('the schema is a z.union without a discriminator');
  if (def.unionFallback === true) return zods('the union of row kinds falls back to trying every kind (zod checks each row)');
  if (options.some((o) => defOf(o).type !== 'object')) return zods('a row kind is not a z.object (zod checks each row)');
  // A refine()/superRefine() on the union reads the row zod outputs, as an object's does: zod
  // runs it on the rows SQL accepted (objectChecks). An overwrite() may return another row.
  const objectChecks: string[] = [];
  for (const check of (def.checks ?? []) as Inst[]) {
    if (defOf(check).check !== 'custom') return zods(`the union of row kinds has a check SQL cannot express (${String(defOf(check).check)})`);
    objectChecks.push('a refine()/superRefine() check of the whole row');
  }
  return { fields: [], unknownKeys: 'strip', schemaReasons: [], objectChecks, kinds: { discriminator: def.discriminator, models: options.map((o) => modelSchema(o as unknown as z.ZodType)) } };
}

function modelField(name: string, field: Inst): FieldModel {
  const notCompiled: string[] = [];
  const inner = unwrap(field, notCompiled);
  const absent = absentOutcome(field, notCompiled);
  const nullResult = runOn(field, 'null', notCompiled);
  // A wrapper that yields undefined for null (optional over nullable…) has no column value to give.
  const nullOutcome: Outcome = nullResult.kind === 'value' && nullResult.value !== undefined ? { kind: 'value', value: nullResult.value } : { kind: 'zod' };
  const base = modelBase(inner, notCompiled);
  return { name, absent, null: nullOutcome, ...base, notCompiled };
}

/** Wrappers whose inner schema's output zod changes (or replaces): the field is zod's. */
const STOPPING_WRAPPERS: ReadonlySet<string> = new Set(['prefault', 'catch', 'nonoptional', 'pipe', 'transform']);

/** The innermost schema under optional/nullable/default wrappers. */
function unwrap(schema: Inst, notCompiled: string[]): Inst {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly') {
      current = def.innerType as Inst;
      continue;
    }
    if (STOPPING_WRAPPERS.has(def.type)) {
      notCompiled.push(`${def.type === 'pipe' ? 'a transform or pipe' : `.${def.type}()`} (left to zod)`);
    }
    return current;
  }
}

type RunResult = { kind: 'value'; value: string | number | boolean | null | Date | undefined } | { kind: 'fail' } | { kind: 'unknown' };

/** What `schema.run(input)` gives for `undefined` or `null`, following zod's wrappers. */
function runOn(schema: Inst, input: 'undefined' | 'null', notCompiled: string[]): RunResult {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional': {
      const innerSchema = def.innerType as Inst;
      if (input === 'null') return runOn(innerSchema, input, notCompiled);
      if (innerSchema._zod.optin !== 'defaulted') return { kind: 'value', value: undefined };
      const r = runOn(innerSchema, input, notCompiled);
      return r.kind === 'fail' ? { kind: 'value', value: undefined } : r;
    }
    case 'nullable':
      return input === 'null' ? { kind: 'value', value: null } : runOn(def.innerType as Inst, input, notCompiled);
    case 'readonly':
      return runOn(def.innerType as Inst, input, notCompiled);
    case 'default': {
      if (input === 'null') {
        const r = runOn(def.innerType as Inst, input, notCompiled);
        if (r.kind === 'value' && r.value === undefined) return defaultValue(def, notCompiled);
        return r;
      }
      return defaultValue(def, notCompiled);
    }
    case 'string': case 'number': case 'boolean': case 'enum': case 'literal': case 'bigint':
      // Coercion turns null into "null", 0, false…: leave such rows to zod rather than model it.
      if (def.coerce) return { kind: 'unknown' };
      if (def.type === 'literal' && (def.values as unknown[]).includes(input === 'null' ? null : undefined)) return { kind: 'unknown' };
      return { kind: 'fail' };
    case 'date':
      return def.coerce ? { kind: 'unknown' } : { kind: 'fail' };
    case 'null':
      // z.null(): null is its one value; a missing key is refused (zod's $ZodNull).
      return input === 'null' ? { kind: 'value', value: null } : { kind: 'fail' };
    default:
      return { kind: 'unknown' };
  }
}

function defaultValue(def: AnyDef, notCompiled: string[]): RunResult {
  // A default may be a function (`.default(() => new Date())`): read it twice and trust it
  // only when it is a plain primitive that did not change.
  const a = def.defaultValue;
  const b = def.defaultValue;
  if ((typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean') && Object.is(a, b)) {
    if (typeof a === 'number' && !Number.isFinite(a)) return { kind: 'unknown' };
    return { kind: 'value', value: a };
  }
  notCompiled.push('a default value that is not a constant string, number or boolean (left to zod)');
  return { kind: 'unknown' };
}

/** The object's handling of a missing key (zod's `handlePropertyResult`). */
function absentOutcome(field: Inst, notCompiled: string[]): Outcome {
  const optin = field._zod.optin;
  const optout = field._zod.optout;
  if (optout === 'optional' && optin === 'optional') return { kind: 'value', value: null };
  const r = runOn(field, 'undefined', notCompiled);
  if (r.kind === 'unknown') return { kind: 'zod' };
  if (r.kind === 'fail') {
    return optin !== undefined && optout === 'optional' ? { kind: 'value', value: null } : { kind: 'zod' };
  }
  if (optin === undefined) return { kind: 'zod' };
  return { kind: 'value', value: r.value === undefined ? null : r.value };
}

function modelBase(schema: Inst, notCompiled: string[]): Pick<FieldModel, 'base' | 'coerce' | 'values' | 'checks' | 'nested'> {
  const def = defOf(schema);
  const checks: CheckModel[] = [];
  const coerce = def.coerce === true;
  const ownCheck = typeof def.check === 'string' ? [def as unknown as Record<string, unknown>] : [];
  const listed = ((def.checks as Inst[] | undefined) ?? []).map((c) => c._zod.def as unknown as Record<string, unknown>);
  for (const check of [...ownCheck, ...listed]) {
    const model = modelCheck(check);
    if (model) checks.push(model);
    else notCompiled.push(describeCheck(check));
  }
  switch (def.type) {
    case 'string': case 'number': case 'boolean': case 'date':
      return { base: def.type, coerce, values: [], checks };
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string | number>);
      if (!values.every((v) => typeof v === 'string')) notCompiled.push('an enum with non-string values');
      return { base: 'enum', coerce, values, checks };
    }
    case 'literal': {
      const values = def.values as unknown[];
      const kinds = new Set(values.map((v) => typeof v));
      if (kinds.size !== 1 || !['string', 'number', 'boolean'].includes([...kinds][0]!)) {
        notCompiled.push('a literal that is not all strings, all numbers or all booleans');
        return { base: 'unsupported', coerce, values: [], checks };
      }
      return { base: 'literal', coerce, values: values as (string | number | boolean)[], checks };
    }
    case 'object': {
      const nested = modelSchema(schema as unknown as z.ZodType);
      for (const reason of nested.schemaReasons) notCompiled.push(`a nested object where ${reason}`);
      // Its own refinements (nested.objectChecks) are among `checks`, which say so for the field.
      return { base: 'object', coerce, values: [], checks, nested };
    }
    case 'null':
      // z.null() (a field of one kind of row that another kind gives values): null is its only
      // value, which the field's null outcome accepts; any present value is refused.
      return { base: 'unsupported', coerce, values: [], checks };
    default:
      // A wrapper unwrap() stopped at has said so already ("a transform or pipe").
      if (!STOPPING_WRAPPERS.has(def.type)) notCompiled.push(`the zod type ${def.type}`);
      return { base: 'unsupported', coerce, values: [], checks };
  }
}

function modelCheck(def: Record<string, unknown>): CheckModel | undefined {
  switch (def.check) {
    case 'min_length': return { kind: 'min_length', n: def.minimum as number };
    case 'max_length': return { kind: 'max_length', n: def.maximum as number };
    case 'length_equals': return { kind: 'length_equals', n: def.length as number };
    case 'greater_than':
    case 'less_than': {
      const v = def.value;
      const value = v instanceof Date ? v.getTime() : v;
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      return { kind: def.check, value, inclusive: def.inclusive === true };
    }
    case 'number_format': {
      const format = (def.format as string | undefined) ?? 'float64';
      const range = FORMAT_RANGES[format];
      if (!range) return undefined;
      return format.includes('int') ? { kind: 'integer', min: range[0], max: range[1] } : { kind: 'range', min: range[0], max: range[1] };
    }
    case 'overwrite': {
      const rewrite = knownRewrite(def.tx);
      return rewrite ? { kind: 'unchanged_by', rewrite } : undefined;
    }
    case 'string_format': {
      const format = def.format as string;
      if (format === 'starts_with') return { kind: 'starts_with', text: def.prefix as string };
      if (format === 'ends_with') return { kind: 'ends_with', text: def.suffix as string };
      if (format === 'includes') return typeof def.position === 'number' ? undefined : { kind: 'includes', text: def.includes as string };
      if (PATTERN_FORMATS.has(format) && def.pattern instanceof RegExp) return { kind: 'pattern', regex: def.pattern, format };
      return undefined;
    }
    default:
      return undefined;
  }
}

let rewrites: ReadonlyMap<string, Rewrite> | undefined;

/**
 * Which of zod's rewrites `tx` is, by its source text: zod makes each from a closure-free arrow
 * function (`(input) => input.trim()`), so a function with the same text does the same thing.
 * Any other overwrite (`.overwrite(fn)`, `.normalize()`, `.slugify()`) is not recognised and
 * stays zod's.
 */
function knownRewrite(tx: unknown): Rewrite | undefined {
  if (typeof tx !== 'function') return undefined;
  rewrites ??= new Map((['trim', 'toLowerCase', 'toUpperCase'] as const).map((name) => {
    const check = (z.string()[name]()._zod.def.checks ?? [])[0];
    return [String((check?._zod.def as { tx?: unknown } | undefined)?.tx), name] as const;
  }));
  return rewrites.get(String(tx));
}

function describeCheck(def: Record<string, unknown>): string {
  if (def.check === 'custom') return 'a refine()/superRefine() check';
  if (def.check === 'overwrite') return 'a value-rewriting check (trim, toLowerCase…)';
  if (def.check === 'string_format') return `the string format ${String(def.format)}`;
  return `the check ${String(def.check)}`;
}
