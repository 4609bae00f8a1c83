/**
 * What a zod row schema produces, as plain data: column names and the types sluice stores
 * them as. Read from each schema's declarative definition (`_zod.def`), never by calling
 * the opaque validate function, so it is exact and cheap.
 */
import type { z } from 'zod';
import { PlanError } from '../errors.js';

export type ColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp';

export interface ColumnDescription {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly optional: boolean;
  /** True when the field has `.default()` (or `.prefault()`): a missing value gets it. */
  readonly defaulted?: boolean;
  readonly enumValues?: readonly string[];
  /**
   * A field of a nested z.object: the keys from the row down to it (`['user', 'id']` for the
   * column `user_id`). Absent for a top-level field.
   */
  readonly path?: readonly string[];
}

export interface SchemaDescription {
  readonly columns: readonly ColumnDescription[];
}

interface Def {
  type: string;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  out?: { _zod: { def: Def } };
  shape?: Record<string, { _zod: { def: Def } }>;
  checks?: { _zod: { def: { check?: string; format?: string } } }[];
  /** z.int(), z.int32()…: the schema is itself a number_format check. */
  check?: string;
  format?: string;
  entries?: Record<string, string | number>;
  values?: readonly unknown[];
  /** z.discriminatedUnion: the key naming each row's kind, and the kinds. */
  discriminator?: string;
  options?: readonly { _zod: { def: Def } }[];
}

/** What to write instead of the row schemas people reach for that are not a z.object. */
function notObjectAdvice(type: string | undefined): string {
  switch (type) {
    case 'pipe':
      // z.object(...).transform(fn) or .pipe(...): the row's shape is fn's, which sluice cannot see.
      return ' A .transform() or .pipe() of the whole row makes columns sluice cannot see: validate with the z.object itself, and add columns after it with .derive({ total: "qty * price" }) or .map(fn).';
    case 'union':
      // A plain z.union (z.discriminatedUnion is accepted): zod's issue for a row no kind
      // accepts is "Invalid input" at the row, which would be every such row's quarantine reason.
      return ' For events of several kinds, use z.discriminatedUnion("event", [View, Purchase]) on the key that names the kind: zod then reports which rule of that kind a row broke, where a plain z.union reports only "Invalid input".';
    default:
      return '';
  }
}

/**
 * Describes the output columns of a top-level `z.object` row schema, or of a
 * `z.discriminatedUnion` of them (one column per field of any kind, describeKinds). A nested
 * `z.object` field (`user: z.object({ id, country })`, as event trackers write them) is stored
 * as one column per scalar inside it, named by its keys joined with `_` (`user_id`,
 * `user_country`); they are null where the object itself may be missing or null.
 *
 * @example
 * ```ts
 * describeSchema(z.object({ user_id: z.string(), ts: z.coerce.date(), amount: z.number().nullable() }))
 * // { columns: [ { name: 'user_id', type: 'string', ... }, { name: 'ts', type: 'timestamp', ... }, ... ] }
 * ```
 * @throws PlanError `SCHEMA_NOT_OBJECT` when the schema is not a `z.object` (or a discriminated union of them), and
 *   `UNSUPPORTED_COLUMN_TYPE` for a column sluice cannot store (arrays, nested objects).
 */
export function describeSchema(schema: z.ZodType, path = 'validate.schema'): SchemaDescription {
  const def = (schema as unknown as { _zod?: { def: Def } })._zod?.def;
  if (def?.type === 'union' && def.discriminator !== undefined) return describeKinds(def, path);
  if (!def || def.type !== 'object' || !def.shape) {
    throw new PlanError(
      'SCHEMA_NOT_OBJECT',
      path,
      `validate() needs a zod object schema describing one row, e.g. z.object({ user_id: z.string(), ts: z.coerce.date() }); got a ${def?.type ?? typeof schema} schema.${notObjectAdvice(def?.type)}`,
    );
  }
  const columns = Object.entries(def.shape).flatMap(([name, field]) => describeField([name], field._zod.def, `${path}.${name}`, false, [def]));
  checkColumnNames(columns, path);
  return { columns };
}

