/**
 * The Lambda handler of the event stage. One handler serves all three delivery paths (S3
 * direct, SQS, EventBridge). Each object runs under Powertools idempotency keyed on
 * (bucket, key, version or ETag, plan hash), so at-least-once delivery does no double work;
 * since every output key is deterministic and overwritten, even work that idempotency lets
 * through twice (a crash, an expired record) converges to the same zones.
 *
 * An object whose key the source's glob does not select (a `_SUCCESS` marker, another format,
 * another prefix) is skipped before anything is read or recorded: logged with its key and the
 * reason, counted in the `ObjectsSkipped` metric, never a failure — as a local run ignores it.
 *
 * Each finished object, and each removal S3 reports, is recorded in the current-version index
 * (runtime/current-versions.ts): the aggregate stage then reads only the version of a key that
 * S3 serves now — an overwritten object's old rows and a deleted object's rows drop out, as
 * they do from a local run, which reads the files as they are.
 *
 * Answers: for SQS, `{ batchItemFailures: [{ itemIdentifier }] }` naming exactly the messages
 * to retry (poison messages, missing objects, concurrent duplicates still in progress,
 * objects checkpointed for lack of time). For direct and EventBridge invocations a failure
 * is thrown, so Lambda's own retry delivers the event again.
 */
// Types only: the AWS SDK clients and Powertools idempotency are loaded at the first invocation
// (see `initRuntime`), so loading the bundle — Lambda's init phase — does not pay for them.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { canonicalJson } from '../plan/canonical-json.js';
import { SluiceError } from '../errors.js';
import { loadDynamoDb, loadS3 } from './aws-sdk-loader.js';
import { parseS3Event, type ObjectRef } from './event-records.js';
import { processObject, type ObjectManifest, type ProcessDeps } from './process-object.js';
import { createRowTransformer } from './row-transformer.js';
import { recordCurrentVersion, recordRemoval, removedAfter, type MarkerTarget } from './current-version-writer.js';
import { createTelemetry, type Telemetry } from './runtime-telemetry.js';
import { REQUIRED_RUNTIME_ENV, RUNTIME_ENV } from './runtime-env.js';
import { sourceSelection, type Selection } from './source-selection.js';
import { objectIdOf } from './zone-keys.js';
import { ObjectMissingError, zoneStore, type ZoneStore } from './zone-store.js';

/** The parts of the Lambda context the handler uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
  readonly functionName?: string;
}

export interface HandlerConfig {
  readonly validatedBucket?: string;
  readonly quarantineBucket?: string;
  readonly idempotencyTable?: string;
  readonly idempotencyTtlSeconds?: number;
  readonly segmentRows?: number;
  readonly segmentBytes?: number;
  readonly timeReserveMs?: number;
  readonly s3Client?: S3Client;
  readonly dynamoDbClient?: DynamoDBClient;
  /** Where unset options are read from (default `process.env`, read at the first invocation). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What happened to one object in this invocation. */
export interface ObjectOutcome {
  readonly bucket: string;
  readonly key: string;
  readonly objectId?: string;
  readonly status: 'processed' | 'quarantined' | 'unreadable' | 'duplicate' | 'yielded' | 'in-progress' | 'failed' | 'skipped' | 'removed';
  readonly rows?: { readonly in: number; readonly valid: number; readonly quarantined: number };
  /** Input records an earlier invocation had done (from its checkpoint): this one started there. */
  readonly resumedAt?: number;
  readonly error?: string;
  /** `skipped`: why the object was not read (its key is not selected by the source). */
  readonly reason?: string;
}

export interface HandlerResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
  readonly objects: readonly ObjectOutcome[];
}

export type SluiceHandler = (event: unknown, context: LambdaContextLike) => Promise<HandlerResult>;

/** Thrown inside the idempotent section so Powertools releases the record: the rest resumes from the checkpoint. */
class CheckpointYield extends SluiceError {
  constructor() {
    super('CHECKPOINT_YIELD', 'stopped at a checkpoint: the invocation is running out of time; a redelivery resumes from it');
  }
}

