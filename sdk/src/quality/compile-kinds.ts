/**
 * How a z.discriminatedUnion of row kinds compiles (compile-checks.ts compiles each kind as an
 * object over the shared JSON fragments or columns): one accept condition and one value per
 * column for the union, and which kinds zod still has a part in.
 */
import type { SqlExpr } from '../sql/sql-node.js';
import { and, caseWhen, cast, lit, or } from '../sql/sql-builders.js';
import type { ColumnDescription } from './describe-schema.js';
import type { FieldModel, SchemaModel } from './zod-field-model.js';
import { SQL_TYPE, type CompiledChecks, type CompiledField } from './compile-checks.js';

/** What compiling one kind of row gives (compileChecks): the row's conditions and values, and why some rows stay zod's. */
export interface KindOutput {
  readonly conditions: SqlExpr[];
  readonly values: CompiledChecks['values'][number][];
  readonly fields: CompiledField[];
  readonly parts: { name: string; accept: SqlExpr; shown: SqlExpr }[];
  /** Checks SQL cannot run: rows with such a value go to zod. */
  readonly reasons: string[];
  /** Why SQL accepts no row of this kind. */
  readonly blockers: string[];
  /** Fields of this kind zod checks in the rows SQL accepts (deferred). */
  readonly deferred?: string[];
}

export interface RowKind {
  readonly model: SchemaModel;
  readonly columns: readonly ColumnDescription[];
  /** How the report names the kind: its discriminator value. */
  readonly label: string;
}

/**
 * The kinds of row a schema has: itself, or each option of a discriminated union.
 *
 * @example
 * ```ts
 * rowKinds(modelSchema(Event), describeSchema(Event).columns).map((k) => k.label) // ['event_type="view"|"click"', 'event_type="purchase"']
 * ```
 */
export function rowKinds(model: SchemaModel, columns: readonly ColumnDescription[]): RowKind[] {
  if (!model.kinds) return [{ model, columns, label: '' }];
  const discriminator = model.kinds.discriminator;
  return model.kinds.models.map((kindModel, i) => {
    const values = kindModel.fields.find((f) => f.name === discriminator)?.values ?? [];
    // The union's columns (types merged across kinds, so z.null() takes the other kinds' type), those of this kind's fields.
    const own = new Set(kindModel.fields.map((f) => f.name));
    return { model: kindModel, columns: columns.filter((c) => own.has(c.path?.[0] ?? c.name)), label: `${discriminator}=${values.map((v) => JSON.stringify(v)).join('|') || `kind ${i + 1}`}` };
  });
}

/**
 * One accept condition and one value per column for a discriminated union. zod parses a row
 * with the one kind its discriminator names (their values are disjoint: zod refuses a union
 * where two kinds share one), and that kind's own check of the discriminator is the test that
 * it is named. So SQL accepts a row where some kind accepts it, and takes that kind's values;
 * a column of a field the kind lacks is NULL (zod's output has no such key). A kind SQL cannot
 * check at all (an object-level overwrite, a strict kind over columns it does not name) leaves
 * all its rows to zod; the other kinds keep the vectorised path.
 *
 * @example
 * ```ts
 * const union = combineKinds('event_type', kinds.map((k) => ({ ...k, out: compiledFieldsOf(k) })), description.columns);
 * // union.accept: (<view's conditions>) OR (<purchase's conditions>); union.values[i]: CASE WHEN <named view> THEN … END
 * ```
 */
export function combineKinds(
  discriminator: string,
  kinds: readonly (RowKind & { readonly out: KindOutput })[],
  columns: readonly ColumnDescription[],
): { accept: SqlExpr; values: CompiledChecks['values'][number][]; fields: CompiledField[]; parts: KindOutput['parts']; reasons: string[]; leftToZod?: SqlExpr } {
  const reasons: string[] = [];
  const named = kinds.map((kind) => {
    const part = kind.out.parts.find((p) => p.name === discriminator);
    const zods = [...kind.out.blockers, ...kind.out.reasons];
    for (const reason of zods) reasons.push(`${kind.label}: ${reason}`);
    return { ...kind, selects: part?.accept ?? lit(false), zods: zods.length > 0 || !part, accepts: zods.length > 0 || !part ? lit(false) : and(...kind.out.conditions) };
  });
  const zodsKinds = named.filter((k) => k.zods);
  const accept = or(...named.map((k) => k.accepts));
  const values = columns.map((column) => {
    const branches = named.flatMap((k) => {
      const value = k.out.values.find((v) => v.name === column.name);
      return value ? [{ when: k.selects, then: value.expr }] : [];
    });
    return { name: column.name, type: column.type, expr: cast(caseWhen(branches, lit(null)), SQL_TYPE[column.type]), identity: false };
  });
  const names = [...new Set(named.flatMap((k) => k.out.fields.map((f) => f.name)))];
  const fields = names.map((name) => {
    const each = named.flatMap((k) => k.out.fields.filter((f) => f.name === name));
    const column = columns.find((c) => (c.path?.[0] ?? c.name) === name)!;
    return { name, type: column.type, compiled: each.every((f) => f.compiled), notCompiled: [...new Set(each.flatMap((f) => f.notCompiled))] };
  });
  // A field's part: its check in the kind the row names (a row no kind names is zod's refusal, never reported as SQL's miss).
  const parts = names.map((name) => {
    const branches = named.map((k) => ({ when: k.selects, then: k.out.parts.find((p) => p.name === name)?.accept ?? lit(true) }));
    const shown = named.flatMap((k) => k.out.parts.filter((p) => p.name === name))[0]!.shown;
    return { name, accept: caseWhen(branches, lit(true)), shown };
  });
  return { accept, values, fields, parts, reasons, ...(zodsKinds.length ? { leftToZod: or(...zodsKinds.map((k) => k.selects)) } : {}) };
}

/**
 * The kinds whose rows zod parses after SQL (a deferred field, a refinement), when that is not
 * every kind SQL accepts rows of: by the discriminator's values, which SQL checked exactly in
 * the rows it accepted. A row without a discriminator value is parsed when some such kind may
 * lack one (parsing a row of another kind too is only more work: zod's verdict is the same).
 *
 * @example
 * ```ts
 * kindsZodParses('event_type', compiled, true) // { column: 'event_type', values: ['purchase'], nulls: false, labels: ['event_type="purchase"'] }
 * ```
 */
export function kindsZodParses(discriminator: string, kinds: readonly (RowKind & { readonly out: KindOutput })[], defer: boolean): CompiledChecks['zodKinds'] {
  if (!defer) return undefined;
  const parsed = kinds.filter((k) => (k.out.deferred?.length ?? 0) > 0 || k.model.objectChecks.length > 0);
  const accepted = kinds.filter((k) => k.out.blockers.length === 0 && k.out.reasons.length === 0);
  if (parsed.length === 0 || parsed.length === accepted.length) return undefined;
  const fieldOf = (k: RowKind): FieldModel | undefined => k.model.fields.find((f) => f.name === discriminator);
  if (parsed.some((k) => (fieldOf(k)?.values.length ?? 0) === 0)) return undefined;
  // Stored NULL: a missing discriminator that stays missing, or a null one that stays null.
  const lacks = (f: FieldModel): boolean => (f.absent.kind === 'value' && f.absent.value == null) || (f.null.kind === 'value' && f.null.value === null);
  return {
    column: discriminator,
    values: [...new Set(parsed.flatMap((k) => fieldOf(k)!.values))],
    nulls: parsed.some((k) => lacks(fieldOf(k)!)),
    labels: parsed.map((k) => k.label),
  };
}
