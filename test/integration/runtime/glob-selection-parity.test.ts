/**
 * Which objects a pipeline reads must not depend on where it runs. One set of keys (markers,
 * other formats, neighbouring prefixes, hidden folders; spaces, `+`, `%`, non-ASCII) sits in
 * an s3rver bucket and, mirrored, in a local folder. For each source, the objects a local
 * listing selects are compared with the objects the event-stage handler does not skip when
 * S3 notifies it of every key (AWS-encoded keys, real s3rver + dynalite).
 *
 * Landing layout (sources/landing-keys.ts): an s3() source's bucket is replaced by the landing
 * bucket, keys unchanged; a file() source's folder `<dir>/events/` is `events/` there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { file, pipeline, s3 as s3Source, type Source } from '../../../sdk/src/index.js';
import { createHandler, toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { listSourceObjects } from '../../../sdk/src/sources/object-listing.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

const TABLE = 'idempotency';
const line = `${JSON.stringify({ id: 1 })}\n`;

const KEYS = [
  'root.jsonl',
  'events/a.jsonl',
  'events/b c+d%25=é.jsonl',
  'events/日本 語.jsonl',
  'events/a.jsonl.gz',
  'events/_SUCCESS',
  'events/.DS_Store',
  'events/_spelled.jsonl',
  'events/notes.csv',
  'events/x.csv.gz',
  'events/sub/deep.jsonl',
  'events/sub/y+1.csv.gz',
  'events/sub/_tmp/hidden.jsonl',
  'events/a/x.jsonl',
  'events/b/y.jsonl',
  'events/c/z.jsonl',
  'events-old/a.jsonl',
  'other/a.jsonl',
] as const;
const bodyOf = (key: string) => (key.endsWith('.gz') ? gzipSync(line) : Buffer.from(line));

let s3: S3rverHandle;
let ddb: DynaliteHandle;
let dir: string;
const etags = new Map<string, string>();

beforeAll(async () => {
  [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', 'validated', 'quarantine'] }), startDynalite({ tables: [TABLE] })]);
  dir = mkdtempSync(join(tmpdir(), 'sluice-glob-parity-'));
  for (const key of KEYS) {
    etags.set(key, await s3.putObject('landing', key, bodyOf(key)));
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), bodyOf(key));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), ddb?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The landing keys the handler processes (does not skip) when notified of `keys`. */
async function handlerSelects(source: Source, keys: readonly string[]): Promise<string[]> {
  // The format is fixed so that every selected key is readable locally too (`_SUCCESS` has no extension).
  const definition = toPipelineDefinition(pipeline(`parity-${Math.random().toString(36).slice(2, 8)}`).from(source).validate(z.object({ id: z.number() })));
  const handler = createHandler(definition, {
    validatedBucket: 'validated', quarantineBucket: 'quarantine', idempotencyTable: TABLE,
    s3Client: s3.client, dynamoDbClient: ddb.client, env: {},
  });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const events = keys.map((key) => s3CreatedEvent({ bucket: 'landing', key, etag: etags.get(key)! }));
  const result = await handler(sqsBatch(events), { getRemainingTimeInMillis: () => 600_000 });
  expect(result.batchItemFailures).toEqual([]);
  expect(result.objects).toHaveLength(keys.length);
  return result.objects.filter((o) => o.status !== 'skipped').map((o) => o.key).sort();
}

async function listedKeys(source: Source, strip = ''): Promise<string[]> {
  const objects = await listSourceObjects(source.node, { s3Client: s3.client });
  return objects.map((o) => o.key.slice(strip.length)).sort();
}

describe('s3() sources: the landing bucket takes the source bucket\'s place', () => {
  for (const glob of ['events/*.jsonl', 'events/**/*.jsonl', 'events/{a,b}/*.jsonl', 'events/**/*.csv.gz', 'events/_*', '*.jsonl', 'events/', 'events', 'events/a.jsonl']) {
    test(`s3://landing/${glob}`, async () => {
      const source = s3Source(`s3://landing/${glob}`, { format: 'jsonl' });
      const local = await listedKeys(source);
      expect(local.length).toBeGreaterThan(0);
      expect(await handlerSelects(source, KEYS)).toEqual(local);
    });
  }
});

describe('file() sources: the folder the glob starts in keeps its name at the landing bucket\'s root', () => {
  for (const glob of ['events/*.jsonl', 'events/**/*.jsonl', 'events/{a,b}/*.jsonl', 'events/**/*.csv.gz', 'events/_*', 'events/', 'events/a.jsonl']) {
    test(`file('<dir>/${glob}')`, async () => {
      const source = file(join(dir, glob), { format: 'jsonl' });
      // Local keys are paths as the glob spells them: `<dir>/events/a.jsonl` is `events/a.jsonl` in the bucket.
      const local = await listedKeys(source, `${dir}/`);
      expect(local.length).toBeGreaterThan(0);
      expect(await handlerSelects(source, KEYS)).toEqual(local);
    });
  }
});
