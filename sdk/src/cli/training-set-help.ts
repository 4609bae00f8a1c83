/**
 * `sluice training-set`'s flags and its `--help` text, on their own so the top-level help can
 * show its usage without loading the retrieval code. The command's parser is made from
 * TRAINING_SET_FLAGS too, so a flag cannot be accepted without being explained here.
 */
import type { FlagSpec } from './command-specs.js';

/** A training-set flag: `multiple` ones may be repeated (`--features a:x --features b:*`). */
export interface TrainingSetFlagSpec extends FlagSpec {
  readonly multiple?: boolean;
}

export const TRAINING_SET_FLAGS = {
  labels: { type: 'string', value: 'FILE', required: true, description: 'the label rows: entity id, event time, label columns (Parquet, CSV or JSONL; a path or s3://…)' },
  entity: { type: 'string', value: 'NAME', required: true, description: "the entity the feature groups are keyed by, as in toFeatureStore(store, { entity: 'user' })" },
  features: { type: 'string', value: 'LIST', required: true, multiple: true, description: 'group:feature or group:*, comma-separated or repeated: engagement:clicks_7d,engagement:spend_30d' },
  ttl: { type: 'string', value: 'AGE', required: true, description: 'how old a feature row may be and still be used: 1h, 7d, 30d…, or unbounded' },
  out: { type: 'string', value: 'FILE', description: 'where to write: file.parquet, file.csv or s3://… (needed unless --explain or --sql)' },
  store: { type: 'string', value: 'DIR', description: 'the feature store root, a folder or s3://… (default ./.sluice/features)' },
  'entity-column': { type: 'string', value: 'NAME', description: "the labels' entity id column (default entity_id)" },
  'timestamp-column': { type: 'string', value: 'NAME', description: "the labels' event time column, UTC (default ts)" },
  format: { type: 'string', value: 'parquet|csv', description: "the output format (default: csv when --out ends in .csv, else parquet)" },
  explain: { type: 'boolean', description: 'print the partitions, bytes and estimated cost, and stop' },
  sql: { type: 'string', value: 'duckdb|trino', description: 'print the query the engine would run, and stop' },
  engine: { type: 'string', value: 'local|athena', description: 'where the join runs: local (DuckDB on this machine, the default) or athena' },
  workgroup: { type: 'string', value: 'NAME', description: 'the Athena workgroup (needed with --engine athena)' },
  database: { type: 'string', value: 'NAME', description: 'the Glue database of the feature tables (needed with --engine athena)' },
  'output-location': { type: 'string', value: 's3://…', description: "where Athena writes query results (needed with --engine athena)" },
  region: { type: 'string', value: 'REGION', description: 'the AWS region of the store, the labels and Athena (default: the AWS SDK\'s)' },
  endpoint: { type: 'string', value: 'URL', description: 'a custom S3 endpoint for the store and the labels (MinIO, s3rver, LocalStack)' },
  'max-cost-usd': { type: 'string', value: 'N', description: "refuse to run when the query's estimated cost (at Athena's $5/TB) is above N dollars" },
  'max-bytes': { type: 'string', value: 'N', description: 'refuse to run when the query would scan more than N bytes' },
  'allow-expensive': { type: 'boolean', description: 'run even when above --max-cost-usd or --max-bytes' },
} as const satisfies Readonly<Record<string, TrainingSetFlagSpec>>;

const HELP_FLAG = '-h, --help';

/** The usage lines alone: the top-level help shows them beside the other commands' usage. */
export const TRAINING_SET_USAGE = `  sluice training-set --labels <file|s3://…> --entity <entity> --features <g:f,g:*> --ttl <30d|unbounded> --out <file.parquet|file.csv|s3://…>
                      [--store ./.sluice/features] [--entity-column entity_id] [--timestamp-column ts]
                      [--format parquet|csv] [--explain] [--sql duckdb|trino]
                      [--engine local|athena --workgroup W --database D --output-location s3://…]
                      [--max-cost-usd N] [--max-bytes N] [--allow-expensive] [--endpoint URL] [--region R]`;

export const TRAINING_SET_HELP = helpText();

function helpText(): string {
  const flags = Object.entries(TRAINING_SET_FLAGS as Readonly<Record<string, TrainingSetFlagSpec>>).map(
    ([name, flag]) => [flag.type === 'string' ? `--${name} ${flag.value}` : `--${name}`, flag.description, flag.required === true] as const,
  );
  const width = Math.max(HELP_FLAG.length, ...flags.map(([left]) => left.length)) + 2;
  const line = ([left, description]: readonly [string, string, boolean]) => `  ${left.padEnd(width)}${description}`;
  return `sluice training-set — a point-in-time-correct training set: each label row gets the features as they were at its time

Usage:
${TRAINING_SET_USAGE}

Required:
${flags.filter(([, , required]) => required).map(line).join('\n')}

Options:
${flags.filter(([, , required]) => !required).map(line).join('\n')}
  ${HELP_FLAG.padEnd(width)}show this help

Examples:
  sluice training-set --labels data/labels.parquet --entity user --features 'engagement:*' --ttl 30d --out train.parquet
  sluice training-set --labels data/labels.parquet --entity user --features engagement:clicks_7d,engagement:spend_30d --ttl 30d --explain
`;
}
