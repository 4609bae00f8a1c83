/**
 * An object that needs more than one invocation goes on in a new SQS message (the notification
 * as it came) instead of a failed one: SQS redelivers a failed message only after the visibility
 * timeout and counts each delivery toward the dead-letter limit, so a long object was
 * dead-lettered half done. The failure path stays for what a new message cannot help: an
 * invocation that made no progress at all, or a send that failed. SQS is mocked (nothing here
 * runs it); S3 is in memory and DynamoDB is dynalite.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type SluiceHandler } from '../../../sdk/src/runtime/handler.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { definition as fixtureDefinition } from '../../unit/promote/promote-fixtures.js';
import { MemoryS3 } from './memory-s3.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/landing-events';
const sqs = mockClient(SQSClient);
const definition = fixtureDefinition({ gates: {} });
const row = (i: number) => JSON.stringify({ event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, user_id: `u${i % 3}@example.com`, event_type: 'click', amount: i, ts: new Date(Date.UTC(2024, 2, 1, i % 24)).toISOString() });
const body = (from: number, n: number) => `${Array.from({ length: n }, (_, i) => row(from + i)).join('\n')}\n`;

let ddb: DynaliteHandle;
let table = 0;
beforeAll(async () => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  ddb = await startDynalite({ tables: ['table-1', 'table-2', 'table-3'] });
}, 60_000);
afterAll(() => ddb?.stop());
beforeEach(() => sqs.reset());

/** A handler over a fresh in-memory S3 holding `objects`; time runs short once `parquetWritesBeforeShort` Parquet files are written. */
function setup(objects: Record<string, string>, parquetWritesBeforeShort: number): { handler: SluiceHandler; s3: MemoryS3; remaining: () => number; events: ReturnType<typeof s3CreatedEvent>[] } {
  const s3 = new MemoryS3({ landing: {}, validated: {}, quarantine: {} });
  const events = Object.entries(objects).map(([key, text]) => s3CreatedEvent({ bucket: 'landing', key, etag: s3.putObject('landing', key, text).etag }));
  let remainingMs = parquetWritesBeforeShort === 0 ? 500 : 600_000;
  let written = 0;
  s3.onCall = (call) => {
    if (call.operation === 'PutObject' && String(call.input.Key).endsWith('.parquet') && ++written >= parquetWritesBeforeShort) remainingMs = 500;
  };
  table++;
  const handler = createHandler(definition, {
    validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: `table-${table}`,
    segmentRows: 5, timeReserveMs: 1_000, s3Client: s3.client, dynamoDbClient: ddb.client, env: {},
    continuationQueueUrl: QUEUE_URL, sqsClient: new SQSClient({ region: 'us-east-1' }),
  });
  return { handler, s3, remaining: () => remainingMs, events };
}

describe('an invocation that runs out of time', () => {
  it('continues each unfinished message in a new one, the one it was working on and those it had no time for', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const { handler, remaining, events } = setup({ 'events/long.jsonl': body(0, 30), 'events/next.jsonl': body(100, 3) }, 1);
    const batch = sqsBatch(events);
    const result = await handler(batch, { getRemainingTimeInMillis: remaining });
    expect(result.objects.map((o) => o.status)).toEqual(['yielded', 'yielded']);
    expect(result.batchItemFailures).toEqual([]);
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.QueueUrl)).toEqual([QUEUE_URL, QUEUE_URL]);
    expect(sent.map((m) => m.MessageBody)).toEqual((batch as { Records: { body: string }[] }).Records.map((r) => r.body));
  }, 60_000);

  it('reports the message failed when it made no progress at all (so a hopeless object still reaches the dead-letter queue)', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const { handler, remaining, events } = setup({ 'events/long.jsonl': body(0, 30) }, 0);
    const batch = sqsBatch(events) as { Records: { messageId: string }[] };
    const result = await handler(batch, { getRemainingTimeInMillis: remaining });
    expect(result.objects.map((o) => o.status)).toEqual(['yielded']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]!.messageId }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  }, 60_000);

  it('reports the message failed when the new message cannot be sent, so SQS redelivers it', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const { handler, remaining, events } = setup({ 'events/long.jsonl': body(0, 30) }, 1);
    const batch = sqsBatch(events) as { Records: { messageId: string }[] };
    const result = await handler(batch, { getRemainingTimeInMillis: remaining });
    expect(result.objects.map((o) => o.status)).toEqual(['yielded']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]!.messageId }]);
  }, 60_000);
});
