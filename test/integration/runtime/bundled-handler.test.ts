/**
 * The BUILT Lambda bundle (not the source) against s3rver and dynalite: every delivery path,
 * AWS-encoded keys, jsonl/gzip/csv, unreadable objects, gates; zones checked against an
 * expectation computed in the test; at-least-once delivery (three copies, shuffled, some
 * concurrent) leaves the zones byte-identical to one delivery; SQS partial batch failures.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePipeline, type BundleResult } from '../../../sdk/src/promote/bundle.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { chaoticDelivery, eventBridgeCreated, s3CreatedEvent, seededRandom, sqsBatch, S3_TEST_EVENT } from '../../helpers/s3-events.js';
import { LANDING_OBJECTS, PIPELINE, type ExpectedRow } from './fixtures/landing-objects.js';
import { clearBuckets, clearTable, getBytes, getText, listKeys, manifestsByKey, parquetRows, snapshot } from './zone-inspection.js';

const ZONES = ['validated', 'quarantine'] as const;
const TABLE = 'idempotency';
type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<{ batchItemFailures: { itemIdentifier: string }[]; objects: { status: string; key: string }[] }>;

let s3: S3rverHandle;
let ddb: DynaliteHandle;
let bundle: BundleResult;
let handler: Handler;
const etags = new Map<string, string>();
const context = { getRemainingTimeInMillis: () => 60_000 };

beforeAll(async () => {
  [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', ...ZONES] }), startDynalite({ tables: [TABLE] })]);
  bundle = await bundlePipeline({
    pipelineModule: resolve('test/integration/runtime/fixtures/events-pipeline.mjs'),
    // Under node_modules so that the bundle's external @aws-sdk imports resolve, as in Lambda.
    outDir: resolve(`node_modules/.cache/sluice-runtime-test/handler-${process.pid}`),
  });
  Object.assign(process.env, {
    VALIDATED_BUCKET: 'validated',
    QUARANTINE_BUCKET: 'quarantine',
    IDEMPOTENCY_TABLE: TABLE,
    SLUICE_S3_ENDPOINT: s3.endpoint,
    SLUICE_DYNAMODB_ENDPOINT: ddb.endpoint,
    SLUICE_SEGMENT_ROWS: '16', // several segments per object, so segment boundaries are exercised
    AWS_ACCESS_KEY_ID: 'S3RVER', // s3rver checks signatures against its default key pair
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  handler = (await import(pathToFileURL(bundle.file).href)).handler as Handler;
  for (const object of LANDING_OBJECTS) {
    await s3.putObject('landing', object.key, object.body);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'landing', Key: object.key }));
    etags.set(object.key, head.ETag!.replace(/"/g, ''));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), ddb?.stop()]);
  if (bundle) await rm(resolve(bundle.file, '..'), { recursive: true, force: true });
});

function direct(key: string) {
  return s3CreatedEvent({ bucket: 'landing', key, etag: etags.get(key)!, size: 1 });
}

/** Delivers `key` by one of the three paths; a redelivery loop as SQS/Lambda retries would do. */
async function deliver(key: string, path: 'direct' | 'sqs' | 'eventbridge'): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if (path === 'sqs') {
        const r = await handler(sqsBatch([direct(key)], [`m-${key}`]), context);
        if (r.batchItemFailures.length === 0) return;
        last = r.objects;
      } else {
        await handler(path === 'direct' ? direct(key) : eventBridgeCreated({ bucket: 'landing', key, etag: etags.get(key)! }), context);
        return;
      }
    } catch (error) {
      // direct/EventBridge: thrown failure (a concurrent duplicate in progress) → Lambda retries.
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`delivery of ${key} never succeeded: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

function comparable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows
    .map((r) => ({ ...r, ts: r.ts instanceof Date ? r.ts.getTime() : r.ts }) as Record<string, unknown>)
    .sort((a, b) => (a._line as number) - (b._line as number));
}

describe('the bundle', () => {
  it('is small, ESM, and holds no DuckDB, CDK or native module', async () => {
    expect(bundle.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(bundle.largestInputs.map((i) => i.name)).not.toContain('@duckdb/node-api');
    const mod = await import(pathToFileURL(bundle.file).href);
    expect(mod.planHash).toBe(bundle.planHash);
    expect(mod.plan.name).toBe(PIPELINE);
    console.log(`bundle: ${bundle.bytes} bytes; largest inputs ${bundle.largestInputs.slice(0, 4).map((i) => `${i.name}=${i.bytes}`).join(' ')}`);
  });
});

describe('one delivery of each object, by every path', () => {
  it('processes direct, SQS and EventBridge events and skips s3:TestEvent', async () => {
    expect((await handler(S3_TEST_EVENT, context)).objects).toEqual([]);
    expect(await handler(sqsBatch([S3_TEST_EVENT], ['t']), context)).toMatchObject({ batchItemFailures: [] });
    const paths = ['direct', 'sqs', 'eventbridge'] as const;
    for (const [i, object] of LANDING_OBJECTS.entries()) await deliver(object.key, paths[i % 3]!);
  });

  it('leaves in the zones exactly what the expectation says, with in = valid + quarantined per object', async () => {
    const manifests = await manifestsByKey(s3.client, 'validated', PIPELINE);
    expect([...manifests.keys()].sort()).toEqual(LANDING_OBJECTS.map((o) => o.key).sort());
    for (const object of LANDING_OBJECTS) {
      const manifest = manifests.get(object.key)!;
      const { expected } = object;
      expect(manifest.status, object.key).toBe(expected.status);
      expect(manifest.rows.in, object.key).toBe(manifest.rows.valid + manifest.rows.quarantined);
      if (expected.status === 'processed') {
        const rows: Record<string, unknown>[] = [];
        for (const key of manifest.outputs.validated) {
          const fileRows = await parquetRows(await getBytes(s3.client, 'validated', key));
          // Every row sits in the dt partition of its own timestamp (the plan aggregates on ts).
          for (const r of fileRows) expect(key).toContain(`/dt=${new Date(r.ts as Date).toISOString().slice(0, 10)}/`);
          rows.push(...fileRows);
        }
        const actual = comparable(rows).map(({ _object, _line, _line_index, ...r }) => {
          expect(_object).toBe(`s3://landing/${object.key}`);
          // One valid record per line in these objects (an array line's elements are all invalid).
          expect(_line_index).toBe(1);
          return { line: _line, ...r } as Record<string, unknown>;
        });
        const want: ExpectedRow[] = expected.valid;
        expect(actual.length, object.key).toBe(want.length);
        for (const [i, w] of want.entries()) {
          const a = actual[i]!;
          expect({ ...a, amount_usd: undefined }, object.key).toEqual({ ...w, amount_usd: undefined });
          if (w.amount_usd === null) expect(a.amount_usd).toBeNull();
          else expect(a.amount_usd).toBeCloseTo(w.amount_usd, 12);
        }
        const quarantined: { object: string; line: number; raw: string; issues: unknown[] }[] = [];
        for (const key of manifest.outputs.quarantine) {
          quarantined.push(...(await getText(s3.client, 'quarantine', key)).trim().split('\n').map((l) => JSON.parse(l)));
        }
        expect(quarantined.map((q) => q.line).sort((a, b) => a - b), object.key).toEqual(expected.quarantinedLines);
        for (const q of quarantined) {
          expect(q.object).toBe(`s3://landing/${object.key}`);
          expect(q.issues.length).toBeGreaterThan(0);
        }
        // The counts in the manifest are those of the files (independently counted).
        expect(manifest.rows).toEqual({ in: want.length + expected.quarantinedLines.length, valid: want.length, quarantined: expected.quarantinedLines.length });
      } else {
        // Whole object in quarantine, byte for byte, with the reason; nothing in the validated zone.
        expect(manifest.outputs.validated).toEqual([]);
        expect(manifest.rows.valid).toBe(0);
        const [copyKey, errorKey] = manifest.outputs.quarantine;
        expect(Buffer.from(await getBytes(s3.client, 'quarantine', copyKey!)).equals(Buffer.from(object.body))).toBe(true);
        const error = JSON.parse(await getText(s3.client, 'quarantine', errorKey!));
        expect(error.status).toBe(expected.status);
        if (expected.status === 'unreadable') expect(error.error).toMatch(/gzip|UTF-8|not a readable Parquet file/);
        else expect((error.gateFailures as string[]).map((f) => f.slice(0, f.indexOf(':'))), object.key).toEqual(expected.failedGates);
        const written = await listKeys(s3.client, 'validated', `validated/${PIPELINE}/`);
        expect(written.filter((k) => k.includes(manifest.objectId))).toEqual([]);
      }
    }
    expect(await listKeys(s3.client, 'validated', '_checkpoints/')).toEqual([]);
  });

  it('writes Parquet that DuckDB reads with the schema types', async () => {
    const manifests = await manifestsByKey(s3.client, 'validated', PIPELINE);
    const key = manifests.get(LANDING_OBJECTS[0]!.key)!.outputs.validated[0]!;
    const dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-'));
    const path = join(dir, 'x.parquet');
    await writeFile(path, await getBytes(s3.client, 'validated', key));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).getRowObjects();
    c.closeSync();
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
    expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type]))).toEqual({
      event_id: 'VARCHAR', user_id: 'VARCHAR', event_type: 'VARCHAR', amount: 'DOUBLE', ts: 'TIMESTAMP',
      amount_usd: 'DOUBLE', big: 'BOOLEAN', user_upper: 'VARCHAR', _object: 'VARCHAR', _line: 'BIGINT', _line_index: 'INTEGER',
    });
  });
});

