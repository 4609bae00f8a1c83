/**
 * `sluice dev <module>`: production behaviour on one machine. s3rver stands in for S3 and
 * dynalite for DynamoDB (both in-process); the pipeline is bundled exactly as promote bundles
 * it; every object put into the landing bucket reaches the bundled handler as the event
 * real S3 would send (AWS-encoded key, eventVersion 2.1, multipart completion as
 * CompleteMultipartUpload); on an interval the aggregate stage runs on DuckDB over the
 * validated zone (only objects with a manifest) and writes the feature store locally.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { bundlePipeline, type BundleResult } from '../promote/bundle.js';
import { VALIDATED_ORDER_COLUMNS } from '../promote/compile-aggregate.js';
import { adaptS3rverEvent } from './dev-event-adapter.js';
import { currentMarker, currentVersionsPrefix, isCurrentObject, type CurrentVersionMarker } from '../runtime/current-versions.js';
import { zoneStore } from '../runtime/zone-store.js';
import { SluiceError } from '../errors.js';
import { groupPath } from '../features/store-layout.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';

export interface DevOptions {
  /** The module that default-exports the pipeline (as for `sluice promote`). */
  readonly pipelineModule: string;
  /** Where s3rver keeps its objects and the local feature store goes. Default `.sluice/dev`. */
  readonly dir?: string;
  /** s3rver port (default 4569; 0 = any free port). */
  readonly s3Port?: number;
  /** dynalite port (default 4567; 0 = any free port). */
  readonly dynamoPort?: number;
  /** Run the aggregate stage this often (default 60 s; 0 = never). */
  readonly aggregateEveryMs?: number;
  /** Replaces the default aggregate stage (DuckDB over the validated zone → local feature store). */
  readonly aggregate?: DevAggregateHook;
  /** Where progress lines go (default console.log). */
  readonly log?: (line: string) => void;
}

/** What the aggregate hook gets: where the validated zone is and how to reach it. */
export interface DevAggregateContext {
  readonly s3Endpoint: string;
  readonly validatedBucket: string;
  readonly pipeline: string;
  readonly bundle: BundleResult;
  /** The plan this session's bundle embeds (as loaded when it started). */
  readonly plan: PipelinePlan;
  readonly featureStoreDir: string;
}

/** Returns a one-line summary to print (or nothing). */
export type DevAggregateHook = (context: DevAggregateContext) => Promise<string | void>;

export interface DevSession {
  readonly s3Endpoint: string;
  readonly dynamoEndpoint: string;
  readonly buckets: { readonly landing: string; readonly validated: string; readonly quarantine: string };
  readonly bundle: BundleResult;
  /** Resolves when every event received so far has been handled. */
  idle(): Promise<void>;
  /** Runs the aggregate stage now. */
  aggregateNow(): Promise<void>;
  stop(): Promise<void>;
}

const BUCKETS = { landing: 'landing', validated: 'validated', quarantine: 'quarantine' } as const;
const TABLE = 'sluice-idempotency';

/**
 * Starts `sluice dev`: s3rver + dynalite + the bundled handler + the aggregate schedule.
 *
 * @example
 * ```ts
 * const dev = await startDev({ pipelineModule: 'pipelines/engagement.ts' });
 * // aws --endpoint-url http://127.0.0.1:4569 s3 cp events.jsonl s3://landing/events/
 * await dev.stop();
 * ```
 */