interface IdentityPayload {
  readonly bucket: string;
  readonly key: string;
  readonly version: string;
  readonly planHash: string;
}

interface StoredResult {
  readonly objectId: string;
  readonly status: ObjectManifest['status'];
  readonly rows: ObjectManifest['rows'];
  readonly resumedAt?: number;
  readonly replayed?: boolean;
}

/**
 * Accepts what a pipeline module default-exports — the fluent builder (which carries
 * `.definition`) or a `PipelineDefinition` itself — and returns the definition.
 *
 * @example
 * ```ts
 * const definition = toPipelineDefinition((await import('./pipeline.js')).default);
 * ```
 * @throws SluiceError `NOT_A_PIPELINE` when the value is neither.
 */
export function toPipelineDefinition(value: unknown): PipelineDefinition {
  const candidate = (value as { definition?: unknown } | null)?.definition ?? value;
  const d = candidate as Partial<PipelineDefinition> | null;
  if (!d || typeof d !== 'object' || !d.plan || typeof d.hash !== 'string' || !Array.isArray(d.mapFunctions)) {
    throw new SluiceError(
      'NOT_A_PIPELINE',
      'The pipeline module must default-export a pipeline: `export default pipeline("name").from(...).validate(...)...` (or its `.definition`).',
    );
  }
  return d as PipelineDefinition;
}

/**
 * Pins a rebuilt definition to the plan embedded at bundle time. The plan records each
 * `.map()` function by its source text, and bundling (esbuild reprinting, minifying) changes
 * that text, so the rebuilt plan's hash differs in those strings only. Everything else must
 * match exactly; the embedded plan and hash — the ones promote reported and the rest of the
 * stack uses — are then the definition's.
 *
 * @example
 * ```ts
 * const definition = withEmbeddedPlan(toPipelineDefinition(mod.default), plan, planHash);
 * ```
 * @throws SluiceError `PLAN_MISMATCH` when the rebuilt plan differs beyond map sources.
 */
export function withEmbeddedPlan(definition: PipelineDefinition, plan: PipelinePlan, hash: string): PipelineDefinition {
  const shape = (p: PipelinePlan) => canonicalJson({ ...p, steps: p.steps.map((s) => (s.kind === 'map' ? { ...s, source: '' } : s)) });
  if (shape(definition.plan) !== shape(plan)) {
    throw new SluiceError(
      'PLAN_MISMATCH',
      `The pipeline module now builds a different plan than the one bundled (${hash}). Something it depends on changed between bundling and run time (environment variables, the clock, random values): make the pipeline definition deterministic and promote again.`,
    );
  }
  return { ...definition, plan, hash };
}

/**
 * Creates the Lambda handler for a built pipeline. Configuration comes from `config`, else
 * from the environment variables listed in `RUNTIME_ENV` (read at the first invocation).
 *
 * @example
 * ```ts
 * import engagement from './pipeline.js';
 * export const handler = createHandler(engagement);
 * // S3 → SQS → Lambda: returns { batchItemFailures: [...] }
 * ```
 */
export function createHandler(definition: PipelineDefinition, config: HandlerConfig = {}): SluiceHandler {
  let runtime: Promise<Runtime> | undefined;
  return async (event, context) => {
    // A failed start (missing configuration) is not cached: the next invocation tries again.
    runtime ??= initRuntime(definition, config).catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
    return (await runtime).handle(event, context);
  };
}

interface Runtime {
  handle(event: unknown, context: LambdaContextLike): Promise<HandlerResult>;
}

