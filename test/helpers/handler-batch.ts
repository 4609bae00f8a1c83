/**
 * One SQS batch through the event stage's handler (source), as Lambda runs it, against s3rver
 * and dynalite started in-process: the bodies are landed first, Powertools' log and metric lines
 * are collected while the handler runs. For tests that read what the handler answered, logged
 * and wrote.
 *
 * ```ts
 * const batch = await runHandlerBatch(definition, { 'events/a.jsonl': '{"id":1}\n' }, (event, keys) => sqsBatch(keys.map(event)));
 * batch.jsonLines().filter((l) => l.message === 'object done');
 * await batch.stop();
 * ```
 */
import { vi } from 'vitest';
import type { PipelineDefinition } from '../../sdk/src/pipeline/pipeline-definition.js';
import { createHandler, type HandlerResult } from '../../sdk/src/runtime/handler.js';
import { objectIdOf } from '../../sdk/src/runtime/zone-keys.js';
import { capturePowertoolsOutput } from './powertools-output.js';
import { startDynalite, type DynaliteHandle } from './dynalite.js';
import { s3CreatedEvent, type S3Notification } from './s3-events.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';

export const LANDING = 'landing';
export const IDEMPOTENCY_TABLE = 'idempotency';

export interface HandlerBatch {
  readonly s3: S3rverHandle;
  readonly ddb: DynaliteHandle;
  readonly result: HandlerResult;
  /** The ETag s3rver gave each landed key. */
  readonly etags: ReadonlyMap<string, string>;
  /** Every JSON line Powertools printed while the handler ran (logs and EMF metrics). */
  jsonLines(): Record<string, any>[];
  /** The objectId the event stage gives a landed key. */
  idOf(key: string): string;
  stop(): Promise<void>;
}

/**
 * Lands `bodies` (key → content) in the landing bucket, builds the handler's SQS batch with
 * `batch` (given a created-event maker that knows each key's ETag and size, and the keys in
 * order), and runs it once.
 */
export async function runHandlerBatch(
  definition: PipelineDefinition,
  bodies: Readonly<Record<string, string | Uint8Array>>,
  batch: (event: (key: string) => S3Notification, keys: readonly string[]) => unknown,
): Promise<HandlerBatch> {
  const [s3, ddb] = await Promise.all([startS3rver({ buckets: [LANDING, 'validated', 'quarantine'] }), startDynalite({ tables: [IDEMPOTENCY_TABLE] })]);
  const etags = new Map<string, string>();
  for (const [key, body] of Object.entries(bodies)) etags.set(key, await s3.putObject(LANDING, key, body));
  const output: string[] = [];
  capturePowertoolsOutput(output);
  let result: HandlerResult;
  try {
    const handler = createHandler(definition, {
      validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: IDEMPOTENCY_TABLE,
      s3Client: s3.client, dynamoDbClient: ddb.client, env: { POWERTOOLS_METRICS_NAMESPACE: 'sluice' },
    });
    const event = (key: string) => s3CreatedEvent({ bucket: LANDING, key, etag: etags.get(key)!, size: bodies[key]!.length });
    result = await handler(batch(event, Object.keys(bodies)) as Parameters<typeof handler>[0], { getRemainingTimeInMillis: () => 600_000 });
  } finally {
    vi.restoreAllMocks();
  }
  return {
    s3, ddb, result, etags,
    jsonLines: () => output.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>),
    idOf: (key) => objectIdOf({ bucket: LANDING, key, version: etags.get(key)!, planHash: definition.hash }),
    stop: async () => {
      await Promise.all([s3.stop(), ddb.stop()]);
    },
  };
}
