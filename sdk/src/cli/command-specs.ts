/**
 * Every subcommand's arguments and flags, in one table. The parser, each command's `--help`
 * and the top-level help are all made from it, so a flag cannot be accepted without being
 * documented, or documented without being accepted.
 */
import { TRAINING_SET_USAGE } from './training-set-help.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** What the value looks like in the usage line, for string flags: `N`, `DIR`. */
  readonly value?: string;
  readonly description: string;
  /** The command cannot run without it (the usage line shows it without brackets). */
  readonly required?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  /** Positional arguments as the usage line shows them: `<module>`, `[<entity>/<group>]`. */
  readonly arguments: string;
  readonly summary: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly example: string;
}

export const COMMAND_SPECS = {
  run: {
    name: 'run',
    arguments: '<module>',
    summary: 'run the pipeline a module default-exports, on this machine (DuckDB), and print its quality report',
    flags: {
      sample: { type: 'string', value: 'N', description: 'read only about N rows: the first N, objects in key order (reports and previews; writes no partitions)' },
      'write-sample': { type: 'boolean', description: "with --sample, write the feature store and the validated zone anyway (a sample's partial partitions replace complete ones)" },
      'dry-run': { type: 'boolean', description: 'compute everything, write nothing to the store or the zones' },
      zones: {
        type: 'string',
        value: 'DIR',
        // As run-pipeline.ts resolveZonesRoot decides: beside a local store, else under .sluice/.
        description: "where the validated and quarantine zones go (default: <the local store's parent>/zones/<pipeline>, e.g. .sluice/zones/<pipeline> for ./.sluice/features; .sluice/zones/<pipeline> when the store is on S3 or there is none)",
      },
      'save-profile': { type: 'string', value: 'FILE', description: "save this run's column profile as a drift baseline" },
      'no-profile': { type: 'boolean', description: 'skip the column profile (faster on large runs); --save-profile computes it anyway' },
      'max-feature-rows': { type: 'string', value: 'N', description: 'stop before computing more than N feature rows (default 50000000): a long window at a fine cadence can ask for hundreds of millions' },
    },
    example: 'sluice run examples/engagement.ts --sample 10000',
  },
  demo: {
    name: 'demo',
    arguments: '[<module>]',
    summary: 'make the seeded demo clickstream if it is absent, then run a pipeline on it (default examples/engagement.ts; in a sluice init project pipelines/engagement.ts)',
    flags: {
      data: { type: 'string', value: 'DIR', description: 'where the demo clickstream is, or is made (default data/events)' },
      sample: { type: 'string', value: 'N', description: 'read only about N rows: the first N, objects in key order' },
    },
    example: 'sluice demo --sample 50000',
  },
  catalog: {
    name: 'catalog',
    arguments: '[<entity>/<group>]',
    summary: 'list the feature groups of a store, or describe one',
    flags: {
      store: { type: 'string', value: 'DIR', description: 'the feature store root (default ./.sluice/features)' },
    },
    example: 'sluice catalog user/engagement',
  },
  init: {
    name: 'init',
    arguments: '<dir>',
    summary: 'scaffold a new project: a pipeline, a notebook, sample data',
    flags: {
      name: { type: 'string', value: 'NAME', description: "the package name (default: from the folder's name)" },
      force: { type: 'boolean', description: 'write into a folder that is not empty (files already there are kept)' },
    },
    example: 'sluice init my-features',
  },
  promote: {
    name: 'promote',
    arguments: '<module>',
    summary: 'write everything production needs: the Lambda bundle, the Glue job, a CDK app and its template',
    flags: {
      out: { type: 'string', value: 'DIR', required: true, description: 'output folder (required; files in it are overwritten)' },
      schedule: { type: 'string', value: 'EXPR', description: 'aggregate schedule: "rate(1 hour)" (default), "rate(15 minutes)" or a Glue cron(...)' },
      'budget-usd': { type: 'string', value: 'N', description: 'monthly AWS budget in USD, a positive number (default 50)' },
      'alarm-email': { type: 'string', value: 'ADDRESS', description: 'where alarms and budget warnings are emailed' },
    },
    example: 'sluice promote examples/engagement.ts --out deploy/user-engagement --schedule "rate(1 hour)"',
  },
  dev: {
    name: 'dev',
    arguments: '<module>',
    summary: 'production behaviour on this machine: s3rver + dynalite in-process, the bundled handler, the aggregate stage on a timer',
    flags: {
      dir: { type: 'string', value: 'DIR', description: "where s3rver's objects and the local feature store go (default .sluice/dev)" },
      'aggregate-every': { type: 'string', value: 'SECONDS', description: 'run the aggregate stage this often (default 60; 0 = never)' },
      's3-port': { type: 'string', value: 'PORT', description: "s3rver's port on 127.0.0.1 (default 4569; 0 = any free port)" },
      'dynamo-port': { type: 'string', value: 'PORT', description: "dynalite's port on 127.0.0.1 (default 4567; 0 = any free port)" },
    },
    example: 'sluice dev examples/engagement.ts --aggregate-every 30',
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_SPECS;

const HELP_FLAG = '-h, --help';

/**
 * The `--help` text of one subcommand: usage, every flag, an example.
 *
 * @example
 * ```ts
 * console.log(commandHelp(COMMAND_SPECS.run));
 * ```
 */
export function commandHelp(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([name, flag]) => [flagWithValue(name, flag), flag.description] as const);
  const width = Math.max(HELP_FLAG.length, ...flags.map(([left]) => left.length)) + 2;
  return [
    `sluice ${spec.name} — ${spec.summary}`,
    '',
    'Usage:',
    `  ${usageLine(spec)}`,
    '',
    'Options:',
    ...flags.map(([left, description]) => `  ${left.padEnd(width)}${description}`),
    `  ${HELP_FLAG.padEnd(width)}show this help`,
    '',
    'Example:',
    `  ${spec.example}`,
    '',
  ].join('\n');
}

/**
 * The top-level `sluice --help`: every subcommand with every flag it takes.
 *
 * @example
 * ```ts
 * console.log(topLevelHelp());
 * ```
 */
export function topLevelHelp(): string {
  const specs: readonly CommandSpec[] = Object.values(COMMAND_SPECS);
  return [
    'sluice — feature pipelines: explore in a notebook, promote to AWS, pull training sets',
    '',
    'Usage:',
    ...specs.map((spec) => `  ${usageLine(spec)}`),
    ...TRAINING_SET_USAGE.split('\n'),
    '',
    'Commands:',
    ...[...specs.map((spec) => [spec.name, spec.summary] as const), ['training-set', 'build a point-in-time-correct training set from the feature store'] as const].map(
      ([name, summary]) => `  ${name.padEnd(14)}${summary}`,
    ),
    '',
    'sluice <command> --help shows one command with what each flag does; sluice --version the version.',
    '',
  ].join('\n');
}

/**
 * `sluice promote <module> --out DIR [--schedule EXPR] …`: the command, its arguments and every flag
 * (a required flag without brackets).
 *
 * @example
 * ```ts
 * usageLine(COMMAND_SPECS.catalog) // 'sluice catalog [<entity>/<group>] [--store DIR]'
 * ```
 */
export function usageLine(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([name, flag]: [string, FlagSpec]) => (flag.required ? flagWithValue(name, flag) : `[${flagWithValue(name, flag)}]`));
  return [`sluice ${spec.name}`, spec.arguments, ...flags].filter((part) => part !== '').join(' ');
}

function flagWithValue(name: string, flag: FlagSpec): string {
  return flag.type === 'string' ? `--${name} ${flag.value ?? 'VALUE'}` : `--${name}`;
}
