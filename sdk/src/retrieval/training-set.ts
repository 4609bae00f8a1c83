/**
 * `trainingSet(store, { labels, entity, features, ttl })`: point-in-time-correct training sets
 * (DESIGN §4). The object is immutable and lazy: nothing is read until `fetch()`, `write()`,
 * `sql()` or `explain()`. It resolves everything engine-independent (catalog, labels, time
 * chunks, pruned partitions with sizes) and hands that to an engine; the builder never loads
 * DuckDB or the AWS SDK itself (engines are passed in, or the local engine is loaded lazily).
 */
import type { Table } from 'apache-arrow';
import { PlanError } from '../errors.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';
import { durationMs } from '../plan/duration.js';
import type { Dialect } from '../sql/sql-printer.js';
import { storeFiles } from '../features/store-files.js';
import { checkCostGuard, estimateCostUsd, formatBytes, type CostGuard } from './cost-estimate.js';
import { resolveFeatureRefs } from './feature-ref-resolver.js';
import { readGroupSchemas } from './group-schema-reader.js';
import { loadLabels, type LabelFrame } from './label-frame.js';
import { listPrunedFiles } from './partition-lister.js';
import { planTimeChunks } from './time-chunk-planner.js';
import { assembleTrainingSet } from './training-set-result.js';
import { allNullWarnings, missingPartitionWarnings } from './coverage-warnings.js';
import { writeTable, type TrainingSetFormat } from './training-set-writer.js';
import type { EngineRunStats, FeatureStoreRef, ResolvedGroup, RetrievalJob, TrainingSetEngine, TrainingSetOptions } from './training-set-types.js';

export interface FetchOptions extends CostGuard {
  /** Where to run: the local engine (default) or `athena({...})`. */
  readonly engine?: TrainingSetEngine;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: { readonly stage: string; readonly done: number; readonly total: number }) => void;
}

export interface TrainingSetRun {
  readonly table: Table;
  readonly stats: EngineRunStats;
  readonly estimate: TrainingSetExplain;
  /**
   * What makes the table suspect: a group with no partitions where the labels need them, or
   * one whose features came back null for every label. Empty when all is well. (`fetch()`,
   * which returns the bare table, emits these as process warnings instead.)
   */
  readonly warnings: readonly string[];
}

export interface GroupExplain {
  readonly group: string;
  readonly features: readonly string[];
  readonly partitions: readonly string[];
  readonly files: number;
  readonly bytes: number;
}

export interface TrainingSetExplain {
  readonly engine: string;
  readonly labels: number;
  readonly chunks: readonly { readonly dtFrom: string | undefined; readonly dtTo: string; readonly labels: number }[];
  readonly groups: readonly GroupExplain[];
  readonly files: number;
  readonly bytes: number;
  readonly queries: number;
  /** Athena pricing of the scan ($5/TB, 10 MB minimum per query), whichever engine runs it. */
  readonly estimatedCostUsd: number;
  readonly sql: string;
  /** Groups with no partitions in the range the labels need: their features would be all null. */
  readonly warnings: readonly string[];
  /** A one-screen text summary (warnings included). */
  readonly summary: string;
}

export interface TrainingSet {
  readonly options: TrainingSetOptions;
  /**
   * Runs the join and returns an Arrow table: the label columns plus `<group>__<feature>` columns.
   * What `run()` returns as `warnings` is emitted as a process warning (`SLUICE_TRAINING_SET`).
   */
  fetch(options?: FetchOptions): Promise<Table>;
  /** Like `fetch`, with the run's statistics (bytes read or scanned, actual cost) and the estimate. */
  run(options?: FetchOptions): Promise<TrainingSetRun>;
  write(uri: string, options?: FetchOptions & { readonly format?: TrainingSetFormat }): Promise<{ uri: string; rows: number; bytes: number; stats: EngineRunStats; warnings: readonly string[] }>;
  /** The query the engine would run (`'duckdb'` = local, `'trino'` = Athena's form). */
  sql(dialectOrEngine?: Dialect | TrainingSetEngine): Promise<string>;
  /** Partitions, files, bytes and estimated cost, before anything runs. */
  explain(options?: { readonly engine?: TrainingSetEngine }): Promise<TrainingSetExplain>;
}

/** A job and the labels it was planned from (the result is assembled onto these). */
interface PreparedJob {
  readonly job: RetrievalJob;
  readonly labels: LabelFrame;
}

let defaultEngine: (() => Promise<TrainingSetEngine>) | undefined;

