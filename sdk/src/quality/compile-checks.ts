/**
 * zod → SQL: compiles a row schema into a conservative accept filter and typed extraction
 * expressions, over either JSON text rows (`_json`) or typed columns (Parquet).
 *
 * THE PRINCIPLE: a row the SQL filter accepts is one zod accepts, with the identical output.
 * Rows it does not accept go to zod, which has the final word (exact messages; rows it
 * accepts after all become valid with zod's output). So the fast path can only be slower
 * than it might be, never different. Every construct here is accepted only where DuckDB and
 * JavaScript provably agree; everything else answers "ask zod".
 *
 * This file assembles the filter and the values; its parts are where a field's value is in a
 * row (field-sites.ts), how a present value is read (field-readers.ts) and each check's
 * condition on it (check-conditions.ts).
 */
import type { z } from 'zod';
import type { SelectItem, SqlExpr, SqlType } from '../sql/sql-node.js';
import { and, caseWhen, cast, col, fn, isNull, lit, or } from '../sql/sql-builders.js';
import { acceptWhere, type FieldSite } from './field-accept.js';
import type { ColumnDescription, ColumnType } from './describe-schema.js';
import { describeSchema } from './describe-schema.js';
import { printerFor } from '../sql/dialects.js';
import { structFields } from './struct-type.js';
import { combineKinds, kindsZodParses, rowKinds, type KindOutput } from './compile-kinds.js';
import type { FieldModel, Outcome, SchemaModel } from './zod-field-model.js';
import { modelSchema } from './zod-field-model.js';
import { canonicalGuard, guardedJson, jsonSite, missingSite, typedSite } from './field-sites.js';
import { presentAccept } from './field-readers.js';

/** Defined beside the column-type readers that use it (field-readers.ts); importers keep this path. */
export { FLOAT_TYPES } from './field-readers.js';

/** How rows reach the validation stage: JSON text in `_json`, or typed columns (DuckDB type names). */
export type Representation =
  | { readonly kind: 'json' }
  | {
      readonly kind: 'typed';
      readonly columnTypes: Readonly<Record<string, string>>;
      /**
       * Columns that some objects do not have (column → those objects). Several Parquet files are
       * read as one table, where such a column is NULL in the rows of a file without it; zod must
       * see those rows without the key, as it would reading the file alone.
       */
      readonly absentFrom?: Readonly<Record<string, readonly string[]>>;
    };

export interface CompiledField {
  readonly name: string;
  readonly type: ColumnType;
  /** Every check of the field is evaluated in SQL (a present value never needs zod). */
  readonly compiled: boolean;
  readonly notCompiled: readonly string[];
}

