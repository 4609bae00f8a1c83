import { PlanError } from '../errors.js';
import type { ScalarType } from '../plan/expression-node.js';
import type { GateSpec } from '../plan/validate-node.js';
import { closestName } from '../plan/did-you-mean.js';

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/**
 * Names that become paths and identifiers: letters, digits, `_` and `-`, starting with a letter.
 *
 * @example
 * ```ts
 * checkName('user-engagement', 'name', 'pipeline name', 'pipeline("user-engagement")') // undefined: the name is valid
 * checkName('user engagement', 'name', 'pipeline name', 'pipeline("user-engagement")')
 * // throws PlanError INVALID_NAME at name: '"user engagement" is not a valid pipeline name: use letters, digits, "_" and "-",
 * //   starting with a letter (at most 63 characters), e.g. pipeline("user-engagement").'
 * ```
 */
export function checkName(value: unknown, path: string, what: string, example: string): void {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new PlanError('INVALID_NAME', path, `${JSON.stringify(value)} is not a valid ${what}: use letters, digits, "_" and "-", starting with a letter (at most 63 characters), e.g. ${example}.`);
  }
}

/**
 * Checks that every column a gate names exists, and normalises the gate options.
 *
 * @example
 * ```ts
 * const columns = new Map<string, ScalarType>([['event_id', 'string'], ['amount', 'number']]);
 * checkGateColumns({ unique: ['event_id'], drift: { baseline: 'profiles/events.json' } }, columns, 'steps[1].validate')
 * // { unique: ['event_id'], drift: { baseline: 'profiles/events.json', maxPsi: 0.2 } }
 * checkGateColumns({ notNull: ['user'] }, columns, 'steps[1].validate') // throws PlanError UNKNOWN_COLUMN at steps[1].validate.notNull[0]
 * ```
 */
export function checkGateColumns(
  options: {
    maxInvalidRatio?: number;
    unique?: readonly (string | readonly string[])[];
    notNull?: readonly string[];
    references?: readonly { column: string; values: readonly (string | number)[] }[];
    drift?: { baseline: string; columns?: readonly string[]; maxPsi?: number };
  },
  columns: ReadonlyMap<string, ScalarType>,
  path: string,
): GateSpec {
  const known = (column: string, where: string): void => {
    if (!columns.has(column)) {
      throw new PlanError('UNKNOWN_COLUMN', `${path}.${where}`, `The gate names column "${column}", which the schema does not have.${hint(column, [...columns.keys()])} Columns: ${[...columns.keys()].join(', ')}.`);
    }
  };
  const { maxInvalidRatio, unique, notNull, references, drift } = options;
  if (maxInvalidRatio !== undefined && !(typeof maxInvalidRatio === 'number' && maxInvalidRatio >= 0 && maxInvalidRatio <= 1)) {
    throw new PlanError('INVALID_GATE', `${path}.maxInvalidRatio`, `maxInvalidRatio must be a fraction between 0 and 1 (0.01 = 1%); got ${JSON.stringify(maxInvalidRatio)}.`);
  }
  const invalid = (where: string, message: string): PlanError => new PlanError('INVALID_GATE', `${path}.${where}`, message);
  const columnList = (value: unknown, where: string, example: string): readonly string[] => {
    if (!Array.isArray(value)) throw invalid(where, `${where} takes a list of column names, e.g. ${example}; got ${JSON.stringify(value)}.`);
    value.forEach((c, i) => {
      if (typeof c !== 'string') throw invalid(`${where}[${i}]`, `${where} takes column names (text); got ${JSON.stringify(c)}.`);
      known(c, `${where}[${i}]`);
    });
    return value as string[];
  };
  if (unique !== undefined) {
    if (!Array.isArray(unique)) throw invalid('unique', `unique takes a list of columns or column combinations, e.g. unique: ['event_id'] or unique: [['user_id', 'ts']]; got ${JSON.stringify(unique)}.`);
    unique.forEach((u, i) => {
      if (typeof u === 'string') return known(u, `unique[${i}]`);
      if (!Array.isArray(u) || u.length === 0) throw invalid(`unique[${i}]`, `Each entry of unique is a column name or a non-empty list of them (a combination that must be unique together); got ${JSON.stringify(u)}.`);
      columnList(u, `unique[${i}]`, "['user_id', 'ts']");
    });
  }
  if (notNull !== undefined) columnList(notNull, 'notNull', "notNull: ['user_id']");
  if (references !== undefined) {
    if (!Array.isArray(references)) throw invalid('references', `references takes a list of { column, values }, e.g. references: [{ column: 'country', values: ['DE', 'FR'] }]; got ${JSON.stringify(references)}.`);
    references.forEach((r, i) => checkReference(r, columns, path, i, known));
  }
  if (drift !== undefined) {
    if (typeof drift.baseline !== 'string' || drift.baseline === '') {
      throw invalid('drift.baseline', 'drift needs the path of a saved profile: run once with run({ saveProfile: "profiles/events.json" }), then validate(schema, { drift: { baseline: "profiles/events.json" } }).');
    }
    if (drift.columns !== undefined) columnList(drift.columns, 'drift.columns', "columns: ['amount', 'event_type']");
    // NaN would compare false with every PSI, and turn the gate off without a word.
    if (drift.maxPsi !== undefined && !(typeof drift.maxPsi === 'number' && Number.isFinite(drift.maxPsi) && drift.maxPsi >= 0)) {
      throw invalid('drift.maxPsi', `maxPsi is the population stability index above which the gate fails: a number of at least 0 (0.1 small shift, 0.2 the usual limit, 0.25 large); got ${String(drift.maxPsi)}. Leave it out for 0.2.`);
    }
  }
  return {
    ...(maxInvalidRatio !== undefined ? { maxInvalidRatio } : {}),
    ...(unique ? { unique: unique.map((u) => (typeof u === 'string' ? u : [...u])) } : {}),
    ...(notNull ? { notNull: [...notNull] } : {}),
    ...(references ? { references: references.map((r) => ({ column: r.column, values: [...r.values] })) } : {}),
    ...(drift ? { drift: { baseline: drift.baseline, maxPsi: drift.maxPsi ?? 0.2, ...(drift.columns ? { columns: [...drift.columns] } : {}) } } : {}),
  };
}