/**
 * Sets the engine `fetch()`, `run()`, `write()` and `explain()` use when none is passed
 * (`sql('duckdb')` still prints DuckDB's SQL). `index.ts` wires the local (DuckDB) engine; a
 * team that always trains on Athena, or a test with a stub engine, may set its own.
 *
 * @example
 * ```ts
 * setDefaultTrainingSetEngine(async () =>
 *   athena({ workgroup: 'sluice-user_engagement', database: 'sluice_user_engagement', outputLocation: 's3://my-athena-results/' }));
 * const table = await trainingSet(store, { labels, entity: 'user', features: ['engagement:*'], ttl: '30d' }).fetch(); // on Athena
 * ```
 */
export function setDefaultTrainingSetEngine(factory: () => Promise<TrainingSetEngine>): void {
  defaultEngine = factory;
}

/** How a caller that displays things (a notebook) shows a training set's work; set by `index.ts`. */
export interface TrainingSetDisplay {
  /** A live progress display for a run given no `onProgress`, or undefined where there is none. */
  progress(): { readonly onProgress: NonNullable<FetchOptions['onProgress']>; finish(): void } | undefined;
  /** The table as returned: one that renders itself where it is shown. */
  table(table: Table): Table;
}

let display: TrainingSetDisplay | undefined;

/**
 * Sets how training sets show progress and their tables (`index.ts`: a live display and HTML
 * tables in a notebook, nothing elsewhere). Retrieval itself never imports the notebook layer.
 *
 * @example
 * ```ts
 * setTrainingSetDisplay({ progress: () => (isNotebook() ? createProgressDisplay() : undefined), table: (t) => t });
 * ```
 */
export function setTrainingSetDisplay(shown: TrainingSetDisplay): void {
  display = shown;
}

async function engineFor(engine: TrainingSetEngine | undefined): Promise<TrainingSetEngine> {
  if (engine) return engine;
  if (defaultEngine) return defaultEngine();
  // Loaded only here, on first use, so importing the builder never loads DuckDB.
  const { localEngine } = await import('../engines/local/training-set-local-engine.js');
  return localEngine();
}

/**
 * Declares a point-in-time-correct training set.
 *
 * @example
 * ```ts
 * const set = trainingSet(featureStore('./.sluice/features'), {
 *   labels: file('data/labels.parquet'),
 *   entity: 'user',
 *   features: ['engagement:clicks_7d', 'engagement:spend_30d', 'profile:*'],
 *   ttl: '30d',
 * });
 * console.log((await set.explain()).summary);
 * const table = await set.fetch();                                  // DuckDB, locally
 * // A promoted pipeline's store, on Athena (the root: the stack output FeatureStoreRoot):
 * const engine = athena({ workgroup: 'sluice-user_engagement', database: 'sluice_user_engagement', outputLocation: 's3://my-athena-results/' });
 * const cloud = await trainingSet(featureStore('s3://<features bucket>/features'), { ...set.options }).fetch({ engine });
 * ```
 * @throws PlanError `TTL_REQUIRED` when `ttl` is missing (pass `ttl: 'unbounded'` to scan all history on purpose).
 */
