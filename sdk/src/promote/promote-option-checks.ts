/**
 * Checks of `promote()`'s options before anything is written. A wrong value here does not fail
 * at synth time: it is written into the template and fails at deploy time, or never (an SNS
 * subscription to "notanemail" deploys, and the alarms it should carry reach no one), and a
 * misspelt key (`{ alarmEmial: … }`) would be ignored silently. Notebook and CLI get the same
 * check; the CLI retells the message in terms of its flags (by `code` and `path`).
 */
import { PlanError } from '../errors.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';

/** Every key `promote()` understands (PromoteOptions). */
export const PROMOTE_OPTION_KEYS = [
  'out', 'schedule', 'pipelineModule', 'budgetUsd', 'alarmEmail', 'stackName', 'sluiceDependency', 'log',
  'lambdaMemoryMb', 'lambdaTimeoutSeconds', 'maxConcurrency', 'reservedConcurrency', 'batchSize', 'glueWorkers', 'reprocessDays',
  'athenaBytesScannedCutoff', 'quarantineRetentionDays', 'maxQuarantineRatio', 'projectionStartDate', 'tags',
] as const;

/**
 * Whole-number options and the range AWS accepts (or, without an AWS limit, what makes sense:
 * a reserved concurrency of 0 would stop the Lambda from ever running).
 */
const WHOLE_NUMBER_RANGES = {
  lambdaMemoryMb: [128, 10_240, 'MB of Lambda memory'],
  lambdaTimeoutSeconds: [1, 900, 'seconds of Lambda timeout'],
  maxConcurrency: [2, 1000, 'concurrent invocations the SQS trigger starts'],
  reservedConcurrency: [1, Number.MAX_SAFE_INTEGER, 'concurrent Lambda executions'],
  batchSize: [1, 10_000, 'S3 events per Lambda invocation'],
  glueWorkers: [2, Number.MAX_SAFE_INTEGER, 'Glue G.1X workers'],
  reprocessDays: [1, Number.MAX_SAFE_INTEGER, 'recent days each aggregate run recomputes'],
  athenaBytesScannedCutoff: [10_000_000, Number.MAX_SAFE_INTEGER, "bytes Athena may scan per query (Athena's minimum is 10 MB)"],
  quarantineRetentionDays: [1, Number.MAX_SAFE_INTEGER, 'days quarantined rows are kept'],
} as const;

/** Loose on purpose (SNS does the real check): one "@", no spaces, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** CloudFormation's rule for stack names. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Throws a PlanError (`UNKNOWN_OPTION`, or `INVALID_PROMOTE_OPTION` at `promote.<key>`) for the
 * first option promote() cannot use, naming the value and what to write instead.
 *
 * @example
 * ```ts
 * checkPromoteOptions({ out: 'deploy/x', alarmEmail: 'ml-oncall@example.com' }); // fine
 * checkPromoteOptions({ out: 'deploy/x', alarmEmail: 'notanemail' });            // throws INVALID_PROMOTE_OPTION at promote.alarmEmail
 * ```
 */
export function checkPromoteOptions(options: unknown): void {
  if (options === undefined) throw invalid('out', 'promote() needs options with at least the output folder, e.g. promote({ out: \'deploy/user-engagement\' })');
  rejectUnknownKeys(options, PROMOTE_OPTION_KEYS, 'promote()', 'promote');
  const o = options as Record<string, unknown>;
  if (typeof o.out !== 'string' || o.out.trim() === '') {
    throw invalid('out', `out is the folder promote writes the stack into, e.g. promote({ out: 'deploy/user-engagement' }); got ${describe(o.out)}`);
  }
  for (const key of ['schedule', 'pipelineModule', 'stackName', 'sluiceDependency', 'projectionStartDate'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key].trim() === '')) {
      throw invalid(key, `${key} takes a non-empty string; got ${describe(o[key])}. Leave it out for the default`);
    }
  }
  if (o.budgetUsd !== undefined && !(typeof o.budgetUsd === 'number' && Number.isFinite(o.budgetUsd) && o.budgetUsd > 0)) {
    throw invalid('budgetUsd', `budgetUsd is the monthly AWS budget in US dollars: a positive number, e.g. promote({ budgetUsd: 50 }); got ${describe(o.budgetUsd)}`);
  }
  if (o.alarmEmail !== undefined && !(typeof o.alarmEmail === 'string' && EMAIL.test(o.alarmEmail.trim()))) {
    throw invalid('alarmEmail', `alarmEmail is where alarms and budget warnings are emailed: a full address, e.g. promote({ alarmEmail: 'ml-oncall@example.com' }); got ${describe(o.alarmEmail)}. Leave it out to send them to the SNS topic only`);
  }
  if (typeof o.stackName === 'string' && !STACK_NAME.test(o.stackName)) {
    throw invalid('stackName', `stackName must start with a letter and hold only letters, digits and "-" (at most 128), as CloudFormation requires, e.g. 'SluiceUserEngagement'; got ${describe(o.stackName)}`);
  }
  if (typeof o.projectionStartDate === 'string' && !isCalendarDate(o.projectionStartDate)) {
    throw invalid('projectionStartDate', `projectionStartDate is the first dt= partition Athena knows, as YYYY-MM-DD, e.g. '2020-01-01'; got ${describe(o.projectionStartDate)}`);
  }
  for (const [key, [min, max, unit]] of Object.entries(WHOLE_NUMBER_RANGES)) {
    const value = o[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min.toLocaleString('en-US')}` : `${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
      throw invalid(key, `${key} is a whole number of ${unit}, ${range}; got ${describe(value)}`);
    }
  }
  if (o.maxQuarantineRatio !== undefined && !(typeof o.maxQuarantineRatio === 'number' && o.maxQuarantineRatio > 0 && o.maxQuarantineRatio <= 1)) {
    throw invalid('maxQuarantineRatio', `maxQuarantineRatio is the share of quarantined rows that raises the alarm: above 0 and at most 1, e.g. 0.05; got ${describe(o.maxQuarantineRatio)}`);
  }
  if (o.tags !== undefined && !isStringRecord(o.tags)) {
    throw invalid('tags', `tags are cost-allocation tags, name → string value, e.g. { team: 'ml-platform' }; got ${describe(o.tags)}`);
  }
}

/** `YYYY-MM-DD` naming a real day: '2024-02-30' is shaped right, but Athena's projection rejects it at every query. */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

function invalid(key: string, message: string): PlanError {
  return new PlanError('INVALID_PROMOTE_OPTION', `promote.${key}`, `${message}.`);
}

function isStringRecord(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}
