/**
 * The handler's answer and metrics for an object whose map() rows lack a column a later step
 * reads (quarantined whole by processObject, see map-dropped-columns.test.ts): it is an
 * answer, not a failure — SQS must not retry it into the dead-letter queue, since every retry
 * would end the same way — and it is counted where the GateFailures and QuarantineRatio alarms
 * look. The handler (source) runs against s3rver and dynalite.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { count, pipeline, s3 as s3Source, sum, window } from '../../../sdk/src/index.js';
import { createHandler, toPipelineDefinition, type HandlerResult } from '../../../sdk/src/runtime/handler.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

const TABLE = 'idempotency';
const KEY = 'events/a.jsonl';
const BODY = [
  { user_id: 'u1', amount: 3, kind: 'buy', ts: '2024-01-01T10:00:00Z' },
  { user_id: 'u2', amount: 5, kind: 'view', ts: '2024-01-02T10:00:00Z' },
  { user_id: 'u3', ts: '2024-01-02T11:00:00Z' },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

const definition = toPipelineDefinition(
  pipeline('map-dropped-handler')
    .from(s3Source('s3://landing/events/*.jsonl'))
    .validate(z.object({ user_id: z.string(), amount: z.number(), kind: z.string(), ts: z.coerce.date() }))
    .map((row: Record<string, unknown>): Record<string, unknown> => ({ user_id: row.user_id, ts: row.ts }), { columns: { user_id: 'string', ts: 'timestamp' } })
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spend: sum('amount'), buys: count().where("kind = 'buy'") } })),
);

let s3: S3rverHandle;
let ddb: DynaliteHandle;
let result: HandlerResult;
const output: string[] = [];

beforeAll(async () => {
  [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', 'validated', 'quarantine'] }), startDynalite({ tables: [TABLE] })]);
  await s3.putObject('landing', KEY, BODY);
  const etag = (await s3.client.send(new HeadObjectCommand({ Bucket: 'landing', Key: KEY }))).ETag!.replace(/"/g, '');
  // Powertools prints EMF metrics as JSON lines on stdout: collect them.
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_DEV: '' });
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    output.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
  const handler = createHandler(definition, {
    validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: TABLE,
    s3Client: s3.client, dynamoDbClient: ddb.client, env: { POWERTOOLS_METRICS_NAMESPACE: 'sluice' },
  });
  result = await handler(sqsBatch([s3CreatedEvent({ bucket: 'landing', key: KEY, etag, size: BODY.length })], ['m0']), { getRemainingTimeInMillis: () => 600_000 });
  vi.restoreAllMocks();
}, 120_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), ddb?.stop()]);
});

test('the object is answered as quarantined (no retry), and counted in GateFailures and as quarantined rows', () => {
  expect(result.batchItemFailures).toEqual([]);
  // Line 3 fails validation (no amount); lines 1 and 2 went through the map, which dropped amount and kind.
  expect(result.objects).toEqual([expect.objectContaining({ key: KEY, status: 'quarantined', rows: { in: 3, valid: 0, quarantined: 3 } })]);
  const emf = output.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l._aws?.CloudWatchMetrics);
  const total = (name: string) => emf.flatMap((l) => (l[name] === undefined ? [] : [l[name]].flat() as number[])).reduce((a, b) => a + b, 0);
  expect({ GateFailures: total('GateFailures'), RowsIn: total('RowsIn'), RowsQuarantined: total('RowsQuarantined'), ObjectsFailed: total('ObjectsFailed') })
    .toEqual({ GateFailures: 1, RowsIn: 3, RowsQuarantined: 3, ObjectsFailed: 0 });
});
