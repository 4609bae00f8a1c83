/**
 * The environment variables the Lambda runtime reads. The CDK construct imports these names
 * (never retypes them), so a rename breaks the build instead of a deployment.
 */

export const RUNTIME_ENV = {
  /** Bucket of the validated zone (Parquet, `validated/<pipeline>/dt=YYYY-MM-DD/...`) and of manifests/checkpoints. Required. */
  validatedBucket: 'VALIDATED_BUCKET',
  /** Bucket of the quarantine zone (rejected rows as JSON lines, whole unreadable objects). Required. */
  quarantineBucket: 'QUARANTINE_BUCKET',
  /** DynamoDB table of Powertools idempotency records (partition key `id` string, TTL attribute `expiration`). Required. */
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  /** Seconds an idempotency record of a finished object is kept. Default 86400. */
  idempotencyTtlSeconds: 'SLUICE_IDEMPOTENCY_TTL_SECONDS',
  /** Input records per output segment (one Parquet file per dt per segment). Default 50000. */
  segmentRows: 'SLUICE_SEGMENT_ROWS',
  /** Raw input bytes per output segment, whichever of rows/bytes is reached first. Default 16 MiB. */
  segmentBytes: 'SLUICE_SEGMENT_BYTES',
  /** Milliseconds of invocation time kept in reserve: below it the handler checkpoints and yields. Default 20000. */
  timeReserveMs: 'SLUICE_TIME_RESERVE_MS',
  /**
   * The queue the handler's S3 notifications come from: an object that needs more than one
   * invocation is handed on in a new message there (see handler-runtime.ts). Unset: such a
   * message is reported failed and SQS redelivers it, which counts toward the dead-letter limit.
   */
  continuationQueueUrl: 'SLUICE_CONTINUATION_QUEUE_URL',
  /** Custom S3 endpoint (s3rver, MinIO); path-style addressing is then used. Unset in AWS. */
  s3Endpoint: 'SLUICE_S3_ENDPOINT',
  /** Custom DynamoDB endpoint (dynalite). Unset in AWS. */
  dynamodbEndpoint: 'SLUICE_DYNAMODB_ENDPOINT',
  /** CloudWatch metrics namespace. Default `sluice`. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Service name on logs and metrics. Default: the pipeline name. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Log level of the structured logger. Default INFO. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** The names, as a list (for the CDK side and docs). */
export const RUNTIME_ENV_NAMES = Object.values(RUNTIME_ENV);

/** The variables without which the handler refuses to start. */
export const REQUIRED_RUNTIME_ENV = [RUNTIME_ENV.validatedBucket, RUNTIME_ENV.quarantineBucket, RUNTIME_ENV.idempotencyTable] as const;
