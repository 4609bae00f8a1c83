/**
 * The event-stage Lambda's IAM role, derived from what the handler does. The handler (source,
 * not a bundle) runs over objects that take every path it has — rows quarantined, an object
 * failing maxInvalidRatio and one failing unique after segments were written (their outputs
 * are deleted), an unreadable object, an object checkpointed for lack of time and resumed, a
 * missing object, a redelivery, removals (a version deleted, a delete marker) — against an in-memory S3 (versioned landing bucket, as
 * deployed) and dynalite, recording every S3 and DynamoDB call. Each call is turned into the
 * IAM actions AWS requires for it (the table below, from the S3 and DynamoDB authorization
 * docs, written independently of the construct), and the synthesized role must allow each
 * action on the exact ARN. A grant missing for any path the handler can take fails here, not
 * in AWS as retries and a dead-letter queue. The Glue role is checked the same way against the
 * S3 calls of the driver, written out by hand.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CfnElement } from 'aws-cdk-lib';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHandler, type SluiceHandler } from '../../../sdk/src/runtime/handler.js';
import { synthesizeFeaturePipeline, type SynthesizedStack } from '../../../sdk/src/promote/synth-stack.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { s3CreatedEvent, s3RemovedEvent, sqsBatch } from '../../helpers/s3-events.js';
import { definition as fixtureDefinition } from '../../unit/promote/promote-fixtures.js';
import { DRIVER_PATH } from '../../unit/promote/driver-arguments.js';
import { MemoryS3, type S3Call } from '../runtime/memory-s3.js';

const BUCKETS = { landing: 'landing', validated: 'validated', quarantine: 'quarantine' } as const;
const TABLE = 'idempotency';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/landing-events`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:landing-events`;
/** SQS cannot run here: the client is mocked, and its calls recorded like the others. */
const sqs = mockClient(SQSClient);
sqs.on(SendMessageCommand).resolves({ MessageId: 'continued' });

const definition = fixtureDefinition({ gates: { maxInvalidRatio: 0.5, unique: ['event_id'], notNull: ['user_id'] } });

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const good = (i: number, id = i) => JSON.stringify({ event_id: uuid(id), user_id: `u${i % 3}@example.com`, event_type: 'click', amount: i, ts: new Date(Date.UTC(2024, 2, 1, i)).toISOString() });
const bad = (i: number) => JSON.stringify({ event_id: uuid(i), user_id: 'u', event_type: 'nope', amount: 1, ts: '2024-03-01T00:00:00Z' });
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

interface DynamoCall {
  readonly operation: string;
  readonly table: string;
}

let s3: MemoryS3;
let ddb: DynaliteHandle;
const dynamoCalls: DynamoCall[] = [];
let synth: SynthesizedStack;
let remainingMs = 600_000;
const outcomes: { key: string; status: string }[] = [];
let failedMessages = 0;

async function deliver(handler: SluiceHandler, key: string, versionId?: string, etag = 'x'): Promise<void> {
  const result = await handler(sqsBatch([s3CreatedEvent({ bucket: BUCKETS.landing, key, etag, ...(versionId ? { versionId } : {}) })]), { getRemainingTimeInMillis: () => remainingMs });
  outcomes.push(...result.objects.map((o) => ({ key: o.key, status: o.status })));
  failedMessages += result.batchItemFailures.length;
}