describe('at-least-once delivery', () => {
  it('three copies of every event, shuffled, some concurrent, by mixed paths: zones identical to one delivery', async () => {
    const once = await snapshot(s3.client, ZONES);
    expect(Object.keys(once).length).toBeGreaterThan(10);
    await clearBuckets(s3.client, ZONES);
    await clearTable(ddb.client, TABLE);
    const random = seededRandom(42);
    const paths = ['direct', 'sqs', 'eventbridge'] as const;
    const outcomes = await chaoticDelivery(LANDING_OBJECTS.map((o) => o.key), (key) => deliver(key, paths[Math.floor(random() * 3)]!), { copies: 3, seed: 7, concurrency: 5, maxDelayMs: 30 });
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(await snapshot(s3.client, ZONES)).toEqual(once);
  });

  it('a redelivery after the idempotency record expired changes nothing either (the manifest says done)', async () => {
    const before = await snapshot(s3.client, ZONES);
    await clearTable(ddb.client, TABLE);
    const r = await handler(sqsBatch(LANDING_OBJECTS.map((o) => direct(o.key))), context);
    expect(r.batchItemFailures).toEqual([]);
    expect(r.objects.map((o) => o.status)).toEqual(LANDING_OBJECTS.map(() => 'duplicate'));
    expect(await snapshot(s3.client, ZONES)).toEqual(before);
  });
});