export interface CompiledChecks {
  /**
   * Intermediate columns, computed layer by layer (layer 0 over the raw table, each next one
   * over the previous; `_row_id, _object, _line` are carried along). The engine materializes
   * each layer: DuckDB's optimizer would otherwise inline a JSON-parsing column into every
   * expression that uses it and parse the same text a dozen times. Empty for typed rows.
   */
  readonly layers: readonly (readonly SelectItem[])[];
  /** True when SQL may accept the row; NULL or false sends it to zod. */
  readonly accept: SqlExpr;
  /**
   * One typed value per schema field, in schema order; meaningful only where `accept`.
   * `identity`: the value is the column read as it is stored (every cast is to the column's own
   * type), so computing it cannot fail on any row, accepted or not.
   */
  readonly values: readonly { readonly name: string; readonly type: ColumnType; readonly expr: SqlExpr; readonly identity: boolean }[];
  readonly fields: readonly CompiledField[];
  /** Whether SQL can accept any row at all; false → every row goes to zod. */
  readonly vectorised: boolean;
  /**
   * What `accept` is made of, for saying why SQL left a row to zod: the row-level conditions
   * (JSON text the fast path reads, no repeated or unknown keys) and each field's own, with the
   * field's value as text (a JSON fragment, or the column cast to text) to show as an example.
   */
  readonly parts: {
    readonly row: SqlExpr;
    readonly fields: readonly { readonly name: string; readonly accept: SqlExpr; readonly shown: SqlExpr }[];
  };
  /** Why the whole schema or some checks left the vectorised path. */
  readonly reasons: readonly string[];
  /** RE2 patterns used, so the engine can verify that DuckDB compiles each one. */
  readonly patterns: readonly string[];
  /**
   * Top-level fields with checks SQL cannot run (a transform, a refine, a preprocess…), left to zod
   * in the rows SQL accepts (`deferUncompiledFields`): `accept` holds for them and their values
   * are NULL, for the engine to fill from zod's output of just these fields.
   */
  readonly deferred: readonly string[];
  /**
   * The object's own refinements (refine/superRefine on the z.object), left to zod in the rows
   * SQL accepts (`deferUncompiledFields`): zod parses each of those rows whole, and a row it
   * refuses goes back among the rows SQL did not accept. Empty when there are none, or when they
   * are among `reasons` instead (SQL accepts no row).
   */
  readonly objectChecks: readonly string[];
  /**
   * zod parses each row SQL accepted whole, with the whole schema: for the object's refinements
   * (objectChecks), and for a union of kinds with fields zod checks (`deferred`; a union has no
   * pick() of some fields). Their values are then taken from that parse.
   */
  readonly wholeRows: boolean;
  /**
   * A union where only some kinds have checks zod runs in the rows SQL accepts: those kinds, by
   * the discriminator's stored value (`nulls`: a row without one is of such a kind). zod then
   * parses just their rows; the other kinds' rows keep SQL's values. Absent: zod parses every
   * row SQL accepted (`wholeRows`), or none.
   */
  readonly zodKinds?: { readonly column: string; readonly values: readonly (string | number | boolean)[]; readonly nulls: boolean; readonly labels: readonly string[] };
  /**
   * A union of row kinds: true in the rows of the kinds SQL leaves to zod whole (a refinement,
   * a check SQL cannot run; `reasons` says which and why). zod accepting such a row is no news
   * to report. Absent when every kind is SQL's.
   */
  readonly kindsLeftToZod?: SqlExpr;
}

export interface CompileOptions {
  /** RE2 patterns DuckDB refused to compile; checks using them are left to zod. */
  readonly refusedPatterns?: ReadonlySet<string>;
  /**
   * `_json` was written by `JSON.stringify` (as the local engine's loader does, through
   * `exactJson`): no repeated keys, no NaN, no trailing commas, no whitespace; ±Infinity and -0
   * only as `1e999`, `-1e999` and `-0.0`, which DuckDB reads as ±inf (never accepted) and -0.0.
   * Skips the checks for the hazards of hand-written text (the expensive part of reading raw
   * text). Rows remain exact either way.
   */
  readonly canonicalJson?: boolean;
  /**
   * Accept instants of microsecond columns with digits below the millisecond, floored as zod
   * sees them. Off, such rows are left to zod and a whole-millisecond instant is read as it is
   * stored (an identity read, cheaper for every reader of the valid rows); the engine compiles
   * once more with it on for the rows SQL did not accept (validation-stage.ts).
   */
  readonly floorSubMillisecondInstants?: boolean;
  /**
   * A top-level field SQL cannot check does not send every row to zod; SQL checks the other
   * fields and the engine has zod check that one in the rows SQL accepts
   * (CompiledChecks.deferred). zod parses each field of an object on its own, so those rows get
   * the same verdict and values as from zod over the whole row. Likewise the object's own
   * refinements (CompiledChecks.objectChecks): zod parses those rows whole, for its verdict.
   */
  readonly deferUncompiledFields?: boolean;
}

/** The SQL type of each column type (the valid rows' values). */
export const SQL_TYPE: Record<ColumnType, SqlType> = { string: 'string', number: 'double', integer: 'bigint', boolean: 'boolean', timestamp: 'timestamp' };

/** The DuckDB column type to create for each column type (valid_rows). */
export const DUCKDB_COLUMN_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR', number: 'DOUBLE', integer: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP',
};

/**
 * Compiles a `z.object` row schema into SQL AST over a representation.
 *
 * @example
 * ```ts
 * const checks = compileChecks(Event, { kind: 'json' }, { canonicalJson: true });
 * // layer 0: _l = json_extract(<guarded _json>, ['/event_id', …]); layer 1: _ok, _f0…_f4 (one fragment per field)
 * // then: CREATE TABLE valid_rows AS SELECT <values> FROM <last layer> WHERE <accept>
 * ```
 */
