/**
 * `sluice training-set`: the same options as `trainingSet()`, from the shell. Prints the plan
 * (partitions, bytes, estimated cost) first, then runs locally or on Athena and writes the file.
 */
import { parseArgs } from 'node:util';
import { SluiceError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
import type { Duration } from '../plan/duration.js';
import { trainingSet } from '../retrieval/training-set.js';
import type { TrainingSetEngine } from '../retrieval/training-set-types.js';
import { isParseArgsError, parseArgsProblem, withNegativeNumbersAttached } from './command-args.js';
import { TRAINING_SET_FLAGS, TRAINING_SET_HELP, TRAINING_SET_USAGE, type TrainingSetFlagSpec } from './training-set-help.js';
import { positiveNumberFlag, wholeNumberFlag } from './numeric-flags.js';

export { TRAINING_SET_HELP };

/** One flag of the table as node:util parseArgs wants it (its `type`, and `multiple` when set). */
type ParseOption<F> = F extends { readonly type: infer T; readonly multiple: true } ? { type: T; multiple: true } : F extends { readonly type: infer T } ? { type: T } : never;

/** node:util parseArgs options, made from the same table as the help. */
const OPTIONS = {
  ...(Object.fromEntries(
    Object.entries(TRAINING_SET_FLAGS as Readonly<Record<string, TrainingSetFlagSpec>>).map(([name, flag]) => [name, { type: flag.type, ...(flag.multiple ? { multiple: true } : {}) }]),
  ) as { [K in keyof typeof TRAINING_SET_FLAGS]: ParseOption<(typeof TRAINING_SET_FLAGS)[K]> }),
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Runs the command; returns the exit code.
 *
 * @example
 * ```ts
 * await trainingSetCommand(['--labels', 'data/labels.parquet', '--entity', 'user', '--features', 'engagement:*', '--ttl', '30d', '--out', 'train.parquet']);
 * ```
 */
export async function trainingSetCommand(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { values } = parseOptions(argv);
  if (values.help) {
    out(TRAINING_SET_HELP);
    return 0;
  }
  for (const required of ['labels', 'entity', 'features', 'ttl'] as const) {
    if (values[required] === undefined) usage(`sluice training-set needs --${required}`);
  }
  if (!values.explain && !values.sql && !values.out) throw new SluiceError('USAGE', 'sluice training-set needs --out <file> (or --explain / --sql to only look).');
  // Read before any work starts: a mistyped limit or format must not surface after a slow explain().
  const format = values.format === undefined ? undefined : values.format === 'csv' || values.format === 'parquet' ? values.format : usage(`--format takes parquet or csv, not "${values.format}"`);
  const named = values.out === undefined ? undefined : /\.csv$/i.test(values.out) ? 'csv' : /\.parquet$/i.test(values.out) ? 'parquet' : undefined;
  if (format && named && format !== named) usage(`--out ${values.out} names a ${named} file and --format asks for ${format}: leave out --format, or name the file .${format}`);
  const limits = {
    ...(values['max-cost-usd'] !== undefined ? { maxCostUsd: positiveNumberFlag('--max-cost-usd', values['max-cost-usd'], 'dollars', '0.50') } : {}),
    ...(values['max-bytes'] !== undefined ? { maxBytes: wholeNumberFlag('--max-bytes', values['max-bytes'], 'bytes', '10000000000') } : {}),
  };
  const labels: SourceNode = {
    kind: 'source',
    scheme: values.labels!.startsWith('s3://') ? 's3' : 'file',
    uri: values.labels!,
    compression: 'auto',
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  };
  const store = { root: (values.store ?? './.sluice/features').replace(/\/+$/, ''), ...(values.endpoint ? { endpoint: values.endpoint } : {}), ...(values.region ? { region: values.region } : {}) };
  const set = trainingSet(store, {
    labels,
    entity: values.entity!,
    features: values.features!.flatMap((f) => f.split(',')).map((f) => f.trim()).filter((f) => f !== ''),
    ttl: values.ttl! as Duration | 'unbounded', // checked at runtime by trainingSet()
    ...(values['entity-column'] ? { entityColumn: values['entity-column'] } : {}),
    ...(values['timestamp-column'] ? { timestampColumn: values['timestamp-column'] } : {}),
  });
  const engine = await engineFrom(values);
  if (values.sql) {
    const dialect = values.sql === 'trino' ? 'trino' : values.sql === 'duckdb' ? 'duckdb' : usage(`--sql takes duckdb or trino, not "${values.sql}"`);
    // With Athena's flags the SQL names that database and stages under that output location.
    if (engine && dialect === 'duckdb') usage('--sql duckdb prints the local engine\'s SQL: leave out --engine athena, or ask for --sql trino');
    out(await set.sql(engine ?? dialect));
    return 0;
  }
  const explained = await set.explain(engine ? { engine } : {});
  out(explained.summary);
  if (values.explain) return 0;
  const { progressBar } = await import('./progress-bar.js');
  const bar = progressBar();
  const written = await set.write(values.out!, {
    ...(engine ? { engine } : {}),
    ...(format ? { format } : {}),
    ...limits,
    ...(values['allow-expensive'] ? { allowExpensive: true } : {}),
    // The CLI bar knows pipeline stages: downloads show as 'read', join queries as 'aggregate'.
    // The bar prints the counts itself: the message names the training set's own stage only.
    onProgress: (e) => bar({ stage: e.stage === 'download' ? 'read' : 'aggregate', done: e.done, total: e.total, message: e.stage }),
  });
  bar({ stage: 'done', done: 1, total: 1 });
  const scanned = written.stats.bytesScanned === undefined ? '' : `, Athena scanned ${written.stats.bytesScanned} bytes ($${(written.stats.costUsd ?? 0).toFixed(6)})`;
  out(`wrote ${written.rows} rows to ${written.uri} (${written.bytes} bytes) in ${written.stats.elapsedMs} ms${scanned}`);
  // The plan's warnings were printed with it; these are the ones only the result could show.
  for (const warning of written.warnings.filter((w) => !explained.warnings.includes(w))) out(`warning: ${warning}`);
  return 0;
}

async function engineFrom(values: Record<string, string | boolean | string[] | undefined>): Promise<TrainingSetEngine | undefined> {
  const name = (values.engine as string | undefined) ?? 'local';
  if (name === 'local') return undefined;
  if (name !== 'athena') usage(`--engine takes local or athena, not "${name}"`);
  for (const key of ['workgroup', 'database', 'output-location'] as const) if (!values[key]) usage(`--engine athena needs --${key}`);
  const { athena } = await import('../engines/athena/athena-engine.js');
  return athena({
    workgroup: values.workgroup as string,
    database: values.database as string,
    outputLocation: values['output-location'] as string,
    ...(values.region ? { region: values.region as string } : {}),
  });
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({ args: withNegativeNumbersAttached(argv, OPTIONS), options: OPTIONS });
  } catch (error) {
    if (isParseArgsError(error)) usage(`sluice training-set: ${parseArgsProblem(error.message, OPTIONS)}`);
    throw error;
  }
}

/** A usage error: the message, then the usage lines (the whole help would scroll the message away). */
function usage(message: string): never {
  throw new SluiceError('USAGE', `${message}.\n\nUsage:\n${TRAINING_SET_USAGE}\n\nsluice training-set --help explains every flag.`);
}
