/**
 * The event stage reads zone-less text ('2024-01-01 10:00:00') as UTC wherever it runs: Lambda
 * runs in UTC, and `sluice dev` runs the same handler in a local process, which the handler
 * sets to UTC at its first invocation — so dev, Lambda and a local run agree.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { createHandler, toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { newMemoryS3 } from './object-runner.js';
import { parquetRows } from './zone-inspection.js';

let ddb: DynaliteHandle;
beforeAll(async () => {
  ddb = await startDynalite({ tables: ['idempotency'] });
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await ddb?.stop();
});

describe('the event stage in a process whose zone is not UTC', () => {
  it('validates zone-less text as UTC', async () => {
    vi.stubEnv('TZ', 'America/New_York');
    expect(new Date('2024-01-01 10:00:00').getUTCHours()).toBe(15);
    const definition = toPipelineDefinition(pipeline('zones').from(file('/landing/*.jsonl')).validate(z.object({ id: z.string(), ts: z.coerce.date() })));
    const s3 = newMemoryS3();
    const { etag } = s3.putObject('landing', 'landing/a.jsonl', `${JSON.stringify({ id: 'a', ts: '2024-01-01 10:00:00' })}\n`);
    const handler = createHandler(definition, { validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: 'idempotency', s3Client: s3.client, dynamoDbClient: ddb.client, env: {} });
    const result = await handler(sqsBatch([s3CreatedEvent({ bucket: 'landing', key: 'landing/a.jsonl', etag, sequencer: '01' })]), { getRemainingTimeInMillis: () => 600_000 });
    expect(result.objects.map((o) => o.status)).toEqual(['processed']);
    const [validatedFile] = s3.keys('validated', 'validated/');
    const rows = await parquetRows(s3.bytes('validated', validatedFile!)!);
    expect(rows.map((r) => new Date(r.ts as Date | number).toISOString())).toEqual(['2024-01-01T10:00:00.000Z']);
    expect(new Date('2024-01-01 10:00:00').getUTCHours()).toBe(10); // the process now runs in UTC, as Lambda does
  }, 60_000);
});