beforeAll(async () => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  s3 = new MemoryS3({ [BUCKETS.landing]: { versioned: true }, [BUCKETS.validated]: {}, [BUCKETS.quarantine]: {} });
  ddb = await startDynalite({ tables: [TABLE] });
  const dynamo = recordingDynamo(ddb.client, dynamoCalls);
  const handler = createHandler(definition, {
    validatedBucket: BUCKETS.validated, quarantineBucket: BUCKETS.quarantine, idempotencyTable: TABLE,
    segmentRows: 3, timeReserveMs: 1_000, s3Client: s3.client, dynamoDbClient: dynamo, env: {},
    continuationQueueUrl: QUEUE_URL, sqsClient: new SQSClient({ region: REGION }),
    // Above this an object quarantined whole is copied in parts (5 GiB in AWS): the cut gzip object (1,500 bytes) is.
    copyLimits: { singleCopyBytes: 1_200, copyPartBytes: 400 },
  });

  const objects: Record<string, string | Uint8Array> = {
    // Processed, with a quarantined row.
    'events/ok data.jsonl': lines(good(1), bad(2), good(3), good(4), good(5), good(6), good(7)),
    // A segment of valid and rejected rows is written, then maxInvalidRatio fails: both are deleted.
    'events/mostly bad.jsonl': lines(good(11), bad(12), good(13), bad(14), bad(15), bad(16), bad(17), bad(18), bad(19)),
    // unique(event_id) fails on the last row, after two segments were written.
    'events/dup ids.jsonl': lines(good(21), bad(22), good(23), good(24), good(25), good(26), good(27, 21)),
    // Unreadable after a few segments: the gzip stream is cut.
    'events/broken.jsonl.gz': gzipSync(lines(...Array.from({ length: 400 }, (_, i) => good(100 + i)))).subarray(0, 1_500),
    // Checkpointed for lack of time, then resumed.
    'events/long é+.jsonl': lines(...Array.from({ length: 12 }, (_, i) => good(1_000 + i))),
  };
  const versions = new Map<string, { etag: string; versionId?: string }>();
  for (const [key, body] of Object.entries(objects)) versions.set(key, s3.putObject(BUCKETS.landing, key, body));
  for (const key of Object.keys(objects).filter((k) => !k.startsWith('events/long'))) await deliver(handler, key, versions.get(key)!.versionId, versions.get(key)!.etag);

  const long = 'events/long é+.jsonl';
  s3.onCall = (call) => {
    // Time runs short once the first segment of the long object is written.
    if (call.operation === 'PutObject' && String(call.input.Key).endsWith('.parquet') && remainingMs > 1_000) remainingMs = 500;
  };
  await deliver(handler, long, versions.get(long)!.versionId, versions.get(long)!.etag);
  s3.onCall = undefined;
  remainingMs = 600_000;
  // The message was continued in a new one, not failed: this is that one arriving.
  expect(failedMessages).toBe(0);
  await deliver(handler, long, versions.get(long)!.versionId, versions.get(long)!.etag);
  // A deleted (missing) object, and a redelivery of a finished one.
  await deliver(handler, 'events/gone.jsonl', 'v-gone');
  await deliver(handler, 'events/ok data.jsonl', versions.get('events/ok data.jsonl')!.versionId, versions.get('events/ok data.jsonl')!.etag);
  // Removals: a version permanently deleted (its current-version markers are listed and deleted), and a delete marker (one is written).
  const removed = await handler(sqsBatch([
    s3RemovedEvent({ bucket: BUCKETS.landing, key: 'events/mostly bad.jsonl', versionId: versions.get('events/mostly bad.jsonl')!.versionId!, sequencer: '10' }),
    s3RemovedEvent({ bucket: BUCKETS.landing, key: 'events/broken.jsonl.gz', versionId: 'delete-marker-1', deleteMarker: true, sequencer: '11' }),
  ]), { getRemainingTimeInMillis: () => remainingMs });
  outcomes.push(...removed.objects.map((o) => ({ key: o.key, status: o.status })));

  const dir = mkdtempSync(join(tmpdir(), 'sluice-permissions-'));
  mkdirSync(join(dir, 'lambda'));
  writeFileSync(join(dir, 'lambda', 'index.mjs'), 'export const handler = async () => {};\n');
  writeFileSync(join(dir, 'aggregate.spark.sql'), 'SELECT 1\n');
  copyFileSync(resolve(DRIVER_PATH), join(dir, 'sluice_glue_driver.py'));
  synth = synthesizeFeaturePipeline({
    plan: definition.plan, planHash: definition.hash, bundlePath: join(dir, 'lambda'),
    aggregateSqlPath: join(dir, 'aggregate.spark.sql'), glueScriptPath: join(dir, 'sluice_glue_driver.py'),
  }, { outdir: join(dir, 'cdk.out') });
}, 300_000);

