/**
 * The AWS SDK clients the handler needs, loaded at its first invocation rather than when the
 * bundle loads (Lambda's init phase). `require`, not `import()`: the SDK ships CommonJS as
 * Node's entry, and importing CommonJS as ES modules scans every file for its exports, which
 * made loading the two clients take about twice as long. In Lambda, `require` finds the SDK
 * the runtime provides through NODE_PATH; the bundle leaves `@aws-sdk/*` external.
 */
import { createRequire } from 'node:module';

const requireSdk = createRequire(import.meta.url);

/**
 * `@aws-sdk/client-s3`, loaded on first use.
 *
 * @example
 * ```ts
 * const { S3Client, GetObjectCommand } = loadS3();
 * ```
 */
export function loadS3(): typeof import('@aws-sdk/client-s3') {
  return requireSdk('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
}

/**
 * `@aws-sdk/client-dynamodb`, loaded on first use.
 *
 * @example
 * ```ts
 * const { DynamoDBClient } = loadDynamoDb();
 * ```
 */
export function loadDynamoDb(): typeof import('@aws-sdk/client-dynamodb') {
  return requireSdk('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
}

/**
 * `@aws-sdk/client-sqs`, loaded on first use (to hand a long object on in a new message).
 *
 * @example
 * ```ts
 * const { SQSClient, SendMessageCommand } = loadSqs();
 * ```
 */
export function loadSqs(): typeof import('@aws-sdk/client-sqs') {
  return requireSdk('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
}
