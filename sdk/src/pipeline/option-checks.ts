/**
 * Checks of the options objects users pass to `validate()`, `map()` and `run()`. A misspelt
 * key (`{ dryrun: true }`, `{ maxInvalidRate: 0.5 }`) would otherwise be ignored silently and
 * the run would do something else than asked; file() and s3() already refuse them.
 */
import { PlanError } from '../errors.js';
import type { ScalarType } from '../plan/expression-node.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';
import { suggestionText } from '../plan/did-you-mean.js';

/** Every key `run()` understands (RunOptions). */
export const RUN_OPTION_KEYS = ['sample', 'writeSample', 'zones', 'writeZones', 'dryRun', 'profile', 'saveProfile', 'failOnGate', 'previewRows', 'maxFeatureRows', 'onProgress'] as const;

/** Every key `validate()` understands (ValidateOptions). */
export const VALIDATE_OPTION_KEYS = ['maxInvalidRatio', 'unique', 'notNull', 'references', 'drift'] as const;

/** The column types a `.map(fn, { columns })` may declare. */
export const DECLARABLE_COLUMN_TYPES = ['string', 'number', 'integer', 'boolean', 'timestamp'] as const satisfies readonly ScalarType[];

/**
 * Checks `run()` options before anything runs: known keys, and numbers that make sense.
 *
 * @example
 * ```ts
 * checkRunOptions({ sample: 10_000, previewRows: 5 }); // fine
 * checkRunOptions({ sample: 0 });                       // throws PlanError INVALID_RUN_OPTION at run.sample
 * ```
 */
export function checkRunOptions(options: unknown): void {
  rejectUnknownKeys(options, RUN_OPTION_KEYS, 'run()', 'run');
  const { sample, previewRows, maxFeatureRows } = (options ?? {}) as { sample?: unknown; previewRows?: unknown; maxFeatureRows?: unknown };
  if (sample !== undefined && !isWholeNumber(sample, 1)) {
    throw new PlanError('INVALID_RUN_OPTION', 'run.sample', `sample is how many rows to read: a whole number of at least 1, e.g. run({ sample: 10_000 }); got ${JSON.stringify(sample) ?? String(sample)}. Leave it out to read everything.`);
  }
  if (previewRows !== undefined && !isWholeNumber(previewRows, 0)) {
    throw new PlanError('INVALID_RUN_OPTION', 'run.previewRows', `previewRows is how many rows the preview shows: a whole number of at least 0, e.g. run({ previewRows: 5 }); got ${JSON.stringify(previewRows) ?? String(previewRows)}.`);
  }
  if (maxFeatureRows !== undefined && !isWholeNumber(maxFeatureRows, 1)) {
    throw new PlanError('INVALID_RUN_OPTION', 'run.maxFeatureRows', `maxFeatureRows is the most feature rows a local run computes: a whole number of at least 1, e.g. run({ maxFeatureRows: 100_000_000 }); got ${JSON.stringify(maxFeatureRows) ?? String(maxFeatureRows)}.`);
  }
}

/**
 * Checks the column types declared with `.map(fn, { columns })`, at build time.
 *
 * @example
 * ```ts
 * checkDeclaredColumns({ domain: 'string' }, 'steps[2].map');  // fine
 * checkDeclaredColumns({ d: 'nmber' }, 'steps[2].map');         // throws: … Did you mean "number"? …
 * ```
 */
export function checkDeclaredColumns(columns: unknown, path: string): Record<string, ScalarType> | undefined {
  if (columns === undefined) return undefined;
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new PlanError('INVALID_MAP', `${path}.columns`, `map(fn, { columns }) takes an object of column name → type, e.g. { columns: { domain: 'string' } }; got ${JSON.stringify(columns) ?? String(columns)}.`);
  }
  for (const [name, type] of Object.entries(columns)) {
    if (!(DECLARABLE_COLUMN_TYPES as readonly unknown[]).includes(type)) {
      const given = typeof type === 'string' ? `"${type}"` : (JSON.stringify(type) ?? String(type));
      const suggestion = typeof type === 'string' ? suggestionText(type, DECLARABLE_COLUMN_TYPES, 'Types') : `Types: ${DECLARABLE_COLUMN_TYPES.join(', ')}.`;
      throw new PlanError('UNKNOWN_COLUMN_TYPE', `${path}.columns.${name}`, `Column "${name}" is declared with the type ${given}, which sluice does not know. ${suggestion}`);
    }
  }
  return columns as Record<string, ScalarType>;
}

function isWholeNumber(value: unknown, atLeast: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= atLeast;
}