afterAll(async () => {
  await ddb?.stop();
});

describe('the handler run exercised every path', () => {
  test('each object ended as planned', () => {
    const status = (key: string) => outcomes.filter((o) => o.key === key).map((o) => o.status);
    expect(status('events/ok data.jsonl')).toEqual(['processed', 'duplicate']);
    expect(status('events/mostly bad.jsonl')).toEqual(['quarantined', 'removed']);
    expect(status('events/dup ids.jsonl')).toEqual(['quarantined']);
    expect(status('events/broken.jsonl.gz')).toEqual(['unreadable', 'removed']);
    expect(status('events/long é+.jsonl')).toEqual(['yielded', 'processed']);
    // The yield went on in a new message with the notification as it came (no redelivery counted toward the dead-letter limit).
    const continued = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(continued).toHaveLength(1);
    expect(continued[0]!.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(continued[0]!.MessageBody!).Records[0].s3.object.key).toBe('events/long+%C3%A9%2B.jsonl');
    expect(outcomes.filter((o) => o.status === 'failed').map((o) => o.key)).toEqual(['events/gone.jsonl']);
  });

  test('including the calls that were missing grants before: deletes in both zones, versioned reads of landing, stored unique keys read back', () => {
    const seen = new Set(s3.calls.map((c) => `${c.operation} ${c.input.Bucket}${c.input.VersionId ? ' (version)' : ''}${c.missing ? ' (missing)' : ''}`));
    for (const expected of [
      'DeleteObject quarantine', 'DeleteObject validated', 'CopyObject quarantine', 'UploadPartCopy quarantine', 'CompleteMultipartUpload quarantine',
      'HeadObject landing (version)', 'GetObject landing (version)',
      'HeadObject landing (version) (missing)', 'GetObject validated (missing)', 'GetObject validated', 'PutObject quarantine', 'PutObject validated',
    ]) expect(seen, expected).toContain(expected);
    expect(s3.calls.some((c) => c.operation === 'GetObject' && String(c.input.Key).startsWith('_gate-keys/'))).toBe(true);
    // The current-version index: markers listed, written and deleted.
    for (const operation of ['ListObjectsV2', 'PutObject', 'DeleteObject']) {
      expect(s3.calls.some((c) => c.operation === operation && String(c.input.Key ?? c.input.Prefix).startsWith('_current/')), operation).toBe(true);
    }
    expect(dynamoCalls.length).toBeGreaterThan(0);
  });
});

