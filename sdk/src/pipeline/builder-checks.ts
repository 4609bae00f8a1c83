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
  unique?.forEach((u, i) => (typeof u === 'string' ? [u] : u).forEach((c) => known(c, `unique[${i}]`)));
  notNull?.forEach((c, i) => known(c, `notNull[${i}]`));
  references?.forEach((r, i) => known(r.column, `references[${i}].column`));
  drift?.columns?.forEach((c, i) => known(c, `drift.columns[${i}]`));
  if (drift && (typeof drift.baseline !== 'string' || drift.baseline === '')) {
    throw new PlanError('INVALID_GATE', `${path}.drift.baseline`, 'drift needs the path of a saved profile: run once with run({ saveProfile: "profiles/events.json" }), then validate(schema, { drift: { baseline: "profiles/events.json" } }).');
  }
  return {
    ...(maxInvalidRatio !== undefined ? { maxInvalidRatio } : {}),
    ...(unique ? { unique: unique.map((u) => (typeof u === 'string' ? u : [...u])) } : {}),
    ...(notNull ? { notNull: [...notNull] } : {}),
    ...(references ? { references: references.map((r) => ({ column: r.column, values: [...r.values] })) } : {}),
    ...(drift ? { drift: { baseline: drift.baseline, maxPsi: drift.maxPsi ?? 0.2, ...(drift.columns ? { columns: [...drift.columns] } : {}) } } : {}),
  };
}

function hint(name: string, candidates: string[]): string {
  const close = closestName(name, candidates);
  return close === undefined ? '' : ` Did you mean "${close}"?`;
}