export function compileChecks(schema: z.ZodType, representation: Representation, options: CompileOptions = {}): CompiledChecks {
  const description = describeSchema(schema);
  const model = modelSchema(schema);
  // One z.object is one kind of row; a discriminated union has one per option (rowKinds).
  const kinds = rowKinds(model, description.columns);
  const blockers = [...model.schemaReasons];
  if (kinds.some((k) => k.model.fields.some((f) => f.name === '__proto__'))) blockers.push('a field is named __proto__, which zod never copies');
  const reasons = blockers;
  const patterns = new Set<string>();
  const refused = options.refusedPatterns ?? new Set<string>();
  const json = representation.kind === 'json';

  const rowConditions: SqlExpr[] = [];
  const canonical = options.canonicalJson === true;
  // The JSON fragments read: every top-level field (fragment i is field i), then, in text written
  // by JSON.stringify (no repeated keys at any depth), every field inside a nested object.
  // Kinds of a union share a fragment where they share a key.
  const fragmentPaths: string[][] = unique(kinds.flatMap((k) => k.model.fields.map((f) => [f.name])));
  const nestedSites = json && canonical;
  if (nestedSites) {
    const walk = (fields: readonly FieldModel[], keys: readonly string[]): void => {
      for (const f of fields) {
        if (keys.length > 0) fragmentPaths.push([...keys, f.name]);
        if (f.base === 'object' && f.nested) walk(f.nested.fields, [...keys, f.name]);
      }
    };
    for (const kind of kinds) walk(kind.model.fields, []);
  }
  const fragmentIndex = new Map(unique(fragmentPaths).map((keys, i) => [keys.join('\u0000'), i]));
  fragmentPaths.splice(0, fragmentPaths.length, ...unique(fragmentPaths));
  const fragmentOf = (keys: readonly string[]): SqlExpr => col(`_f${fragmentIndex.get(keys.join('\u0000'))!}`);
  const paths = fragmentPaths.map((keys) => lit(`/${keys.map((k) => k.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`));
  const layers: SelectItem[][] = [];
  if (json && canonical) {
    // JSON.stringify output is valid JSON, so the guard is a cheap text test and DuckDB parses
    // each row once (json_extract with all paths).
    const j = canonicalGuard();
    const layer: SelectItem[] = [{ expr: paths.length ? fn('json_extract_many', j, ...paths) : j, alias: '_l' }];
    if (kinds.some((k) => k.model.unknownKeys === 'strict')) layer.push({ expr: fn('json_keys', j), alias: '_k' });
    layers.push(layer);
  } else if (json) {
    layers.push([{ expr: guardedJson(), alias: '_j' }]);
    const extract: SelectItem[] = [{ expr: paths.length ? fn('json_extract_many', col('_j'), ...paths) : lit(null), alias: '_l' }];
    // A repeated key is read first-wins by DuckDB and last-wins by JSON.parse: leave such rows to zod.
    extract.push({ expr: fn('json_keys', col('_j')), alias: '_k' });
    rowConditions.push(fn('list_is_distinct', col('_k')));
    layers.push(extract);
  }
  if (json) {
    // Each field's fragment as a column of its own: the checks read it several times, and a
    // list_extract per reading costs more than one materialized copy.
    const carried: SelectItem[] = layers.at(-1)!.some((item) => item.alias === '_k') ? [{ expr: col('_k') }] : [];
    layers.push([...carried, { expr: isNull(col('_l'), true), alias: '_ok' }, ...paths.map((_, i) => ({ expr: fn('list_element', col('_l'), lit(i + 1)), alias: `_f${i}` }))]);
    rowConditions.unshift(col('_ok'));
  }
  /** A strict kind accepts no key it does not name (JSON), or its rows are zod's (typed data with columns it does not name). */
  const strictCondition = (kindModel: SchemaModel, out: Pick<KindOutput, 'conditions' | 'blockers'>): void => {
    if (kindModel.unknownKeys !== 'strict') return;
    if (json) {
      out.conditions.push(fn('list_within', col('_k'), ...kindModel.fields.map((f) => lit(f.name))));
      return;
    }
    const known = new Set(kindModel.fields.map((f) => f.name));
    const extra = Object.keys(representation.columnTypes).filter((c) => !POSITION_COLUMNS.has(c) && !known.has(c));
    if (extra.length) out.blockers.push(`the schema is strict and the data has columns it does not name: ${extra.join(', ')}`);
  };

  if (!model.kinds) strictCondition(model, { conditions: rowConditions, blockers });
  const rowLevel = [...rowConditions];
  const fieldParts: { name: string; accept: SqlExpr; shown: SqlExpr }[] = [];
  const fields: CompiledField[] = [];
  const values: CompiledChecks['values'][number][] = [];
  const floorInstants = options.floorSubMillisecondInstants === true;
  /** A scalar field at `site`: whether SQL accepts its value, and the value as stored. */
  const compileScalar = (field: FieldModel, type: ColumnType, site: FieldSite, notCompiled: string[]): { accept: SqlExpr; value: SqlExpr; identity: boolean } => {
    const present = presentAccept(field, type, site, notCompiled, patterns, refused, floorInstants);
    const absent = fitOutcome(field.absent, type, notCompiled);
    const nullOutcome = fitOutcome(field.null, type, notCompiled);
    const accept = acceptWhere(site, absent.kind === 'value', nullOutcome.kind === 'value', present.accept);
    // A typed column read as is (or cast) maps NULL to NULL by itself: when a null value stays
    // null, the CASE is left out, so readers of the valid rows evaluate no per-row branching.
    // Not where some object lacks the column: the union by name may fill it there from a column
    // spelled in another case (`Country`), which that object's rows do not have under this name.
    const plainRead = !json && site.column !== undefined && isFalseLiteral(site.missing) && isNullLiteral(outcomeValue(nullOutcome)) && readsColumnStrictly(present.value, site.column);
    const value = cast(
      plainRead
        ? present.value
        : caseWhen(
            [
              { when: site.missing, then: outcomeValue(absent) },
              { when: site.isNull, then: outcomeValue(nullOutcome) },
            ],
            present.value,
          ),
      SQL_TYPE[type],
    );
    return { accept, value, identity: plainRead && castsOnlyTo(value, site.column!, site.columnType!) };
  };
  /**
   * A nested z.object at `site` — a JSON fragment, or a STRUCT column (`struct`: its fields) —
   * missing or null as its wrappers allow (its columns null), or an object whose fields each
   * pass; strict objects with no other key. A STRUCT's row always has every field of its type
   * (zod sees NULL fields as null, duckdb-row-values.ts); a field the type lacks is missing.
   */
  const compileObject = (field: FieldModel, keys: readonly string[], site: FieldSite, notCompiled: string[], struct?: ReadonlyMap<string, string>): { accept: SqlExpr; values: CompiledChecks['values'][number][] } => {
    const nested = field.nested!;
    const named = new Set(nested.fields.map((f) => f.name));
    const inside: SqlExpr[] = nested.unknownKeys !== 'strict' ? []
      : struct ? [lit([...struct.keys()].every((k) => named.has(k)))]
      : [fn('list_within', fn('json_keys', site.fragment!), ...nested.fields.map((f) => lit(f.name)))];
    const leaves: CompiledChecks['values'][number][] = [];
    for (const child of nested.fields) {
      const childKeys = [...keys, child.name];
      const childType = struct?.get(child.name);
      const childStruct = childType === undefined ? undefined : structFields(childType);
      const childSite = !struct ? jsonSite(fragmentOf(childKeys)) : childType === undefined ? missingSite() : typedSite(fn('struct_extract', site.column!, lit(child.name)), childStruct ? childType : childType.toUpperCase(), []);
      if (child.base === 'object' && child.nested) {
        if (struct && childType !== undefined && !childStruct) {
          // Not a STRUCT where the schema has an object (text, a number…): zod's.
          notCompiled.push(`${childKeys.slice(1).join('.')}: a nested object in a ${childType} field (zod checks it)`);
          inside.push(lit(false));
          // Its columns still get their types, for the valid rows zod appends.
          const under = (c: ColumnDescription): boolean => childKeys.every((k, i) => c.path?.[i] === k);
          leaves.push(...description.columns.filter(under).map((c) => ({ name: c.name, type: c.type, expr: cast(lit(null), SQL_TYPE[c.type]), identity: false })));
          continue;
        }
        const object = compileObject(child, childKeys, childSite, notCompiled, childStruct);
        inside.push(object.accept);
        leaves.push(...object.values);
        continue;
      }
      const column = description.columns.find((c) => c.path?.join('\u0000') === childKeys.join('\u0000'))!;
      const childReasons = [...child.notCompiled];
      const scalar = compileScalar(child, column.type, childSite, childReasons);
      notCompiled.push(...childReasons.map((r) => `${childKeys.slice(1).join('.')}: ${r}`));
      inside.push(scalar.accept);
      leaves.push({ name: column.name, type: column.type, expr: scalar.value, identity: false });
    }
    const isNullValue = (o: Outcome): boolean => o.kind === 'value' && o.value === null;
    const isObject = struct ? lit(true) : fn('starts_with', site.fragment!, lit('{'));
    const accept = acceptWhere(site, isNullValue(field.absent), isNullValue(field.null), and(isObject, ...inside));
    const absentOrNull = or(site.missing, site.isNull);
    return { accept, values: leaves.map((v) => ({ ...v, expr: cast(caseWhen([{ when: absentOrNull, then: lit(null) }], v.expr), SQL_TYPE[v.type]) })) };
  };
  const deferred: string[] = [];
  const deferredReasons: string[] = [];
  // Only beside a field SQL checks: with none, the SQL pass would be all cost and no help.
  const defer = options.deferUncompiledFields === true && blockers.length === 0 && kinds.some((k) => k.model.fields.some((f) => f.notCompiled.length === 0 && f.base !== 'unsupported'));
  const objectChecks: string[] = [];
  // The object's refinements, or the union's own (a kind's are the kind's, below).
  if (defer) {
    objectChecks.push(...model.objectChecks);
    deferredReasons.push(...model.objectChecks.map((check) => `(row): ${check} (zod runs it on the rows SQL accepts)`));
  } else {
    blockers.push(...model.objectChecks.map((check) => `the ${model.kinds ? 'union' : 'object'} schema has ${check}, which SQL cannot run`));
  }
  /** Whether the field, once compiled, is zod's in the rows SQL accepts: its condition holds, its values wait. */
  const deferField = (field: FieldModel, own: readonly ColumnDescription[], notCompiled: readonly string[], shown: SqlExpr, out: KindOutput, label: string): boolean => {
    if (!defer || notCompiled.length === 0) return false;
    if (!deferred.includes(field.name)) deferred.push(field.name);
    out.deferred?.push(field.name);
    out.parts.push({ name: field.name, accept: lit(true), shown });
    out.values.push(...own.map((c) => ({ name: c.name, type: c.type, expr: cast(lit(null), SQL_TYPE[c.type]), identity: false })));
    out.fields.push({ name: field.name, type: own[0]!.type, compiled: false, notCompiled });
    // Said, but not a blocker: SQL still accepts rows.
    for (const reason of notCompiled) deferredReasons.push(`${label ? `${label}: ` : ''}${field.name}: ${reason}`);
    return true;
  };
  /** Each field of one kind of row: its condition, values, report part; what SQL cannot check goes to `out.reasons`. */
  const compileFields = (kindModel: SchemaModel, columns: readonly ColumnDescription[], out: KindOutput, label = ''): void => {
    for (const field of kindModel.fields) {
      const own = columns.filter((c) => (c.path?.[0] ?? c.name) === field.name);
      const type = own[0]!.type;
      const notCompiled = [...field.notCompiled];
      let site: FieldSite;
      if (json) {
        site = jsonSite(fragmentOf([field.name]));
      } else {
        const columnType = representation.columnTypes[field.name];
        site = columnType === undefined ? missingSite() : typedSite(col(field.name), columnType.toUpperCase(), representation.absentFrom?.[field.name] ?? []);
      }
      if (own[0]!.path) {
        // A nested z.object. SQL reads it in JSON text that JSON.stringify wrote and in a STRUCT
        // column; otherwise (hand-written JSON, a column of another type) it is zod's. Its columns
        // get their types either way, for the valid rows zod appends.
        let compiled: { accept: SqlExpr; values: CompiledChecks['values'][number][] };
        // The type as DESCRIBE spells it (site.columnType is upper-cased, a STRUCT's field names
        // are not); a column the data does not have is an object missing in every row.
        const columnType = json ? undefined : representation.columnTypes[field.name];
        const struct = json ? undefined : columnType === undefined ? new Map<string, string>() : structFields(columnType);
        if ((nestedSites || struct) && field.base === 'object' && field.nested && field.notCompiled.length === 0) {
          compiled = compileObject(field, [field.name], site, notCompiled, struct);
        } else {
          if (notCompiled.length === 0) notCompiled.push(nestedSites ? 'a nested object SQL cannot read' : json ? 'a nested object outside JSON text (zod checks it)' : 'a nested object outside a STRUCT column (zod checks it)');
          compiled = { accept: lit(false), values: own.map((c) => ({ name: c.name, type: c.type, expr: cast(lit(null), SQL_TYPE[c.type]), identity: false })) };
        }
        if (deferField(field, own, notCompiled, site.fragment ?? lit(null), out, label)) continue;
        out.conditions.push(compiled.accept);
        out.parts.push({ name: field.name, accept: compiled.accept, shown: site.fragment ?? lit(null) });
        out.values.push(...compiled.values);
        out.fields.push({ name: field.name, type, compiled: notCompiled.length === 0, notCompiled });
        for (const reason of notCompiled) out.reasons.push(`${field.name}: ${reason}`);
        continue;
      }
      const scalar = compileScalar(field, type, site, notCompiled);
      if (deferField(field, own, notCompiled, site.fragment ?? lit(null), out, label)) continue;
      out.conditions.push(scalar.accept);
      out.parts.push({ name: field.name, accept: scalar.accept, shown: site.fragment ?? (site.column ? cast(site.column, 'string') : lit(null)) });
      out.values.push({ name: field.name, type, expr: scalar.value, identity: scalar.identity });
      out.fields.push({ name: field.name, type, compiled: notCompiled.length === 0, notCompiled });
      for (const reason of notCompiled) out.reasons.push(`${field.name}: ${reason}`);
    }
  };

  let kindsLeftToZod: SqlExpr | undefined;
  let zodKinds: CompiledChecks['zodKinds'];
  if (model.kinds) {
    const compiled = kinds.map((kind) => {
      const out: KindOutput = { conditions: [], values: [], fields: [], parts: [], reasons: [], blockers: [...kind.model.schemaReasons], deferred: [] };
      // A kind's refinements, as an object's: zod's in the rows SQL accepts (deferred), or all its rows zod's.
      if (defer) {
        objectChecks.push(...kind.model.objectChecks.map((check) => `${kind.label}: ${check}`));
        deferredReasons.push(...kind.model.objectChecks.map((check) => `${kind.label}: (row): ${check} (zod runs it on the rows SQL accepts)`));
      } else {
        out.blockers.push(...kind.model.objectChecks.map((check) => `${check}, which SQL cannot run`));
      }
      strictCondition(kind.model, out);
      compileFields(kind.model, kind.columns, out, kind.label);
      return { ...kind, out };
    });
    const union = combineKinds(model.kinds.discriminator, compiled, description.columns);
    if (union.leftToZod) kindsLeftToZod = union.leftToZod;
    // A refinement of the union itself reads every row: zod parses them all.
    zodKinds = model.objectChecks.length > 0 ? undefined : kindsZodParses(model.kinds.discriminator, compiled, defer);
    rowConditions.push(union.accept);
    values.push(...union.values);
    fields.push(...union.fields);
    fieldParts.push(...union.parts);
    // Said, not blockers: the other kinds' rows stay on the vectorised path.
    deferredReasons.push(...union.reasons);
  } else if (model.fields.length > 0) {
    compileFields(model, description.columns, { conditions: rowConditions, values, fields, parts: fieldParts, reasons, blockers });
  } else {
    // A union zod alone checks (see modelKinds): the columns of every kind's fields, for the rows zod appends.
    values.push(...description.columns.map((c) => ({ name: c.name, type: c.type, expr: cast(lit(null), SQL_TYPE[c.type]), identity: false })));
    for (const column of description.columns) {
      const name = column.path?.[0] ?? column.name;
      if (!fields.some((f) => f.name === name)) fields.push({ name, type: column.type, compiled: false, notCompiled: [] });
    }
  }
  const vectorised = blockers.length === 0;
  const accept = vectorised ? (rowConditions.length ? and(...rowConditions) : lit(true)) : lit(false);
  // zod parses a row of a union whole (a union has no pick() of some fields), as for an object's refinements.
  const wholeRows = objectChecks.length > 0 || (model.kinds !== undefined && deferred.length > 0);
  return { layers, accept, values, fields, vectorised, wholeRows, reasons: [...reasons, ...deferredReasons], patterns: [...patterns], deferred, objectChecks, parts: { row: rowLevel.length ? and(...rowLevel) : lit(true), fields: fieldParts }, ...(kindsLeftToZod ? { kindsLeftToZod } : {}), ...(zodKinds ? { zodKinds } : {}) };
}