export function trainingSet(store: FeatureStoreRef | string, options: TrainingSetOptions): TrainingSet {
  const ref: FeatureStoreRef = typeof store === 'string' ? { root: store } : store;
  if (!ref || typeof ref.root !== 'string' || ref.root === '') {
    throw new PlanError('INVALID_STORE', 'store', 'trainingSet() needs a feature store: trainingSet(featureStore(\'./.sluice/features\'), {...}).');
  }
  rejectUnknownKeys(options, TRAINING_SET_OPTION_KEYS, 'trainingSet(store, options)', 'trainingSet');
  if (typeof options?.entity !== 'string' || options.entity === '') {
    throw new PlanError('ENTITY_REQUIRED', 'entity', "trainingSet() needs the entity the features are keyed by: { entity: 'user' }.");
  }
  if (options.ttl === undefined || options.ttl === null || (options.ttl as unknown) === '') {
    throw new PlanError(
      'TTL_REQUIRED',
      'ttl',
      "trainingSet() needs a ttl: the oldest a feature row may be and still count (e.g. ttl: '30d'). Without one every query would scan the whole history. " +
        "If that is really what you want, say so with ttl: 'unbounded'.",
    );
  }
  const ttlMs = options.ttl === 'unbounded' ? null : durationMs(options.ttl, 'ttl');
  if (!Array.isArray(options.features) || options.features.length === 0) resolveFeatureRefs([], [], options.entity);
  const frozen: TrainingSetOptions = Object.freeze({ ...options, features: Object.freeze([...options.features]) });
  // Resolved afresh by every call: between two fetches a notebook re-runs the pipeline, which adds
  // partitions and rewrites others under new file names, so a listing kept from an earlier call
  // would silently miss the new rows (or name files that are gone). Within one call the one job
  // serves throughout: what run() executes is what its estimate priced.
  const prepare = (engine: TrainingSetEngine): Promise<PreparedJob> => prepareJob(ref, frozen, ttlMs, engine.findGroupSchema ? engine : undefined);

  async function prepareJob(store: FeatureStoreRef, opts: TrainingSetOptions, ttl: number | null, engine: TrainingSetEngine | undefined): Promise<PreparedJob> {
    const files = storeFiles(store.root, { endpoint: store.endpoint, region: store.region, client: opts.s3Client });
    const { schemas, notFound } = await readGroupSchemas(files, store.root, opts.entity, opts.features, engine);
    const requests = resolveFeatureRefs(opts.features, schemas, opts.entity, notFound);
    const frame = await loadLabels(opts.labels, opts.entityColumn ?? 'entity_id', opts.timestampColumn ?? 'ts', opts.s3Client);
    const labelNames = new Set(frame.table.schema.fields.map((f) => f.name));
    for (const r of requests) {
      for (const f of r.features) {
        if (labelNames.has(f.outputName)) {
          throw new PlanError('COLUMN_CONFLICT', `labels.${f.outputName}`, `The labels already have a column ${JSON.stringify(f.outputName)}, which the feature ${r.group}:${f.column} would add. Rename that label column.`);
        }
      }
    }
    const chunks = planTimeChunks(frame.keys, { ttlMs: ttl });
    const groups = await Promise.all(
      requests.map(async (r) => {
        const groupFiles = await listPrunedFiles(files, store.root, opts.entity, r.group, chunks);
        return { group: r.group, pipeline: r.pipeline, features: r.features, tieBreakColumns: r.allFeatures, files: groupFiles, partitions: [...new Set(groupFiles.map((f) => f.dt))].sort() };
      }),
    );
    return { job: { store, entity: opts.entity, groups, keys: frame.keys, ttlMs: ttl, chunks, s3Client: opts.s3Client }, labels: frame };
  }

  function explainJob(engine: TrainingSetEngine, job: RetrievalJob): TrainingSetExplain {
    const fileBytes = job.groups.reduce((s, g) => s + g.files.reduce((t, f) => t + f.size, 0), 0);
    // Engines without their own estimate are priced as Athena would run them: one statement.
    const estimate = engine.estimate?.(job) ?? { bytes: fileBytes, queries: 1 };
    const groups = job.groups.map((g) => ({
      group: g.group,
      features: g.features.map((f) => f.column),
      partitions: g.partitions,
      files: g.files.length,
      bytes: g.files.reduce((t, f) => t + f.size, 0),
    }));
    const cost = estimateCostUsd(estimate.bytes, estimate.queries);
    const chunks = job.chunks.map((c) => ({ dtFrom: c.dtFrom, dtTo: c.dtTo, labels: c.rows.length }));
    const warnings = missingPartitionWarnings(job);
    const lines = [
      `training set: ${job.keys.count} labels, ${chunks.length} time chunk(s), engine ${engine.name}`,
      ...groups.map((g) => `  ${g.group}: ${g.features.length} feature(s), ${g.partitions.length} partition(s) ${g.partitions.length ? `${g.partitions[0]}..${g.partitions[g.partitions.length - 1]}` : ''}, ${g.files} file(s), ${formatBytes(g.bytes)}`),
      `  scan ≤ ${formatBytes(estimate.bytes)} in ${estimate.queries} quer${estimate.queries === 1 ? 'y' : 'ies'}: ≈ $${cost.toFixed(6)} at Athena's $5/TB (10 MB minimum per query)`,
      ...warnings.map((w) => `  warning: ${w}`),
    ];
    return {
      engine: engine.name,
      labels: job.keys.count,
      chunks,
      groups,
      files: groups.reduce((s, g) => s + g.files, 0),
      bytes: estimate.bytes,
      queries: estimate.queries,
      estimatedCostUsd: cost,
      sql: engine.sql(job),
      warnings,
      summary: lines.join('\n'),
    };
  }

  async function run(runOptions: FetchOptions = {}): Promise<TrainingSetRun> {
    const engine = await engineFor(runOptions.engine);
    const { job, labels } = await prepare(engine);
    const estimate = explainJob(engine, job);
    // The guard runs here, before the engine is called at all.
    checkCostGuard(estimate.bytes, estimate.estimatedCostUsd, runOptions);
    const progress = runOptions.onProgress === undefined ? display?.progress() : undefined;
    let output: Awaited<ReturnType<TrainingSetEngine['execute']>>;
    try {
      output = await engine.execute(job, progress ? { ...runOptions, onProgress: progress.onProgress } : runOptions);
    } finally {
      progress?.finish();
    }
    // Engines answer group by group; the table lists the features as they were asked for.
    const order = requestOrder(frozen.features, job.groups);
    const columns = [...output.columns].sort((a, b) => (order.get(a.feature.outputName) ?? order.size) - (order.get(b.feature.outputName) ?? order.size));
    const assembled = await assembleTrainingSet(labels.table, columns);
    const table = display ? display.table(assembled) : assembled;
    const missing = new Set(job.groups.filter((g) => g.partitions.length === 0).map((g) => g.group));
    return { table, stats: output.stats, estimate, warnings: [...estimate.warnings, ...(output.warnings ?? []), ...allNullWarnings(table, job, missing)] };
  }

  return Object.freeze({
    options: frozen,
    run,
    async fetch(o?: FetchOptions) {
      rejectUnknownKeys(o, FETCH_OPTION_KEYS, 'fetch(options)', 'fetch');
      const result = await run(o);
      // The bare table has nowhere to carry them; a notebook or script shows process warnings on stderr.
      for (const warning of result.warnings) process.emitWarning(`training set: ${warning}`, { code: 'SLUICE_TRAINING_SET' });
      return result.table;
    },
    async write(uri: string, o: FetchOptions & { readonly format?: TrainingSetFormat } = {}) {
      rejectUnknownKeys(o, [...FETCH_OPTION_KEYS, 'format'], 'write(uri, options)', 'write');
      const result = await run(o);
      const written = await writeTable(result.table, uri, { format: o.format, s3Client: frozen.s3Client, endpoint: ref.endpoint, region: ref.region });
      return { ...written, stats: result.stats, warnings: result.warnings };
    },
    async sql(dialectOrEngine: Dialect | TrainingSetEngine = 'duckdb') {
      const engine = typeof dialectOrEngine === 'string' ? await engineForDialect(dialectOrEngine) : dialectOrEngine;
      return engine.sql((await prepare(engine)).job);
    },
    async explain(o: { readonly engine?: TrainingSetEngine } = {}) {
      rejectUnknownKeys(o, ['engine'], 'explain(options)', 'explain');
      const engine = await engineFor(o.engine);
      return explainJob(engine, (await prepare(engine)).job);
    },
  });
}

