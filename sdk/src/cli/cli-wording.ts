/**
 * The SDK's errors say what to do in SDK terms (`pass { allowExpensive: true }`, "inspect
 * error.result.quality"), which is right in a notebook and wrong in a shell. This retells the
 * hints of the errors a CLI user can meet in CLI terms — the flag to pass, the command they ran —
 * matched by the error's stable `code`, so the SDK keeps one message for its own users.
 */
import { PlanError, SluiceError } from '../errors.js';
import { usageLine, COMMAND_SPECS } from './command-specs.js';

/** promote() option → the `sluice promote` flag that sets it. */
const PROMOTE_FLAGS: Readonly<Record<string, string>> = { out: '--out', schedule: '--schedule', budgetUsd: '--budget-usd', alarmEmail: '--alarm-email' };

/** training-set option → flag. */
const TRAINING_SET_FLAGS: Readonly<Record<string, string>> = {
  allowExpensive: '--allow-expensive', maxBytes: '--max-bytes', maxCostUsd: '--max-cost-usd', entityColumn: '--entity-column', timestampColumn: '--timestamp-column',
};

/**
 * `error` as a CLI user should read it: the same code and cause, the hint in flags. Errors it
 * does not know are returned unchanged.
 *
 * @example
 * ```ts
 * inCliTerms(new CostGuardError('… or pass { allowExpensive: true } to run it anyway.', 1e12, 5), 'training-set').message
 * // '… or pass --allow-expensive to run it anyway.'
 * ```
 */
export function inCliTerms(error: unknown, command: string | undefined): unknown {
  if (!(error instanceof SluiceError)) return fileSystemError(error) ?? error;
  const retold = retell(error, command);
  return retold === undefined ? error : new SluiceError(error.code, retold, { cause: error });
}

/** What a file-system refusal means, by Node's error code. */
const FILE_SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'part of that path is a file, not a folder',
  EISDIR: 'that is a folder, not a file',
  ENOENT: 'there is no such file or folder',
  EEXIST: 'something is already there',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * A file-system error from a path the user gave (`--store package.json`, `--out` on a file) as
 * a sentence naming the path and why, instead of Node's stack trace.
 */
function fileSystemError(error: unknown): SluiceError | undefined {
  const { code, path, syscall } = (error ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof path !== 'string' || !(code in FILE_SYSTEM_REASONS)) return undefined;
  const doing = typeof syscall === 'string' ? ` (${syscall})` : '';
  return new SluiceError('FILE_SYSTEM', `Cannot use ${path}${doing}: ${FILE_SYSTEM_REASONS[code]}. Check the paths given on the command line.`, { cause: error });
}

function retell(error: SluiceError, command: string | undefined): string | undefined {
  switch (error.code) {
    case 'COST_GUARD':
      return error.message
        .replace('{ allowExpensive: true }', '--allow-expensive')
        .replace(/\b(maxBytes|maxCostUsd) /g, (_, option: string) => `${TRAINING_SET_FLAGS[option]} `);
    case 'LABEL_COLUMN_MISSING':
      return withoutPlanPath(error).replace(/\{ (entityColumn|timestampColumn): '<column>' \}/, (_, option: string) => `${TRAINING_SET_FLAGS[option]} <column>`);
    case 'FEATURE_ROWS_LIMIT':
      return error.message
        .replace(/run\(\{ sample: ([\d_]+) \}\)/, (_, rows: string) => `--sample ${rows.replaceAll('_', '')}`)
        .replace(/run\(\{ maxFeatureRows: (\d+) \}\)/, '--max-feature-rows $1')
        .replace("this run's limit", 'the limit');
    case 'GATE_FAILED':
      return error.message.replace(
        'Inspect error.result.quality, fix the data or relax the gate.',
        "The report above shows which rows failed and why: fix the data, or relax the gate in the module's validate(schema, { … }).",
      );
    case 'MODULE_NOT_FOUND':
      return command && command in COMMAND_SPECS ? `${error.message}\nUsage: ${usageLine(COMMAND_SPECS[command as keyof typeof COMMAND_SPECS])}` : undefined;
    case 'INVALID_PROMOTE_OPTION':
    case 'INVALID_SCHEDULE': {
      const option = error instanceof PlanError ? /^promote\.(\w+)$/.exec(error.path)?.[1] : undefined;
      const flag = option === undefined ? undefined : PROMOTE_FLAGS[option];
      if (!flag) return undefined;
      // "alarmEmail is …, e.g. promote({ alarmEmail: 'x' })" → "--alarm-email is …, e.g. --alarm-email x"
      const text = withoutPlanPath(error)
        .replace(/promote\(\{ \w+: '?([^'}]*?)'? \}\)/g, (_, value: string) => `${flag} ${/\s/.test(value) ? `"${value}"` : value}`)
        .replace(new RegExp(`^${option}\\b`), flag);
      return text.startsWith(flag) ? text : `${flag}: ${text}`;
    }
    default:
      // The training-set command builds the options itself: a path into them ("→ at ttl") points nowhere the user wrote.
      return command === 'training-set' && error instanceof PlanError ? withoutPlanPath(error) : undefined;
  }
}

/** A PlanError's message without its "→ at promote.alarmEmail" line: a plan path means nothing in a shell. */
function withoutPlanPath(error: SluiceError): string {
  return error instanceof PlanError ? error.message.replace(/\n {2}→ at .*$/, '') : error.message;
}