/** Key paths without repeats, first occurrence first. */
function unique(paths: readonly (readonly string[])[]): string[][] {
  const seen = new Set<string>();
  return paths.filter((keys) => !seen.has(keys.join('\u0000')) && seen.add(keys.join('\u0000'))).map((keys) => [...keys]);
}

/** A default of the wrong type for its column (zod does not check defaults) is left to zod. */
function fitOutcome(outcome: Outcome, type: ColumnType, notCompiled: string[]): Outcome {
  if (outcome.kind !== 'value' || outcome.value === null) return outcome;
  const v = outcome.value;
  const fits =
    (type === 'string' && typeof v === 'string') ||
    (type === 'number' && typeof v === 'number') ||
    (type === 'integer' && Number.isSafeInteger(v)) ||
    (type === 'boolean' && typeof v === 'boolean');
  if (fits) return outcome;
  notCompiled.push(`a default value that does not fit a ${type} column (left to zod)`);
  return { kind: 'zod' };
}

const isNullLiteral = (expr: SqlExpr): boolean => expr.kind === 'literal' && expr.value === null;
const isFalseLiteral = (expr: SqlExpr): boolean => expr.kind === 'literal' && expr.value === false;

/** `expr` is the column itself or casts of it: NULL exactly when the column is NULL. */
function readsColumnStrictly(expr: SqlExpr, column: SqlExpr): boolean {
  if (expr === column) return true;
  return expr.kind === 'cast' && readsColumnStrictly(expr.operand, column);
}