describe('SQS partial batch responses', () => {
  it('reports only the poison message as failed', async () => {
    await s3.putObject('landing', 'events/sqs/fresh.jsonl', `${JSON.stringify({ event_id: 'f1', user_id: 'u', event_type: 'view', amount: 1, ts: '2024-03-09T00:00:00Z' })}\n`);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'landing', Key: 'events/sqs/fresh.jsonl' }));
    const fresh = s3CreatedEvent({ bucket: 'landing', key: 'events/sqs/fresh.jsonl', etag: head.ETag!.replace(/"/g, '') });
    const result = await handler(sqsBatch([direct(LANDING_OBJECTS[0]!.key), '{"Records": [{"eventVersion": "2.1", "s3": 7', S3_TEST_EVENT, fresh], ['ok-dup', 'poison', 'test', 'ok-fresh']), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }]);
    const manifests = await manifestsByKey(s3.client, 'validated', PIPELINE);
    expect(manifests.get('events/sqs/fresh.jsonl')?.rows).toEqual({ in: 1, valid: 1, quarantined: 0 });
  });

  it('reports a message naming a missing object as failed, never drops it', async () => {
    const result = await handler(sqsBatch([s3CreatedEvent({ bucket: 'landing', key: 'events/gone.jsonl', etag: 'x' }), direct(LANDING_OBJECTS[1]!.key)], ['gone', 'fine']), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'gone' }]);
  });
});

// Keeps the linter from flagging the import as unused when a block above is skipped.
void createHash;
