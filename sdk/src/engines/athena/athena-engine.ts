/**
 * `athena({...})`: the training-set engine for AWS. The point-in-time join runs as Trino SQL in
 * the configured workgroup; results come back with UNLOAD as Parquet, read into Arrow. The cost
 * guard (in the builder) runs before any call made here. Whatever happens — success, failure,
 * cancellation, abort — the temporary Glue table and every staged or unloaded object are removed.
 */
import { randomUUID } from 'node:crypto';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import { EngineError, PlanError } from '../../errors.js';
import { rejectUnknownKeys } from '../../plan/unknown-options.js';
import { glueDatabaseName, glueTableName } from '../../features/glue-catalog-names.js';
import { estimateCostUsd } from '../../retrieval/cost-estimate.js';
import type { EngineOutput, EngineRunOptions, RetrievalJob, TrainingSetEngine } from '../../retrieval/training-set-types.js';
import { readGlueGroupSchema } from './athena-group-schema.js';
import { planAthenaStatements, shouldInline, type AthenaStatement, type FeatureTableRef } from './athena-query-plan.js';
import { DEFAULT_POLL, runAthenaQuery, type PollOptions } from './athena-query-runner.js';
import { createLabelsTable, deletePrefix, dropLabelsTable, labelKeysParquet, putObject, readUnloadedRows } from './athena-staging.js';

// Record<keyof AthenaConfig> makes the compiler check that no key is missing here.
const ATHENA_CONFIG_KEYS = Object.keys({
  workgroup: 0, database: 0, outputLocation: 0, region: 0, client: 0, glueClient: 0, s3Client: 0, featureTable: 0, featureDatabase: 0, inlineMaxLabels: 0, poll: 0,
} satisfies Record<keyof AthenaConfig, 0>);

export interface AthenaConfig {
  readonly workgroup: string;
  /** The database queries run in, and where the temporary labels table is created. */
  readonly database: string;
  /** s3:// prefix for query results and sluice's temporary objects (`<outputLocation>/sluice-tmp/<run>/`). */
  readonly outputLocation: string;
  readonly region?: string;
  readonly client?: AthenaClient;
  readonly glueClient?: GlueClient;
  readonly s3Client?: S3Client;
  /**
   * Where a feature group's table lives. Default: what `promote` creates — table
   * `<entity>__<group>` in `featureDatabase` when given, else in `sluice_<pipeline>` when the
   * store's catalog document names the pipeline, else in `database`. A group without a catalog
   * document (a promoted pipeline's store: its Glue job writes none) takes its columns from
   * that Glue table.
   */
  readonly featureTable?: (entity: string, group: string) => FeatureTableRef;
  readonly featureDatabase?: string;
  /** Labels up to this many rows go inline as VALUES (when the statement fits); default 200. */
  readonly inlineMaxLabels?: number;
  readonly poll?: Partial<PollOptions>;
}

/**
 * @example
 * ```ts
 * const engine = athena({ workgroup: 'sluice-user_engagement', database: 'sluice_user_engagement', outputLocation: 's3://my-athena-results/' });
 * const table = await trainingSet(store, { labels, entity: 'user', features: ['engagement:*'], ttl: '30d' })
 *   .fetch({ engine, maxCostUsd: 0.5 });
 * ```
 */
export function athena(config: AthenaConfig): TrainingSetEngine {
  rejectUnknownKeys(config, ATHENA_CONFIG_KEYS, 'athena(config)', 'athena');
  for (const key of ['workgroup', 'database', 'outputLocation'] as const) {
    if (typeof config?.[key] !== 'string' || config[key] === '') {
      throw new PlanError('ATHENA_CONFIG', `athena.${key}`, `athena() needs ${key}: athena({ workgroup, database, outputLocation: 's3://bucket/prefix/' }).`);
    }
  }
  if (!config.outputLocation.startsWith('s3://')) {
    throw new PlanError('ATHENA_CONFIG', 'athena.outputLocation', `outputLocation must be an s3:// URI, not ${JSON.stringify(config.outputLocation)}.`);
  }
  const inlineMaxLabels = config.inlineMaxLabels ?? 200;
  const featureTable = (entity: string, group: string, pipeline: string | undefined): FeatureTableRef =>
    config.featureTable?.(entity, group) ?? {
      database: config.featureDatabase ?? (pipeline === undefined ? config.database : glueDatabaseName(pipeline)),
      table: glueTableName(entity, group),
    };
  const tableFor = (job: RetrievalJob) => (group: string): FeatureTableRef =>
    featureTable(job.entity, group, job.groups.find((g) => g.group === group)?.pipeline);
  const base = (runId: string): string => `${config.outputLocation.replace(/\/+$/, '')}/sluice-tmp/${runId}`;
  const statementsFor = (job: RetrievalJob, runId: string): AthenaStatement[] => {
    const common = { featureTable: tableFor(job), inlineMaxLabels, resultBase: base(runId) };
    const staged = shouldInline(job, common) ? undefined : { database: config.database, table: labelsTableName(runId) };
    return planAthenaStatements(job, { ...common, stagedLabels: staged });
  };

  return {
    name: `athena (${config.workgroup})`,
    dialect: 'trino',
    sql: (job) => statementsFor(job, 'explain').map((s) => s.text).join(';\n\n'),
    estimate(job) {
      const statements = statementsFor(job, 'explain');
      const stagedBytes = shouldInline(job, { featureTable: tableFor(job), inlineMaxLabels, resultBase: base('explain') }) ? 0 : job.keys.count * 48;
      const bytes = statements.reduce((s, st) => s + st.files.reduce((t, f) => t + f.size, 0), 0) + stagedBytes * statements.length;
      return { bytes, queries: Math.max(1, statements.length) };
    },
    async execute(job, options) {
      return executeAthena(config, job, options, statementsFor, base);
    },
    async findGroupSchema(entity, group) {
      const ref = featureTable(entity, group, undefined);
      const glue = config.glueClient ?? new (await import('@aws-sdk/client-glue')).GlueClient(config.region ? { region: config.region } : {});
      const schema = await readGlueGroupSchema(glue, ref, group);
      return { ...(schema ? { schema } : {}), lookedIn: `the Glue table ${ref.database}.${ref.table}` };
    },
  };
}

