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
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { SluiceError } from '../errors.js';
import { loadDynamoDb, loadS3, loadSqs } from './aws-sdk-loader.js';
import { createRowTransformer } from './row-transformer.js';
import { createTelemetry } from './runtime-telemetry.js';
import { REQUIRED_RUNTIME_ENV, RUNTIME_ENV } from './runtime-env.js';
import { planShape } from './plan-shape.js';
import { zoneStore, type CopyLimits } from './zone-store.js';
import { HandlerRuntime, type Runtime } from './handler-runtime.js';

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
  /** Smaller limits for copying whole objects in parts (tests; S3's are 5 GiB in one copy, parts of 1 GiB here). */
  readonly copyLimits?: CopyLimits;
  /** The queue to hand long objects on through (default: SLUICE_CONTINUATION_QUEUE_URL; see RUNTIME_ENV). */
  readonly continuationQueueUrl?: string;
  readonly sqsClient?: SQSClient;
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
  /** `failed`: what went wrong; `unreadable` or `quarantined` whole: why. */
  readonly error?: string;
  /** `skipped`: why the object was not read (its key is not selected by the source). */
  readonly reason?: string;
}

export interface HandlerResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
  readonly objects: readonly ObjectOutcome[];
}

export type SluiceHandler = (event: unknown, context: LambdaContextLike) => Promise<HandlerResult>;


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
  if (planShape(definition.plan) !== planShape(plan)) {
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
  // Lambda runs in UTC already; `sluice dev` runs this handler in a local process, which must
  // read zone-less text ('2024-01-01 10:00') as Lambda does. (The local engine switches to UTC
  // around its zod and map() calls; here records are parsed between awaits, so the process is set.)
  if (!/^:?UTC$/.test(env.TZ ?? process.env.TZ ?? '')) process.env.TZ = 'UTC';
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
  const store = zoneStore(s3, config.copyLimits);
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
  const continuationQueueUrl = config.continuationQueueUrl ?? env[RUNTIME_ENV.continuationQueueUrl];
  let continuation: ((body: string) => Promise<void>) | undefined;
  if (continuationQueueUrl) {
    const { SQSClient, SendMessageCommand } = loadSqs();
    const sqs = config.sqsClient ?? new SQSClient({});
    continuation = async (body) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: continuationQueueUrl, MessageBody: body }));
    };
  }
  return new HandlerRuntime(definition, store, zones, transformer, telemetry, idempotencyConfig, persistenceStore, timeReserveMs, makeIdempotent, continuation);
}
