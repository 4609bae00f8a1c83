/**
 * What a `.map()` may return for the columns the plan knows the types of. The builder type-checks
 * every later step (derive, window, feature store) against those types: the schema's, the
 * derived ones, and the ones `.map(fn, { columns })` declares. A value of another type used to
 * be taken differently by each backend — the event stage truncated 2.5 in an integer column
 * to 2 and turned 'abc' in a number column into NaN; a local run typed the column from its
 * values instead, so `cents: 'integer'` became DOUBLE and kept 2.5 — and the same pipeline's
 * validated rows, and the features computed from them, differed between a notebook and AWS. Both backends now apply this one rule to
 * each row a map returns, and a value that is not of its column's type quarantines the row
 * (`not_storable`, naming the column, the value and the step), as a map that throws does.
 * Columns the plan does not know (a map without declared columns, or keys nothing declared)
 * are not checked here: their type still comes from their values.
 */
import type { ScalarType } from '../plan/expression-node.js';
import { describeSchema } from '../quality/describe-schema.js';
import { NOT_STORABLE, type RowIssue } from '../quality/quarantine.js';
import type { PipelineDefinition } from './pipeline-definition.js';

/** Known column types, by name. */
export type KnownColumnTypes = Readonly<Record<string, ScalarType>>;

const INT64_LIMIT = 2 ** 63;

/**
 * The column types the plan knows right after each `.map()` (in map order), as the builder
 * worked them out: the schema's, then each derive's, then each map's declared ones on top.
 * Undefined for a map after which the types are not known (it, or an earlier map, declared none).
 *
 * @example
 * ```ts
 * const p = pipeline('x').from(file('e.jsonl')).validate(z.object({ id: z.string(), amount: z.number() }))
 *   .map((r) => ({ ...r, cents: Math.round(r.amount * 100) }), { columns: { cents: 'integer' } });
 * columnTypesAfterMaps(p.definition) // [{ id: 'string', amount: 'number', cents: 'integer' }]
 * ```
 */
export function columnTypesAfterMaps(definition: PipelineDefinition): (KnownColumnTypes | undefined)[] {
  let known: Record<string, ScalarType> | undefined = definition.schema
    ? Object.fromEntries(describeSchema(definition.schema).columns.map((c) => [c.name, c.type]))
    : undefined;
  const after: (KnownColumnTypes | undefined)[] = [];
  let mapIndex = 0;
  for (const step of definition.plan.steps) {
    if (step.kind === 'derive' && known) {
      for (const { name, expression } of step.columns) known[name] = expression.type;
    } else if (step.kind === 'map') {
      const declared = definition.mapColumnTypes?.[mapIndex++];
      // As the builder: declared columns join what was known; an undeclared map ends what is known.
      known = declared ? { ...(known ?? {}), ...declared } : undefined;
      after.push(known ? Object.freeze({ ...known }) : undefined);
    }
  }
  return after;
}

/**
 * Compiles the check of one map's returned rows: the first value whose type is not its
 * column's, as a `not_storable` issue; undefined when the row fits. Null and a missing key fit
 * any column (the value is null).
 *
 * @example
 * ```ts
 * const check = mapReturnedValuesCheck({ cents: 'integer', seen: 'timestamp' }, 'steps[2].map');
 * check({ cents: 250, seen: new Date() })  // undefined
 * check({ cents: '250' })
 * // { path: ['cents'], code: 'not_storable', message: '"250" cannot be stored in the integer column "cents": return a whole number within 64 bits
 * //   (or null) for it from steps[2].map, or declare the type the map gives it: .map(fn, { columns: { cents: 'string' } }).' }
 * ```
 */
export function mapReturnedValuesCheck(types: KnownColumnTypes, stepPath: string): (row: Readonly<Record<string, unknown>>) => RowIssue | undefined {
  const checked = Object.entries(types).filter(([, type]) => type in FITS) as [string, CheckedType][];
  return (row) => {
    for (const [name, type] of checked) {
      const value = row[name];
      if (value === null || value === undefined || FITS[type](value)) continue;
      const declare = typeOfValue(value);
      const instead = declare && declare !== type ? `, or declare the type the map gives it: .map(fn, { columns: { ${name}: '${declare}' } })` : '';
      return { path: [name], code: NOT_STORABLE, message: `${shown(value)} cannot be stored in the ${type} column "${name}": return ${WANTED[type]} (or null) for it from ${stepPath}${instead}.` };
    }
    return undefined;
  };
}

type CheckedType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp';

const FITS: Record<CheckedType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  // NaN and ±Infinity are numbers a DOUBLE column holds, in DuckDB, Parquet and Spark alike.
  number: (v) => typeof v === 'number',
  integer: (v) => (typeof v === 'number' ? Number.isInteger(v) && Math.abs(v) < INT64_LIMIT : typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n),
  boolean: (v) => typeof v === 'boolean',
  timestamp: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
};

const WANTED: Record<CheckedType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number within 64 bits',
  boolean: 'true or false',
  timestamp: 'a valid Date',
};

/** The column type a value would need (what to declare), when it has one. */
function typeOfValue(value: unknown): CheckedType | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return 'timestamp';
  return undefined;
}

function shown(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `the Date ${value.toISOString()}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return JSON.stringify(value) ?? String(value);
  return String(value);
}