/**
 * The `.sql('trino')` preview: Athena's statements with placeholder names. It has no Glue
 * lookup: a preview never calls AWS, so it needs the store's catalog documents.
 *
 * @example
 * ```ts
 * athenaSqlPreview().sql(job) // 'UNLOAD (SELECT … FROM "sluice_user_engagement"."user__engagement" …'
 * ```
 */
export function athenaSqlPreview(): TrainingSetEngine {
  const { findGroupSchema: _callsGlue, ...preview } = athena({ workgroup: 'primary', database: 'default', outputLocation: 's3://athena-query-results/' });
  return preview;
}

function labelsTableName(runId: string): string {
  return `sluice_labels_${runId.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
}

async function executeAthena(
  config: AthenaConfig,
  job: RetrievalJob,
  options: EngineRunOptions,
  statementsFor: (job: RetrievalJob, runId: string) => AthenaStatement[],
  base: (runId: string) => string,
): Promise<EngineOutput> {
  const started = Date.now();
  if (!job.store.root.startsWith('s3://')) {
    throw new PlanError('ATHENA_LOCAL_STORE', 'engine', `Athena reads the feature store from S3, but this store is the local folder ${job.store.root}. Use featureStore('s3://…') with athena(), or fetch locally without an engine.`);
  }
  const runId = randomUUID().replaceAll('-', '').slice(0, 16);
  const statements = statementsFor(job, runId);
  const clients = await makeClients(config);
  const tableName = labelsTableName(runId);
  const staged = statements.some((s) => s.text.includes(`"${tableName}"`));
  const warnings: string[] = [];
  let tableCreated = false;
  let scanned = 0;
  let cost = 0;
  const columns = job.groups.flatMap((g) => g.features.map((feature) => ({ feature, values: new Array<unknown>(job.keys.count).fill(null) })));
  let bytesRead = 0;
  try {
    if (staged) {
      await putObject(clients.s3, `${base(runId)}/labels/part-0.parquet`, await labelKeysParquet(job));
      await createLabelsTable(clients.glue, config.database, tableName, `${base(runId)}/labels/`);
      tableCreated = true;
    }
    const poll = { ...DEFAULT_POLL, ...config.poll };
    let done = 0;
    for (const st of statements) {
      const outcome = await runAthenaQuery(
        { client: clients.athena, workgroup: config.workgroup, database: config.database, outputLocation: config.outputLocation, poll, signal: options.signal },
        st.text,
      );
      scanned += outcome.dataScannedInBytes;
      cost += estimateCostUsd(outcome.dataScannedInBytes, 1);
      const { rows, bytes } = await readUnloadedRows(clients.s3, st.resultPrefix);
      bytesRead += bytes;
      placeRows(rows, columns, job.keys.count);
      options.onProgress?.({ stage: 'athena', done: ++done, total: statements.length });
    }
    return {
      columns,
      stats: {
        engine: 'athena',
        queries: statements.length,
        filesRead: statements.flatMap((s) => s.files.map((f) => f.path)),
        bytesRead,
        bytesScanned: scanned,
        costUsd: cost,
        elapsedMs: Date.now() - started,
      },
    };
  } finally {
    // Cleanup on every path; a cleanup failure must not hide the original error.
    if (tableCreated) await dropLabelsTable(clients.glue, config.database, tableName).catch((e: unknown) => warnings.push(`could not drop ${config.database}.${tableName}: ${String(e)}`));
    await deletePrefix(clients.s3, `${base(runId)}/`).catch((e: unknown) => warnings.push(`could not delete ${base(runId)}/: ${String(e)}`));
    if (warnings.length) process.emitWarning(`sluice training set (Athena cleanup): ${warnings.join('; ')}`, { code: 'SLUICE_ATHENA_CLEANUP' });
  }
}

function placeRows(rows: readonly Record<string, unknown>[], columns: { feature: { outputName: string }; values: unknown[] }[], count: number): void {
  if (rows.length === 0) return;
  // Athena lower-cases column names: match case-insensitively.
  const keys = Object.keys(rows[0]!);
  const keyOf = (name: string): string => keys.find((k) => k === name) ?? keys.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
  const rowKey = keyOf('_sluice_row');
  const columnKeys = columns.map((c) => keyOf(c.feature.outputName));
  for (const row of rows) {
    const index = Number(row[rowKey] as bigint | number);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new EngineError('ATHENA_RESULT_INVALID', `Athena returned a row for label ${String(row[rowKey])}, which does not exist.`);
    }
    columns.forEach((c, i) => {
      const v = row[columnKeys[i]!];
      c.values[index] = v === undefined ? null : v;
    });
  }
}

async function makeClients(config: AthenaConfig): Promise<{ athena: AthenaClient; glue: GlueClient; s3: S3Client }> {
  const region = config.region ? { region: config.region } : {};
  return {
    athena: config.client ?? new (await import('@aws-sdk/client-athena')).AthenaClient(region),
    glue: config.glueClient ?? new (await import('@aws-sdk/client-glue')).GlueClient(region),
    s3: config.s3Client ?? new (await import('@aws-sdk/client-s3')).S3Client(region),
  };
}