/**
 * The columns of a `z.discriminatedUnion` of row kinds: every kind's fields, in the order they
 * first appear. A field some kind lacks is null in that kind's rows; a field in several kinds
 * must be stored as one type (an integer in one kind and a number in another is a number).
 */
function describeKinds(def: Def, path: string): SchemaDescription {
  /** By column name: the column as far as the kinds so far describe it (none while every kind with it has it as z.null()), and in how many kinds. */
  const byName = new Map<string, { column?: ColumnDescription; kinds: number; nullOnly: boolean; path: string }>();
  const options = def.options ?? [];
  for (const [i, option] of options.entries()) {
    const optionDef = option._zod.def;
    if (optionDef.type !== 'object' || !optionDef.shape) {
      throw new PlanError(
        'SCHEMA_NOT_OBJECT',
        `${path}.options[${i}]`,
        `validate() takes a z.discriminatedUnion of z.object row kinds; kind ${i + 1} is a ${optionDef.type} schema. ` +
          'List each kind as a z.object, e.g. z.discriminatedUnion("event", [z.object({ event: z.literal("view"), … }), z.object({ event: z.literal("purchase"), … })]).',
      );
    }
    for (const [name, field] of Object.entries(optionDef.shape)) {
      const fieldPath = `${path}.options[${i}].${name}`;
      if (unwrapped(field._zod.def).current.type === 'null') {
        // `amount: z.null()` in views beside `amount: z.number()` in purchases: the column takes the other kinds' type.
        const seen = byName.get(name);
        byName.set(name, { ...(seen?.column ? { column: seen.column } : {}), kinds: (seen?.kinds ?? 0) + 1, nullOnly: true, path: seen?.path ?? fieldPath });
        continue;
      }
      for (const column of describeField([name], field._zod.def, fieldPath, false, [optionDef])) {
        const seen = byName.get(column.name);
        const merged = seen?.column ? mergeKindColumns(seen.column, column, fieldPath, i) : column;
        byName.set(column.name, { column: merged, kinds: (seen?.kinds ?? 0) + 1, nullOnly: seen?.nullOnly ?? false, path: seen?.path ?? fieldPath });
      }
    }
  }
  const columns = [...byName.entries()].map(([name, { column, kinds, nullOnly, path: where }]) => {
    if (!column) {
      throw new PlanError(
        'UNSUPPORTED_COLUMN_TYPE',
        where,
        `The field "${name}" is z.null() in every kind that has it, so there is no type to store it as. Give it its type in the kind where it holds values (z.null() in the others), or leave it out of the schema.`,
      );
    }
    if (kinds === options.length && !nullOnly) return column;
    // Missing from some kind's rows, or null in all of them: null there, and no default fills it.
    const { defaulted: _defaulted, ...rest } = column;
    return { ...rest, nullable: true, optional: rest.optional || kinds < options.length };
  });
  checkColumnNames(columns, path);
  return { columns };
}