export async function startDev(options: DevOptions): Promise<DevSession> {
  const log = options.log ?? ((line: string) => console.log(line));
  const require = createRequire(import.meta.url);
  const dir = resolve(options.dir ?? '.sluice/dev');
  await mkdir(join(dir, 's3'), { recursive: true });

  const S3rver = require('s3rver') as new (o: Record<string, unknown>) => {
    run(): Promise<{ port: number }>;
    close(): Promise<void>;
    on(event: 'event', listener: (e: unknown) => void): void;
    httpServer?: Server;
  };
  // s3rver leaves a port in use as an unhandled 'error' event (a crash with a stack trace):
  // both ports are tried first, so the answer is a sentence with the way out.
  const s3PortWanted = options.s3Port ?? 4569;
  const dynamoPortWanted = options.dynamoPort ?? 4567;
  await ensurePortFree(s3PortWanted, 's3rver (the landing bucket)', '--s3-port');
  await ensurePortFree(dynamoPortWanted, 'dynalite (the idempotency table)', '--dynamo-port');
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: s3PortWanted,
    silent: true,
    directory: join(dir, 's3'),
    vhostBuckets: false,
    configureBuckets: Object.values(BUCKETS).map((name) => ({ name })),
  });
  const { port: s3Port } = await s3rver.run();
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;

  const dynalite = (require('dynalite') as (o: Record<string, unknown>) => Server)({ createTableMs: 0 });
  await new Promise<void>((r, j) => dynalite.once('error', j).listen(dynamoPortWanted, '127.0.0.1', () => r()));
  const dynamoEndpoint = `http://127.0.0.1:${(dynalite.address() as { port: number }).port}`;
  const { DynamoDBClient, CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await dynamo
    .send(new CreateTableCommand({ TableName: TABLE, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }))
    .catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
  dynamo.destroy();

  // The bundle sits in the node_modules that holds the AWS SDK, so that its external @aws-sdk
  // imports resolve as in Lambda. Not `<cwd>/node_modules`: run from a subfolder (a notebooks/
  // folder) that would create a node_modules folder there, which makes tslab's TypeScript
  // watcher fail every later notebook cell ("Unexpected pending rebuildTimer").
  // A folder of its own: two sessions side by side (other ports) each run their own pipeline.
  const bundles = join(nodeModulesHolding(require, '@aws-sdk/client-s3'), '.cache', 'sluice-dev');
  await mkdir(bundles, { recursive: true });
  const bundleDir = await mkdtemp(join(bundles, `${process.pid}-`));
  const bundle = await bundlePipeline({ pipelineModule: options.pipelineModule, outDir: bundleDir });
  log(`sluice dev: pipeline ${bundle.pipeline} (plan ${bundle.planHash}), bundle ${(bundle.bytes / 1024).toFixed(0)} KiB`);
  Object.assign(process.env, {
    VALIDATED_BUCKET: BUCKETS.validated,
    QUARANTINE_BUCKET: BUCKETS.quarantine,
    IDEMPOTENCY_TABLE: TABLE,
    SLUICE_S3_ENDPOINT: s3Endpoint,
    SLUICE_DYNAMODB_ENDPOINT: dynamoEndpoint,
    // s3rver verifies signatures against its fixed key pair.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    // ERROR: the one WARN the handler gives here (an object skipped) is this session's own log
    // line already, which printed it twice.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  const loaded = (await import(`${pathToFileURL(bundle.file).href}?t=${Date.now()}`)) as {
    handler: (
      event: unknown,
      context: { getRemainingTimeInMillis(): number },
    ) => Promise<{ objects: { key: string; status: string; rows?: { in: number; valid: number; quarantined: number }; error?: string; reason?: string }[] }>;
    plan: PipelinePlan;
  };
  const { handler, plan } = loaded;

  // Events are handled one at a time, in arrival order, like a Lambda with reserved concurrency 1.
  let chain: Promise<void> = Promise.resolve();
  s3rver.on('event', (raw) => {
    const event = adaptS3rverEvent(raw);
    const record = event.Records[0];
    if (!record || record.s3.bucket.name !== BUCKETS.landing || !/^Object(Created|Removed):/.test(record.eventName)) return;
    chain = chain.then(async () => {
      const started = Date.now();
      try {
        const result = await handler(event, { getRemainingTimeInMillis: () => 15 * 60_000 });
        for (const o of result.objects) {
          // An unreadable object has counts too (0 rows): its reason is what to show.
          const why = o.error ?? o.reason;
          const rows = o.status === 'unreadable' && why
            ? `quarantined whole: ${why}`
            : o.rows ? `in ${o.rows.in}, valid ${o.rows.valid}, quarantined ${o.rows.quarantined}` : (why ?? '');
          log(`  ${o.status.padEnd(11)} s3://${BUCKETS.landing}/${o.key}  ${rows}  (${Date.now() - started} ms)`);
        }
      } catch (error) {
        log(`  failed      ${record.s3.object.key}: ${(error as Error).message}`);
      }
    });
  });

  const featureStoreDir = join(dir, 'features');
  const context: DevAggregateContext = { s3Endpoint, validatedBucket: BUCKETS.validated, pipeline: bundle.pipeline, bundle, plan, featureStoreDir };
  const aggregate = options.aggregate ?? defaultAggregate;
  let aggregating: Promise<void> = Promise.resolve();
  const aggregateNow = () =>
    (aggregating = aggregating.then(async () => {
      try {
        const summary = await aggregate(context);
        if (summary) log(`  aggregate   ${summary}`);
      } catch (error) {
        log(`  aggregate   failed: ${(error as Error).message}`);
      }
    }));
  const every = options.aggregateEveryMs ?? 60_000;
  const timer = every > 0 ? setInterval(() => void aggregateNow(), every) : undefined;
  timer?.unref();

  log(`  S3        ${s3Endpoint}  buckets: ${Object.values(BUCKETS).join(', ')}  (put objects into s3://${BUCKETS.landing}/)`);
  log(`  DynamoDB  ${dynamoEndpoint}  table: ${TABLE}`);
  return {
    s3Endpoint,
    dynamoEndpoint,
    buckets: BUCKETS,
    bundle,
    idle: () => chain,
    aggregateNow,
    async stop() {
      if (timer) clearInterval(timer);
      await chain;
      await aggregating;
      s3rver.httpServer?.closeAllConnections();
      await s3rver.close();
      dynalite.closeAllConnections?.();
      await new Promise<void>((r) => dynalite.close(() => r()));
      await rm(bundleDir, { recursive: true, force: true });
    },
  };
}

/** The node_modules folder a package resolves from (e.g. `/project/node_modules`). */
function nodeModulesHolding(require: NodeJS.Require, name: string): string {
  const entry = require.resolve(name);
  const marker = `${sep}node_modules${sep}`;
  const at = entry.lastIndexOf(marker);
  return at >= 0 ? entry.slice(0, at + marker.length - 1) : resolve('node_modules');
}

/**
 * The default aggregate stage of `sluice dev`: the validated Parquet of every object with a
 * manifest, through the local engine's aggregate stage (DuckDB), into a local feature store.
 */
async function defaultAggregate(context: DevAggregateContext): Promise<string> {
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ endpoint: context.s3Endpoint, forcePathStyle: true, region: 'us-east-1', requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const work = await mkdtemp(join(tmpdir(), 'sluice-dev-aggregate-'));
  const store = zoneStore(s3);
  const currents = new Map<string, Promise<CurrentVersionMarker | undefined>>();
  const current = (keyId: string | undefined): Promise<CurrentVersionMarker | undefined> => {
    if (keyId === undefined) return Promise.resolve(undefined);
    const prefix = currentVersionsPrefix(context.pipeline, keyId);
    if (!currents.has(keyId)) currents.set(keyId, store.list(context.validatedBucket, prefix).then((names) => currentMarker(names, (name) => store.getJson(context.validatedBucket, prefix + name))));
    return currents.get(keyId)!;
  };
  try {
    const files: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: context.validatedBucket, Prefix: `_manifests/${context.pipeline}/`, ContinuationToken: token, MaxKeys: 1000 }));
      for (const item of page.Contents ?? []) {
        const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: context.validatedBucket, Key: item.Key! }))).Body!.transformToString());
        // As the Glue driver: only the current version of each landing key (not an overwritten or deleted one).
        if (!isCurrentObject(manifest.objectId, manifest.object?.keyId, await current(manifest.object?.keyId))) continue;
        for (const key of manifest.outputs.validated as string[]) {
          const body = await (await s3.send(new GetObjectCommand({ Bucket: context.validatedBucket, Key: key }))).Body!.transformToByteArray();
          const file = join(work, `${files.length}.parquet`);
          await writeFile(file, body);
          files.push(file);
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const { plan } = context;
    const window = plan.steps.find((s) => s.kind === 'window') as import('../plan/window-node.js').WindowNode | undefined;
    const sink = plan.steps.find((s) => s.kind === 'featureStore') as import('../plan/sink-node.js').FeatureStoreSinkNode | undefined;
    if (!window || !sink) return `${files.length} validated file(s); the pipeline has no aggregate() step`;
    if (files.length === 0) {
      // Every object was deleted (or none has landed): the group has no features any more.
      const removed = await removeFeatureGroupPartitions(groupPath(context.featureStoreDir, sink.entity, sink.group));
      return removed > 0 ? `no validated data any more; removed ${removed} partition(s) of ${sink.entity}/${sink.group}` : 'no validated data yet';
    }
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { runAggregateStage } = await import('../engines/local/aggregate-stage.js');
    const { writeFeatureGroup } = await import('../engines/local/feature-group-writer.js');
    (await import('../engines/local/duckdb-text-decoding.js')).keepLeadingByteOrderMarks();
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
      await connection.run(`CREATE TABLE valid_rows AS SELECT * FROM read_parquet([${list}], union_by_name = true)`);
      const { rows } = await runAggregateStage(connection, window, { table: 'valid_rows', orderColumns: VALIDATED_ORDER_COLUMNS });
      const definition = { plan, hash: context.bundle.planHash, mapFunctions: [] };
      const result = await writeFeatureGroup(connection, {
        table: 'feature_rows',
        sink: { ...sink, root: context.featureStoreDir },
        window,
        definition,
        metadata: { pipeline: plan.name, plan_hash: context.bundle.planHash, source: 'sluice dev' },
        // Computed from every current object: a partition it has no row for is stale wherever it
        // is (deleting the newest object leaves partitions past the new last date).
        complete: true,
      });
      return `${files.length} validated file(s) → ${rows} feature row(s); partitions written ${result.written.length}, unchanged ${result.unchanged.length}${result.removed.length > 0 ? `, removed ${result.removed.length} (no rows any more)` : ''} → ${context.featureStoreDir}`;
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  } finally {
    s3.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Throws a SluiceError naming the port, what wanted it and the flag that moves it, when
 * something already listens on 127.0.0.1:`port` (0 asks for any free port: always fine).
 */
async function ensurePortFree(port: number, what: string, flag: string): Promise<void> {
  if (port === 0) return;
  const inUse = await new Promise<boolean>((resolveFree, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolveFree(true) : reject(error)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree(false)));
  });
  if (inUse) {
    throw new SluiceError('PORT_IN_USE', `Port ${port} on 127.0.0.1, which ${what} listens on, is already in use (another sluice dev?). Stop what holds it, or choose another port: ${flag} <port>, or ${flag} 0 for any free one.`);
  }
}

/** Removes every `dt=` folder of a local feature group; returns how many there were. */
async function removeFeatureGroupPartitions(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const partitions = names.filter((name) => /^dt=\d{4}-\d{2}-\d{2}$/.test(name));
  for (const name of partitions) await rm(join(folder, name), { recursive: true, force: true });
  return partitions.length;
}