async function initRuntime(definition: PipelineDefinition, config: HandlerConfig): Promise<Runtime> {
  const env = config.env ?? process.env;
  const missing = REQUIRED_RUNTIME_ENV.filter((name) => {
    const option = { VALIDATED_BUCKET: config.validatedBucket, QUARANTINE_BUCKET: config.quarantineBucket, IDEMPOTENCY_TABLE: config.idempotencyTable }[name];
    return !option && !env[name];
  });
  if (missing.length > 0) {
    throw new SluiceError('RUNTIME_CONFIG', `The sluice handler needs the environment variables ${missing.join(', ')} (the FeaturePipeline construct sets them).`);
  }
  const number = (value: number | undefined, name: string, fallback: number) => value ?? (env[name] ? Number(env[name]) : fallback);
  const zones = {
    validatedBucket: config.validatedBucket ?? env[RUNTIME_ENV.validatedBucket]!,
    quarantineBucket: config.quarantineBucket ?? env[RUNTIME_ENV.quarantineBucket]!,
    segmentRows: number(config.segmentRows, RUNTIME_ENV.segmentRows, 50_000),
    segmentBytes: number(config.segmentBytes, RUNTIME_ENV.segmentBytes, 16 * 1024 * 1024),
  };
  const timeReserveMs = number(config.timeReserveMs, RUNTIME_ENV.timeReserveMs, 20_000);
  // Loading the AWS SDK costs hundreds of milliseconds: it happens here, once, not at import.
  const { S3Client } = loadS3();
  const { DynamoDBClient } = loadDynamoDb();
  const [{ IdempotencyConfig, makeIdempotent }, { DynamoDBPersistenceLayer }] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
  ]);
  const s3Endpoint = env[RUNTIME_ENV.s3Endpoint];
  const s3 = config.s3Client ?? new S3Client(
    s3Endpoint
      ? { endpoint: s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', region: env.AWS_REGION ?? 'us-east-1' }
      : {},
  );
  const dynamoEndpoint = env[RUNTIME_ENV.dynamodbEndpoint];
  const dynamo = config.dynamoDbClient ?? new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint, region: env.AWS_REGION ?? 'us-east-1' } : {});
  const telemetry = createTelemetry(env[RUNTIME_ENV.serviceName] ?? definition.plan.name, env[RUNTIME_ENV.metricsNamespace] ?? 'sluice');
  const store = zoneStore(s3);
  const transformer = createRowTransformer(definition);
  const idempotencyConfig = new IdempotencyConfig({
    expiresAfterSeconds: number(config.idempotencyTtlSeconds, RUNTIME_ENV.idempotencyTtlSeconds, 86_400),
    // A replay returns the stored summary; mark it so counts are not reported twice.
    responseHook: (response) => ({ ...(response as Record<string, never>), replayed: true }),
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTable ?? env[RUNTIME_ENV.idempotencyTable]!,
    awsSdkV3Client: dynamo,
  });
  return new HandlerRuntime(definition, store, zones, transformer, telemetry, idempotencyConfig, persistenceStore, timeReserveMs, makeIdempotent);
}

class HandlerRuntime implements Runtime {
  private context: LambdaContextLike | undefined;
  private readonly processIdempotent: (payload: IdentityPayload, ref: ResolvedObject) => Promise<StoredResult>;
  private readonly select: (ref: ObjectRef) => Selection;

  constructor(
    private readonly definition: PipelineDefinition,
    private readonly store: ZoneStore,
    private readonly zones: ProcessDeps['zones'],
    private readonly transformer: ProcessDeps['transformer'],
    private readonly telemetry: Telemetry,
    private readonly idempotencyConfig: IdempotencyConfig,
    persistenceStore: DynamoDBPersistenceLayer,
    private readonly timeReserveMs: number,
    makeIdempotent: typeof import('@aws-lambda-powertools/idempotency').makeIdempotent,
  ) {
    this.select = sourceSelection(definition.plan);
    this.processIdempotent = makeIdempotent((payload: IdentityPayload, ref: ResolvedObject) => this.processOnce(payload, ref), {
      persistenceStore,
      config: idempotencyConfig,
      dataIndexArgument: 0,
      // Powertools types `Context` as the second argument when @types/aws-lambda is absent.
    } as never);
  }

