/**
 * An overwritten or deleted landing object's rows leave the aggregation, as they leave a local
 * run. The handler (source) runs against s3rver (unversioned landing) or a versioned MemoryS3,
 * with dynalite for idempotency; events arrive late, twice and out of order, as S3 may send
 * them. What the aggregate stage reads is decided twice, independently — by the JS selection
 * `sluice dev` uses and by the Glue driver's Python — from the manifests and markers in the
 * validated bucket; both must name the files of the current versions only, and their rows must
 * be the rows a local run over the landing bucket validates. Each change of what is read marks
 * the dates of the versions involved dirty, for the aggregate stage to recompute.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { count, featureStore, pipeline, s3 as s3Source, window } from '../../../sdk/src/index.js';
import { createHandler, toPipelineDefinition, type HandlerResult, type SluiceHandler } from '../../../sdk/src/runtime/handler.js';
import { currentMarker, currentVersionsPrefix, isCurrentObject, type CurrentVersionMarker } from '../../../sdk/src/runtime/current-versions.js';
import { dirtyDatesPrefix } from '../../../sdk/src/runtime/dirty-dates.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, s3RemovedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { MemoryS3 } from './memory-s3.js';
import { getText, listKeys, parquetRows } from './zone-inspection.js';

const Row = z.object({ id: z.number().int() });
const definition = toPipelineDefinition(pipeline('versions').from(s3Source('s3://landing/events/*.jsonl')).validate(Row));
const rows = (...ids: number[]) => ids.map((id) => JSON.stringify({ id })).join('\n') + '\n';
const ANY_TIME = { getRemainingTimeInMillis: () => 600_000 };

interface Manifest {
  objectId: string;
  object: { keyId?: string };
  outputs: { validated: string[] };
}

/** The validated files the aggregate stage reads, by the JS selection (as `sluice dev` decides). */
async function filesReadByJs(client: S3Client): Promise<string[]> {
  const store = await import('../../../sdk/src/runtime/zone-store.js').then((m) => m.zoneStore(client));
  const files: string[] = [];
  for (const key of await listKeys(client, 'validated', '_manifests/versions/')) {
    const manifest = JSON.parse(await getText(client, 'validated', key)) as Manifest;
    const keyId = manifest.object.keyId;
    const prefix = currentVersionsPrefix('versions', keyId);
    const current = keyId === undefined ? undefined : await currentMarker(await store.list('validated', prefix), (name) => store.getJson<CurrentVersionMarker>('validated', prefix + name));
    if (isCurrentObject(manifest.objectId, keyId, current)) files.push(...manifest.outputs.validated);
  }
  return files.sort();
}

/**
 * The same decision by the Glue driver's own list_validated, run over the validated bucket as
 * it stands (JSON documents as written; Parquet as placeholders) through a stand-in for
 * Hadoop's file system (test/helpers/fake_hadoop_fs.py): its paths, listings and reads.
 */