/** One column for a field two kinds share (see describeKinds). */
function mergeKindColumns(a: ColumnDescription, b: ColumnDescription, path: string, kind: number): ColumnDescription {
  if ((a.path ?? [a.name]).join('.') !== (b.path ?? [b.name]).join('.')) {
    throw new PlanError(
      'KIND_COLUMN_NAME_TAKEN',
      path,
      `Kind ${kind + 1} of the union stores ${b.path ? `its nested field ${b.path.join('.')}` : `its field "${b.name}"`} as the column "${b.name}", and an earlier kind stores ${a.path ? `its nested field ${a.path.join('.')}` : `its field "${a.name}"`} there. Rename one of them where the data is written, or leave one out of the schema.`,
    );
  }
  const numeric = (t: ColumnType): boolean => t === 'number' || t === 'integer';
  const type = a.type === b.type ? a.type : numeric(a.type) && numeric(b.type) ? 'number' : undefined;
  if (type === undefined) {
    throw new PlanError(
      'KIND_COLUMN_TYPES_DIFFER',
      path,
      `The field "${b.name}" is ${withArticle(b.type)} in kind ${kind + 1} of the union and ${withArticle(a.type)} in an earlier kind, but it is stored as one column. Give it the same type in every kind, or a different name in one of them.`,
    );
  }
  const enumValues = a.enumValues && b.enumValues ? [...new Set([...a.enumValues, ...b.enumValues])] : undefined;
  const defaulted = a.defaulted === true && b.defaulted === true;
  return {
    name: a.name,
    type,
    nullable: a.nullable || b.nullable,
    optional: a.optional || b.optional,
    ...(defaulted ? { defaulted } : {}),
    ...(enumValues ? { enumValues } : {}),
    ...(a.path ? { path: a.path } : {}),
  };
}

/**
 * A column type with its article, for messages.
 *
 * @example
 * ```ts
 * withArticle('integer') // 'an integer'
 * ```
 */