/** `expr` reads `column` through casts that each convert to `columnType` (DuckDB's spelling), that is, not at all. */
function castsOnlyTo(expr: SqlExpr, column: SqlExpr, columnType: string): boolean {
  if (expr === column) return true;
  return expr.kind === 'cast' && printerFor('duckdb').typeName(expr.to) === columnType && castsOnlyTo(expr.operand, column, columnType);
}

function outcomeValue(outcome: Outcome): SqlExpr {
  if (outcome.kind !== 'value' || outcome.value === null || outcome.value instanceof Date) return lit(null);
  return lit(outcome.value);
}

/**
 * Columns the engine adds to every raw row: the source position. Everything else in a typed
 * row is data — including columns the data itself names `_raw`, `_json` or `_error`: the
 * engine has columns of those names only in the JSON-text representation, never beside typed ones.
 */
export const POSITION_COLUMNS: ReadonlySet<string> = new Set(['_row_id', '_object', '_line']);

/**
 * Summarises a compilation for reports: compiled, or why rows or checks left the vectorised path.
 *
 * @example
 * ```ts
 * describeFastPath(compileChecks(Event.overwrite((row) => row), { kind: 'json' }))
 * // { compiled: false, reason: 'the object schema has a check SQL cannot express (overwrite)' }
 * describeFastPath(compileChecks(Event.refine(() => true), { kind: 'json' }, { deferUncompiledFields: true }))
 * // { compiled: false, reason: 'partly: (row): a refine()/superRefine() check of the whole row (zod runs it on the rows SQL accepts)' }
 * ```
 */
export function describeFastPath(checks: CompiledChecks): { compiled: boolean; reason?: string } {
  if (!checks.vectorised) return { compiled: false, reason: checks.reasons.join('; ') };
  if (checks.reasons.length) return { compiled: false, reason: `partly: ${checks.reasons.join('; ')}` };
  return { compiled: true };
}