describe('the synthesized Glue role', () => {
  // What the driver (templates/glue/sluice_glue_driver.py) does through Hadoop's S3 file system,
  // written out by hand: list and read the validated zone, manifests, current-version and
  // dirty-date markers; delete the dirty-date markers it read; write the features and delete a
  // recomputed date's partition left without rows.
  const name = definition.plan.name;
  const features = `${arn('features')}/features/entity=user/feature_group=engagement`;
  const needed: Needed[] = [
    { action: 's3:ListBucket', resource: arn(BUCKETS.validated) },
    { action: 's3:ListBucket', resource: arn('features') },
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/validated/${name}/dt=2024-01-05/0123abcd-00000.parquet` },
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/_manifests/${name}/0123abcd.json` },
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/_current/${name}/k123/0A00-tag.json` },
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/_dirty/${name}/2024-01-05/c123.json` },
    { action: 's3:DeleteObject', resource: `${arn(BUCKETS.validated)}/_dirty/${name}/2024-01-05/c123.json` },
    { action: 's3:PutObject', resource: `${features}/dt=2024-01-05/part-0000.snappy.parquet` },
    { action: 's3:DeleteObject', resource: `${features}/dt=2024-01-05/part-0000.snappy.parquet` },
    // Hadoop asks about folders by their keys without the slash: a 403 there fails the job.
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/validated/${name}` },
    { action: 's3:GetObject', resource: `${arn(BUCKETS.validated)}/_dirty/${name}` },
    { action: 's3:GetObject', resource: features },
    { action: 's3:GetObject', resource: `${arn('features')}/features/entity=user` },
  ];

  test('allows every S3 call of the driver, on the exact resource', () => {
    const allow = glueStatements(synth);
    expect(needed.filter((n) => !allowed(allow, n.action, n.resource)).map((n) => `${n.action} on ${n.resource}`)).toEqual([]);
  });

  test('and nothing beyond its prefixes: no deleting validated rows or manifests, no reading another pipeline', () => {
    const allow = glueStatements(synth);
    expect(allowed(allow, 's3:DeleteObject', `${arn(BUCKETS.validated)}/validated/${name}/dt=2024-01-05/0123abcd-00000.parquet`)).toBe(false);
    expect(allowed(allow, 's3:DeleteObject', `${arn(BUCKETS.validated)}/_manifests/${name}/0123abcd.json`)).toBe(false);
    expect(allowed(allow, 's3:GetObject', `${arn(BUCKETS.validated)}/_dirty/other-pipeline/2024-01-05/c.json`)).toBe(false);
    expect(allowed(allow, 's3:GetObject', `${arn(BUCKETS.validated)}/validated/${name}-other/dt=2024-01-05/x.parquet`)).toBe(false);
  });
});

describe('the synthesized handler role', () => {
  test('allows every S3 and DynamoDB action the handler needed, on the exact resource', () => {
    const allow = handlerStatements(synth);
    const needed = [...s3.calls.flatMap(requiredForS3), ...dynamoCalls.map(requiredForDynamo), ...sqs.commandCalls(SendMessageCommand).map(() => ({ action: 'sqs:SendMessage', resource: QUEUE_ARN }))];
    const missing = [...new Set(needed.filter((n) => !allowed(allow, n.action, n.resource)).map((n) => `${n.action} on ${n.resource}`))];
    expect(missing).toEqual([]);
  });

  test('the check is not vacuous: the role of an older construct (no s3:DeleteObject on quarantine) fails it', () => {
    const allow = handlerStatements(synth).map((s) => (
      [s.Resource].flat().some((r) => String(r).startsWith(`${arn(BUCKETS.quarantine)}/`))
        ? { ...s, Action: [s.Action ?? []].flat().filter((a) => a !== 's3:DeleteObject') }
        : s));
    const deleteQuarantine = s3.calls.filter((c) => c.operation === 'DeleteObject' && c.input.Bucket === BUCKETS.quarantine).flatMap(requiredForS3);
    expect(deleteQuarantine.length).toBeGreaterThan(0);
    expect(deleteQuarantine.every((n) => !allowed(allow, n.action, n.resource))).toBe(true);
  });
});

// ---- What AWS requires for each call (S3: "Required permissions for Amazon S3 API operations"; DynamoDB: one action per API) ----

interface Needed {
  readonly action: string;
  readonly resource: string;
}

const arn = (bucket: string) => `arn:aws:s3:::${bucket}`;

function requiredForS3(call: S3Call): Needed[] {
  const { Bucket: bucket, Key: key, VersionId: versionId } = call.input as { Bucket: string; Key: string; VersionId?: string };
  const object = `${arn(bucket)}/${key}`;
  switch (call.operation) {
    case 'HeadObject':
    case 'GetObject':
      // Without s3:ListBucket, a missing key is a 403, not the 404 the runtime relies on.
      return [{ action: versionId ? 's3:GetObjectVersion' : 's3:GetObject', resource: object }, ...(call.missing ? [{ action: 's3:ListBucket', resource: arn(bucket) }] : [])];
    case 'PutObject':
      return [{ action: 's3:PutObject', resource: object }];
    case 'ListObjectsV2':
      return [{ action: 's3:ListBucket', resource: arn(bucket) }];
    case 'DeleteObject':
      return [{ action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: object }];
    case 'CopyObject':
    case 'UploadPartCopy': {
      // Tags are not copied (TaggingDirective REPLACE; a part copy never does): no tagging actions.
      expect(call.operation === 'UploadPartCopy' || call.input.TaggingDirective === 'REPLACE').toBe(true);
      const [path, version] = String(call.input.CopySource).split('?versionId=');
      const source = path!.split('/').map(decodeURIComponent).join('/');
      return [{ action: version ? 's3:GetObjectVersion' : 's3:GetObject', resource: `arn:aws:s3:::${source}` }, { action: 's3:PutObject', resource: object }];
    }
    case 'CreateMultipartUpload':
    case 'CompleteMultipartUpload':
      return [{ action: 's3:PutObject', resource: object }];
    case 'AbortMultipartUpload':
      return [{ action: 's3:AbortMultipartUpload', resource: object }];
    default:
      throw new Error(`no IAM mapping for S3 ${call.operation}: add it here`);
  }
}

function requiredForDynamo(call: DynamoCall): Needed {
  return { action: `dynamodb:${call.operation}`, resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${call.table}` };
}