export function withArticle(type: ColumnType): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** The column name of a field at `keys` (a nested field's keys joined with `_`). */
export function flatColumnName(keys: readonly string[]): string {
  return keys.join('_');
}

/**
 * Each field becomes a column (so there must be one), and column names are matched without regard to case by DuckDB
 * (valid_rows renames a second `a` to `a_1`, and readers of `a` then get `A`'s values), Glue
 * and Athena: names that differ only in case would be one column. An empty name is none.
 */
function checkColumnNames(columns: readonly ColumnDescription[], path: string): void {
  if (columns.length === 0) {
    // Nothing to store: every later step (zones, preview, features) reads at least one column.
    throw new PlanError('SCHEMA_NO_FIELDS', path, 'validate() got z.object({}), a schema with no fields: list the fields a row must have, e.g. z.object({ user_id: z.string(), ts: z.coerce.date() }).');
  }
  const seen = new Map<string, ColumnDescription>();
  const spelled = (c: ColumnDescription): string => (c.path ? `nested field ${c.path.join('.')}` : `field "${c.name}"`);
  for (const column of columns) {
    const name = column.name;
    if (name === '' || column.path?.includes('')) {
      throw new PlanError('EMPTY_COLUMN_NAME', `${path}[""]`, 'A schema field has an empty name, which cannot be a column. Give it a name, e.g. z.object({ amount: z.number() }).');
    }
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    const other = earlier?.name;
    if (earlier && (earlier.path || column.path)) {
      throw new PlanError(
        'NESTED_COLUMN_NAME_TAKEN',
        `${path}.${(column.path ?? [name]).join('.')}`,
        `The ${spelled(column)} is stored as the column "${name}", and so is the ${spelled(earlier)}${earlier.name === name ? '' : ' (DuckDB, Glue and Athena match column names without regard to case)'}. Rename one of them where the data is written, or leave one out of the schema.`,
      );
    }
    if (other !== undefined) {
      throw new PlanError(
        'COLUMN_NAMES_DIFFER_IN_CASE',
        `${path}.${name}`,
        `The schema fields "${other}" and "${name}" differ only in case, but DuckDB, Glue and Athena match column names without regard to case, so they would be one column. Keep one of them, or rename one where the data is written.`,
      );
    }
    seen.set(key, column);
  }
}

/** The columns of the field at `keys`: itself, or the scalars inside a nested z.object. `mayLack`: an enclosing object may be missing or null. */
function describeField(keys: readonly string[], def: Def, path: string, mayLack: boolean, enclosing: readonly Def[]): ColumnDescription[] {
  const inner = unwrapped(def);
  if (inner.current.type === 'object' && inner.current.shape) {
    if (enclosing.includes(inner.current)) {
      throw new PlanError(
        'RECURSIVE_SCHEMA',
        path,
        `The field ${keys.join('.')} holds the object it is in (a recursive schema): sluice stores one column per field of a nested object and cannot flatten one without end. ` +
          'Describe the levels you need as their own z.object, or leave the field out of the schema (z.object drops keys it does not name).',
      );
    }
    const lacking = mayLack || inner.nullable || inner.optional || inner.defaulted;
    const shape = inner.current.shape;
    return Object.entries(shape).flatMap(([key, field]) => describeField([...keys, key], field._zod.def, `${path}.${key}`, lacking, [...enclosing, inner.current]));
  }
  const column = describeColumn(flatColumnName(keys), def, path);
  if (keys.length === 1) return [column];
  const { defaulted, ...rest } = column;
  return [{ ...rest, nullable: column.nullable || mayLack, optional: column.optional || mayLack, ...(defaulted && !mayLack ? { defaulted } : {}), path: keys }];
}

/**
 * A field's type under its wrappers (nullable, optional, default…), and which wrappers it had.
 * `throughPipes`: a transform's output type is unknown to us, so its input type stands in
 * (validated again by zod at run time); a column's type is read that way, a nested object not.
 */
function unwrapped(def: Def, throughPipes = false): { current: Def; nullable: boolean; optional: boolean; defaulted: boolean } {
  let nullable = false;
  let optional = false;
  let defaulted = false;
  let current = def;
  for (;;) {
    if (current.type === 'nullable') nullable = true;
    else if (current.type === 'optional') optional = true;
    else if (current.type === 'default' || current.type === 'prefault') defaulted = true;
    else if (throughPipes && current.type === 'pipe' && current.out) {
      const out = current.out._zod.def;
      current = out.type === 'transform' && current.in ? current.in._zod.def : out;
      continue;
    } else if (current.type !== 'readonly' && current.type !== 'catch' && current.type !== 'nonoptional') break;
    if (!current.innerType) break;
    current = current.innerType._zod.def;
  }
  return { current, nullable, optional, defaulted };
}

function describeColumn(name: string, def: Def, path: string): ColumnDescription {
  const { current, nullable, optional, defaulted } = unwrapped(def, true);
  const base = { name, nullable, optional, ...(defaulted ? { defaulted } : {}) };
  switch (current.type) {
    case 'string':
      return { ...base, type: 'string' };
    case 'number': {
      // z.number().int() lists the check; z.int() (and z.int32()…) is the check itself.
      const isIntegerFormat = (d: { check?: string; format?: string }): boolean => d.check === 'number_format' && /int/.test(d.format ?? '');
      const integer = isIntegerFormat(current) || (current.checks ?? []).some((c) => isIntegerFormat(c._zod.def));
      return { ...base, type: integer ? 'integer' : 'number' };
    }
    case 'int':
      return { ...base, type: 'integer' };
    case 'bigint':
      return { ...base, type: 'integer' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'date':
      return { ...base, type: 'timestamp' };
    case 'enum': {
      const values = Object.values(current.entries ?? {});
      if (values.every((v) => typeof v === 'string')) return { ...base, type: 'string', enumValues: values as string[] };
      return { ...base, type: 'number' };
    }
    case 'literal': {
      const values = current.values ?? [];
      if (values.every((v) => typeof v === 'string')) return { ...base, type: 'string', enumValues: values as string[] };
      if (values.every((v) => typeof v === 'number')) return { ...base, type: 'number' };
      if (values.every((v) => typeof v === 'boolean')) return { ...base, type: 'boolean' };
      break;
    }
  }
  throw new PlanError(
    'UNSUPPORTED_COLUMN_TYPE',
    path,
    `Column "${name}" has zod type "${current.type}", which sluice cannot store as a column. ` +
      `Use a scalar (string, number, int, boolean, date, enum, literal) or a nested z.object of them (stored as one column per field, user.id as user_id), ` +
      `or leave the field out of the schema: z.object drops the keys it does not name.`,
  );
}