/** A references gate: a known string or numeric column, and a list of values of its kind. */
function checkReference(reference: unknown, columns: ReadonlyMap<string, ScalarType>, validatePath: string, index: number, known: (column: string, where: string) => void): void {
  const spec = reference as { column?: unknown; values?: unknown } | null;
  const path = `${validatePath}.references[${index}]`;
  const example = "{ column: 'country', values: ['DE', 'FR'] }";
  if (typeof spec?.column !== 'string') throw new PlanError('INVALID_GATE', `${path}.column`, `A references gate names its column and the allowed values, e.g. ${example}; got ${JSON.stringify(reference)}.`);
  known(spec.column, `references[${index}].column`);
  if (!Array.isArray(spec.values)) throw new PlanError('INVALID_GATE', `${path}.values`, `The references gate on "${spec.column}" needs values: the list its values must come from, e.g. ${example}; got ${JSON.stringify(spec.values)}.`);
  const type = columns.get(spec.column);
  if (type === 'number' || type === 'integer') {
    if (!spec.values.every((v) => typeof v === 'number')) throw new PlanError('REFERENCE_TYPE', `${path}.values`, `The references gate on the numeric column "${spec.column}" lists non-numeric values; list numbers.`);
  } else if (type === 'string') {
    if (!spec.values.every((v) => typeof v === 'string' || typeof v === 'number')) throw new PlanError('REFERENCE_TYPE', `${path}.values`, `The references gate on the text column "${spec.column}" lists values that are not text; list strings.`);
  } else if (type !== 'unknown') {
    throw new PlanError('REFERENCE_TYPE', `${path}.column`, `The references gate supports string and numeric columns; "${spec.column}" is a ${type}. Use unique, notNull or the schema itself for it.`);
  }
}

function hint(name: string, candidates: string[]): string {
  const close = closestName(name, candidates);
  return close === undefined ? '' : ` Did you mean "${close}"?`;
}