/**
 * Each feature column's place in the request: references in the order given, a `'<group>:*'`
 * standing for its group's features (in catalog order) where it is written; the first mention wins.
 */
function requestOrder(refs: readonly string[], groups: readonly ResolvedGroup[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const ref of refs) {
    const [group, feature] = ref.split(':');
    for (const f of groups.find((g) => g.group === group)?.features ?? []) {
      if ((feature === '*' || f.column === feature) && !order.has(f.outputName)) order.set(f.outputName, order.size);
    }
  }
  return order;
}

// Every key of the interfaces (Record<keyof …> makes the compiler check that none is missing).
const TRAINING_SET_OPTION_KEYS = Object.keys({ labels: 0, entity: 0, features: 0, ttl: 0, entityColumn: 0, timestampColumn: 0, s3Client: 0 } satisfies Record<keyof TrainingSetOptions, 0>);
const FETCH_OPTION_KEYS = Object.keys({ engine: 0, signal: 0, onProgress: 0, maxCostUsd: 0, maxBytes: 0, allowExpensive: 0 } satisfies Record<keyof FetchOptions, 0>);

async function engineForDialect(dialect: Dialect): Promise<TrainingSetEngine> {
  if (dialect === 'duckdb') {
    // sql('duckdb') asks for DuckDB's SQL, even when the default engine is set to another dialect.
    const engine = await engineFor(undefined);
    if (engine.dialect === 'duckdb') return engine;
    const { localEngine } = await import('../engines/local/training-set-local-engine.js');
    return localEngine();
  }
  if (dialect === 'trino') {
    const { athenaSqlPreview } = await import('../engines/athena/athena-engine.js');
    return athenaSqlPreview();
  }
  throw new PlanError('UNSUPPORTED_DIALECT', 'sql', `Training sets print as 'duckdb' (local) or 'trino' (Athena), not ${JSON.stringify(dialect)}.`);
}