  async handle(event: unknown, context: LambdaContextLike): Promise<HandlerResult> {
    this.context = context;
    this.idempotencyConfig.registerLambdaContext(context as never);
    // Request id, function name and cold start on every log line of this invocation.
    this.telemetry.logger.addContext(context as never);
    const parsed = parseS3Event(event);
    const failures: { itemIdentifier: string }[] = [];
    const outcomes: ObjectOutcome[] = [];
    let outOfTime = false;
    try {
      for (const item of parsed.items) {
        if (item.skipped) {
          this.telemetry.logger.info('nothing to do', { skipped: item.skipped, itemIdentifier: item.itemIdentifier });
          continue;
        }
        let itemFailed = false;
        if (item.error) {
          this.telemetry.logger.error('undecodable message; reporting it failed', { itemIdentifier: item.itemIdentifier, error: item.error });
          this.telemetry.objectFailed();
          itemFailed = true;
        }
        for (const object of item.objects) {
          // Skipping costs no S3 or DynamoDB call: decided before the clock is even looked at.
          const selection = this.select(object);
          if ('skipped' in selection) {
            outcomes.push(this.skip(object, selection.skipped));
            continue;
          }
          const { ref } = selection;
          if (ref.removal) {
            const outcome = await this.handleRemoval(ref);
            outcomes.push(outcome);
            if (outcome.status === 'failed') itemFailed = true;
            continue;
          }
          if (outOfTime || context.getRemainingTimeInMillis() < this.timeReserveMs) {
            outOfTime = true;
            outcomes.push({ bucket: ref.bucket, key: ref.keys[0]!, status: 'yielded' });
            itemFailed = true;
            continue;
          }
          const outcome = await this.handleObject(ref);
          outcomes.push(outcome);
          if (outcome.status === 'yielded') outOfTime = true;
          if (['yielded', 'in-progress', 'failed'].includes(outcome.status)) itemFailed = true;
        }
        if (itemFailed) failures.push({ itemIdentifier: item.itemIdentifier ?? '' });
      }
    } finally {
      this.telemetry.flush();
    }
    if (parsed.shape !== 'sqs' && failures.length > 0) {
      const failed = outcomes.filter((o) => ['yielded', 'in-progress', 'failed'].includes(o.status));
      throw new SluiceError(
        'OBJECTS_NOT_DONE',
        `${failed.length} object(s) not finished: ${failed.map((o) => `s3://${o.bucket}/${o.key} (${o.status}${o.error ? `: ${o.error}` : ''})`).join(', ') || 'undecodable event'}; the retry resumes them.`,
      );
    }
    return { batchItemFailures: failures, objects: outcomes };
  }

  private skip(ref: ObjectRef, reason: string): ObjectOutcome {
    const key = ref.keys[0]!;
    this.telemetry.objectSkipped();
    // WARN, not INFO: the landing bucket holds inputs only, so an object nobody reads is a marker
    // at best and misplaced data at worst, which someone should see.
    this.telemetry.logger.warn('object skipped: its key is not selected by the source', { object: `s3://${ref.bucket}/${key}`, key, reason });
    return { bucket: ref.bucket, key, status: 'skipped', reason };
  }

  private async handleObject(ref: ObjectRef): Promise<ObjectOutcome> {
    const started = Date.now();
    const key = ref.keys[0]!;
    try {
      const head = await this.store.head(ref.bucket, ref.keys, ref.versionId);
      const payload: IdentityPayload = { bucket: ref.bucket, key: head.key, version: ref.versionId ?? head.versionId ?? head.etag, planHash: this.definition.hash };
      const resolved: ResolvedObject = { payload, versionId: ref.versionId ?? head.versionId, lastModified: head.lastModified };
      const result = await this.processIdempotent(payload, resolved);
      // Also for a replay: this event may be a newer one for content finished before (A, B, A again).
      await recordCurrentVersion(this.markers, { bucket: ref.bucket, key: head.key, sequencer: ref.sequencer, version: payload.version, objectId: result.objectId });
      if (result.replayed) return { bucket: ref.bucket, key: head.key, objectId: result.objectId, status: 'duplicate', rows: result.rows };
      this.telemetry.objectDone(result.rows, Date.now() - started, result.status === 'quarantined', result.status === 'unreadable');
      this.telemetry.logger.info('object done', { object: `s3://${ref.bucket}/${head.key}`, objectId: result.objectId, status: result.status, rows: result.rows });
      return { bucket: ref.bucket, key: head.key, objectId: result.objectId, status: result.status, rows: result.rows, ...(result.resumedAt ? { resumedAt: result.resumedAt } : {}) };
    } catch (error) {
      const name = (error as Error)?.name;
      if (error instanceof CheckpointYield) {
        this.telemetry.logger.info('checkpointed; a redelivery resumes', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'yielded' };
      }
      if (error instanceof ObjectMissingError && (await removedAfter(this.markers, ref.bucket, key, ref.sequencer).catch(() => false))) {
        // Created, then deleted before this event was handled: nothing to read, nothing to retry.
        this.telemetry.logger.info('object deleted after this event: nothing to read', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'removed' };
      }
      if (name === 'IdempotencyAlreadyInProgressError') {
        this.telemetry.logger.info('a concurrent delivery is processing this object; retry later', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'in-progress' };
      }
      this.telemetry.objectFailed();
      this.telemetry.logger.error('object failed', { object: `s3://${ref.bucket}/${key}`, error: error as Error });
      return { bucket: ref.bucket, key, status: 'failed', error: (error as Error)?.message ?? String(error) };
    }
  }