async function filesReadByGlueDriver(client: S3Client): Promise<string[]> {
  const objects: Record<string, string> = {};
  for (const key of await listKeys(client, 'validated')) objects[`s3://validated/${key}`] = key.endsWith('.json') ? await getText(client, 'validated', key) : 'parquet';
  const dates = [...new Set(Object.keys(objects).map((k) => /\/dt=([^/]+)\//.exec(k)?.[1]).filter((d): d is string => d !== undefined))];
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(import.meta.dirname, '..', '..', '..', 'templates', 'glue'))})
sys.path.insert(0, ${JSON.stringify(join(import.meta.dirname, '..', '..', 'helpers'))})
import sluice_glue_driver as d
from fake_hadoop_fs import FakeSpark
data = json.load(sys.stdin)
spark = FakeSpark(data["objects"])
files = d.list_validated(spark, "s3://validated/validated/versions/", "s3://validated/_manifests/versions/", "s3://validated/_current/versions/", sorted(data["dates"]))
print(json.dumps(sorted(f[len("s3://validated/"):] for f in files)))`;
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify({ objects, dates }), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return JSON.parse(out) as string[];
}

async function idsIn(client: S3Client, files: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await (await import('./zone-inspection.js')).getBytes(client, 'validated', file));
    ids.push(...(await parquetRows(bytes)).map((r) => Number(r.id)));
  }
  return ids.sort((a, b) => a - b);
}

describe('unversioned landing bucket (s3rver)', () => {
  let s3: S3rverHandle;
  let ddb: DynaliteHandle;
  let handler: SluiceHandler;
  const etagOf = async (key: string) => (await s3.client.send(new HeadObjectCommand({ Bucket: 'landing', Key: key }))).ETag!.replace(/"/g, '');
  const created = async (key: string, sequencer: string) => s3CreatedEvent({ bucket: 'landing', key, etag: await etagOf(key), sequencer });
  const deliver = async (...events: unknown[]): Promise<HandlerResult> => handler(sqsBatch(events), ANY_TIME);

  beforeAll(async () => {
    [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', 'validated', 'quarantine'] }), startDynalite({ tables: ['idempotency'] })]);
    handler = createHandler(definition, { validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: 'idempotency', s3Client: s3.client, dynamoDbClient: ddb.client, env: {} });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([s3?.stop(), ddb?.stop()]);
  });

  test('overwritten, deleted and re-created keys: only the current content is read, as a local run reads it', async () => {
    // a.jsonl: v1 handled, then overwritten with v2 (whose event comes first, then v1's again, late).
    await s3.putObject('landing', 'events/a.jsonl', rows(1, 2));
    const a1 = await created('events/a.jsonl', '0100');
    await deliver(a1);
    await s3.putObject('landing', 'events/a.jsonl', rows(3));
    const a2 = await created('events/a.jsonl', '0200');
    await deliver(a2, a1, a2);
    // b.jsonl: created and handled, then deleted; a late duplicate of its creation finds nothing.
    await s3.putObject('landing', 'events/b.jsonl', rows(10));
    const b1 = await created('events/b.jsonl', '0110');
    await deliver(b1);
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/b.jsonl' }));
    const late = await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/b.jsonl', sequencer: '0300' }), b1);
    expect(late.objects.map((o) => [o.key, o.status])).toEqual([['events/b.jsonl', 'removed'], ['events/b.jsonl', 'removed']]);
    expect(late.batchItemFailures).toEqual([]);
    // c.jsonl: a removal that arrives before the creation it follows (sequencers tell the order).
    await s3.putObject('landing', 'events/c.jsonl', rows(20));
    const c1 = await created('events/c.jsonl', '0120');
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/c.jsonl' }));
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/c.jsonl', sequencer: '0121' }), c1);
    // d.jsonl: deleted, then created again: the new content counts.
    await s3.putObject('landing', 'events/d.jsonl', rows(30));
    await deliver(await created('events/d.jsonl', '0130'));
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'landing', Key: 'events/d.jsonl' }));
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/d.jsonl', sequencer: '0131' }));
    await s3.putObject('landing', 'events/d.jsonl', rows(31, 32));
    await deliver(await created('events/d.jsonl', '0132'));

    // Both versions of a.jsonl were processed and kept (outputs are never deleted by a later version) ...
    const all = (await listKeys(s3.client, 'validated', 'validated/versions/')).length;
    const js = await filesReadByJs(s3.client);
    expect(all).toBeGreaterThan(js.length);
    // ... but the aggregate stage reads the current versions only, and JS and Python agree on which.
    expect(await filesReadByGlueDriver(s3.client)).toEqual(js);
    expect(await idsIn(s3.client, js)).toEqual([3, 31, 32]);

    // s3rver checks signatures against its own key pair; the local engine builds its client from the environment.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    try {
      const local = await pipeline('versions')
        .from(s3Source('s3://landing/events/*.jsonl', { endpoint: s3.endpoint, region: 'us-east-1' }))
        .validate(Row)
        .run({ previewRows: 100, writeZones: false, zones: mkdtempSync(join(tmpdir(), 'sluice-versions-')) });
      expect(local.preview.toArray().map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([3, 31, 32]);
    } finally {
      vi.unstubAllEnvs();
    }
  }, 120_000);
});

describe('versioned landing bucket (MemoryS3)', () => {
  let ddb: DynaliteHandle;
  beforeAll(async () => {
    ddb = await startDynalite({ tables: ['idempotency'] });
  }, 60_000);
  afterAll(async () => {
    await ddb?.stop();
  });

  test('a permanently deleted version makes the previous one current again; a delete marker hides the key until it is itself deleted', async () => {
    const s3 = new MemoryS3({ landing: { versioned: true }, validated: {}, quarantine: {} });
    const handler = createHandler(definition, { validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: 'idempotency', s3Client: s3.client, dynamoDbClient: ddb.client, env: {} });
    const deliver = (...events: unknown[]) => handler(sqsBatch(events), ANY_TIME);
    const read = async () => idsIn(s3.client, await filesReadByJs(s3.client));
    const v1 = s3.putObject('landing', 'events/a.jsonl', rows(1));
    const v2 = s3.putObject('landing', 'events/a.jsonl', rows(2));
    // Newest first: the older version's event, handled later, does not take over.
    await deliver(s3CreatedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v2.versionId!, sequencer: '02' }));
    await deliver(s3CreatedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v1.versionId!, sequencer: '01' }));
    expect(await read()).toEqual([2]);
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v2.versionId!, sequencer: '03' }));
    expect(await read()).toEqual([1]);
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: 'marker-1', deleteMarker: true, sequencer: '04' }));
    expect(await read()).toEqual([]);
    // Redelivered, the removal changes nothing more; then the delete marker itself is deleted.
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: 'marker-1', deleteMarker: true, sequencer: '04' }));
    expect(await read()).toEqual([]);
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: 'marker-1', sequencer: '05' }));
    expect(await read()).toEqual([1]);
    expect(await filesReadByGlueDriver(s3.client)).toEqual(await filesReadByJs(s3.client));
  }, 120_000);

  test('events without a sequencer leave the key unmarked: every finished version is read, as before', async () => {
    const s3 = new MemoryS3({ landing: { versioned: true }, validated: {}, quarantine: {} });
    const handler = createHandler(definition, { validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: 'idempotency', s3Client: s3.client, dynamoDbClient: ddb.client, env: {} });
    const v1 = s3.putObject('landing', 'events/b.jsonl', rows(5));
    const v2 = s3.putObject('landing', 'events/b.jsonl', rows(6));
    const unsequenced = (versionId: string) => {
      const event = s3CreatedEvent({ bucket: 'landing', key: 'events/b.jsonl', versionId });
      delete (event.Records[0]!.s3.object as { sequencer?: string }).sequencer;
      return event;
    };
    await handler(sqsBatch([unsequenced(v1.versionId!), unsequenced(v2.versionId!)]), ANY_TIME);
    expect(s3.keys('validated', currentVersionsPrefix('versions'))).toEqual([]);
    expect(await idsIn(s3.client, await filesReadByJs(s3.client))).toEqual([5, 6]);
  }, 120_000);

  test('every change of what is read marks the dates of both versions dirty, however old; a change that reads the same marks nothing', async () => {
    const windowed = toPipelineDefinition(
      pipeline('dirty').from(s3Source('s3://landing/events/*.jsonl')).validate(z.object({ id: z.number().int(), ts: z.coerce.date() }))
        .aggregate(window({ entity: 'id', timestamp: 'ts', every: '1d', windows: ['7d'], features: { n: count() } }))
        .toFeatureStore(featureStore('s3://features/store'), { entity: 'thing', group: 'counts' }),
    );
    const s3 = new MemoryS3({ landing: { versioned: true }, validated: {}, quarantine: {} });
    const handler = createHandler(windowed, { validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: 'idempotency', s3Client: s3.client, dynamoDbClient: ddb.client, env: {} });
    const deliver = (...events: unknown[]) => handler(sqsBatch(events), ANY_TIME);
    const at = (id: number, ts: string) => `${JSON.stringify({ id, ts })}\n`;
    /** The dirty dates, consumed as the Glue driver consumes them. */
    const consume = (): string[] => {
      const keys = s3.keys('validated', dirtyDatesPrefix('dirty'));
      for (const key of keys) s3.removeObject('validated', key);
      return [...new Set(keys.map((k) => k.slice(dirtyDatesPrefix('dirty').length).split('/')[0]!))].sort();
    };
    const v1 = s3.putObject('landing', 'events/a.jsonl', at(1, '2024-01-05T10:00:00Z') + at(2, '2024-01-06T10:00:00Z'));
    await deliver(s3CreatedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v1.versionId!, sequencer: '01' }));
    expect(consume()).toEqual(['2024-01-05', '2024-01-06']); // a first version: its own dates (late data, however old)
    const v2 = s3.putObject('landing', 'events/a.jsonl', at(1, '2024-01-09T10:00:00Z'));
    await deliver(s3CreatedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v2.versionId!, sequencer: '02' }));
    expect(consume()).toEqual(['2024-01-05', '2024-01-06', '2024-01-09']); // the replaced version's dates and the new one's
    await deliver(s3CreatedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v1.versionId!, sequencer: '01' }));
    expect(consume()).toEqual([]); // an old event again: what is read does not change
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: 'dm', deleteMarker: true, sequencer: '03' }));
    expect(consume()).toEqual(['2024-01-09']);
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: 'dm', sequencer: '04' }));
    expect(consume()).toEqual(['2024-01-09']); // the delete marker deleted: v2 is read again
    await deliver(s3RemovedEvent({ bucket: 'landing', key: 'events/a.jsonl', versionId: v2.versionId!, sequencer: '05' }));
    expect(consume()).toEqual(['2024-01-05', '2024-01-06', '2024-01-09']); // v2 deleted: v1 is read again
  }, 120_000);
});