function recordingDynamo(client: DynamoDBClient, calls: DynamoCall[]): DynamoDBClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string }; input: { TableName?: string } }) => {
        calls.push({ operation: command.constructor.name.replace(/Command$/, ''), table: command.input.TableName ?? '?' });
        return send(command);
      };
    },
  });
}

// ---- A small evaluator of the synthesized identity policy (Allow statements; no conditions on these) ----

interface Statement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
}

function handlerStatements(s: SynthesizedStack): Statement[] {
  const logicalId = (c: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);
  return roleStatements(s, logicalId(s.pipeline.handler.role as never));
}

/** The Glue job's role: the one its `Role` names. */
function glueStatements(s: SynthesizedStack): Statement[] {
  const job = Object.values(s.template.Resources as Record<string, { Type: string; Properties: any }>).find((r) => r.Type === 'AWS::Glue::Job')!;
  return roleStatements(s, job.Properties.Role['Fn::GetAtt'][0] as string);
}

function roleStatements(s: SynthesizedStack, roleId: string): Statement[] {
  const { stack, pipeline, template } = s;
  const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const names = new Map<string, string>([
    [logicalId(pipeline.buckets.landing), arn(BUCKETS.landing)],
    [logicalId(pipeline.buckets.validated), arn(BUCKETS.validated)],
    [logicalId(pipeline.buckets.quarantine), arn(BUCKETS.quarantine)],
    [logicalId(pipeline.buckets.features), arn('features')],
    [logicalId(pipeline.idempotencyTable), `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}`],
    [logicalId(pipeline.queue), QUEUE_ARN],
  ]);
  const resolveValue = (value: any): string => {
    if (typeof value === 'string') return value;
    if (value?.['Fn::GetAtt']?.[1] === 'Arn') return names.get(value['Fn::GetAtt'][0]) ?? `unresolved:${value['Fn::GetAtt'][0]}`;
    if (value?.['Fn::Join']) return (value['Fn::Join'][1] as unknown[]).map(resolveValue).join(value['Fn::Join'][0]);
    if (value?.Ref === 'AWS::Partition') return 'aws';
    if (value?.Ref === 'AWS::Region') return REGION;
    if (value?.Ref === 'AWS::AccountId') return ACCOUNT;
    return `unresolved:${JSON.stringify(value)}`;
  };
  const statements: Statement[] = [];
  for (const resource of Object.values(template.Resources) as { Type: string; Properties: any }[]) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    if (!(resource.Properties.Roles as unknown[]).some((r: any) => r?.Ref === roleId)) continue;
    for (const st of resource.Properties.PolicyDocument.Statement as Statement[]) {
      expect(st.NotAction ?? st.NotResource, 'NotAction/NotResource are not evaluated here').toBeUndefined();
      statements.push({ ...st, Resource: [st.Resource].flat().map(resolveValue) });
    }
  }
  expect(statements.length).toBeGreaterThan(0);
  return statements;
}

function allowed(statements: readonly Statement[], action: string, resource: string): boolean {
  const matches = (pattern: string, value: string, ignoreCase: boolean) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'i' : '').test(value);
  return statements.some((s) => s.Effect === 'Allow' && s.Condition === undefined &&
    [s.Action].flat().some((a) => a !== undefined && matches(a, action, true)) &&
    (s.Resource as string[]).some((r) => matches(r, resource, false)));
}