  /** Records what a removal event did to its key; no object is read. */
  private async handleRemoval(ref: ObjectRef): Promise<ObjectOutcome> {
    const key = ref.keys[0]!;
    try {
      // EventBridge may name two spellings of the key: the one that was the object is among them.
      let recorded = false;
      for (const candidate of ref.keys) {
        recorded = (await recordRemoval(this.markers, { bucket: ref.bucket, key: candidate, removal: ref.removal!, ...(ref.sequencer ? { sequencer: ref.sequencer } : {}), ...(ref.versionId ? { versionId: ref.versionId } : {}) })) || recorded;
      }
      if (recorded) this.telemetry.logger.info('object removed: its rows leave the next aggregation', { object: `s3://${ref.bucket}/${key}`, removal: ref.removal, versionId: ref.versionId });
      // Without a sequencer there is no telling this removal from an older one: nothing can be recorded safely.
      else this.telemetry.logger.warn('object removal not recorded: the event has no sequencer', { object: `s3://${ref.bucket}/${key}`, removal: ref.removal });
      return { bucket: ref.bucket, key, status: 'removed' };
    } catch (error) {
      this.telemetry.objectFailed();
      this.telemetry.logger.error('object removal failed', { object: `s3://${ref.bucket}/${key}`, error: error as Error });
      return { bucket: ref.bucket, key, status: 'failed', error: (error as Error)?.message ?? String(error) };
    }
  }

  private get markers(): MarkerTarget {
    return { store: this.store, bucket: this.zones.validatedBucket, pipeline: this.definition.plan.name };
  }

  /** Runs inside the idempotent section: at most one delivery of an object gets here at a time. */
  private async processOnce(payload: IdentityPayload, ref: ResolvedObject): Promise<StoredResult> {
    let lastCheck = Date.now();
    const result = await processObject(
      { ...payload, objectId: objectIdOf(payload), versionId: ref.versionId, lastModified: ref.lastModified },
      {
        definition: this.definition,
        transformer: this.transformer,
        store: this.store,
        zones: this.zones,
        shouldYield: () => {
          // Keep the reserve plus room for two more segments of the pace seen so far.
          const now = Date.now();
          const segmentMs = now - lastCheck;
          lastCheck = now;
          return (this.context?.getRemainingTimeInMillis() ?? Infinity) < this.timeReserveMs + 2 * segmentMs;
        },
        log: (message, data) => this.telemetry.logger.debug(message, data ?? {}),
      },
    );
    if (result.status === 'yielded') throw new CheckpointYield();
    // A manifest already there means an earlier delivery finished it (after the idempotency record expired).
    return {
      objectId: result.manifest.objectId,
      status: result.manifest.status,
      rows: result.manifest.rows,
      ...(result.resumedAt > 0 ? { resumedAt: result.resumedAt } : {}),
      ...(result.alreadyDone ? { replayed: true } : {}),
    };
  }
}

interface ResolvedObject {
  readonly payload: IdentityPayload;
  readonly versionId?: string;
  readonly lastModified: Date;
}
