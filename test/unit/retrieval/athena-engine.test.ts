/**
 * The Athena flow against aws-sdk-client-mock: states, failure reasons, cancellation, abort,
 * result paging, cleanup on every path, and the cost guard refusing before any Athena call.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { GetQueryExecutionCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-glue';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { athena } from '../../../sdk/src/engines/athena/athena-engine.js';
import { CostGuardError } from '../../../sdk/src/retrieval/cost-estimate.js';
import { FakeS3, fakeAthena, fakeGlue } from './fake-aws.js';
import { tempDir, writeStore } from './store-fixture.js';

const ROOT = 's3://store/features';
const OUT = 's3://athena-out/results/';
const day = (d: number): string => `2024-03-${String(d).padStart(2, '0')}`;

let s3: FakeS3;
let ath: ReturnType<typeof fakeAthena>;
let glue: ReturnType<typeof fakeGlue>;
let states: string[];
let queries: string[];

function seedStore(): void {
  const catalog = (group: string, columns: { name: string; type: string }[]) =>
    JSON.stringify({ entity: 'user', group, pipeline: 'user-engagement', planHash: 'h', plan: {}, columns: [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP' }, ...columns, { name: '_plan_hash', type: 'VARCHAR' }], features: columns.map((c) => c.name), every: '1d', windows: [], partitions: [], updatedAt: '' });
  s3.put(`${ROOT}/_catalog/entity=user/feature_group=g1.json`, catalog('g1', [{ name: 'spend', type: 'DOUBLE' }, { name: 'clicks', type: 'BIGINT' }]));
  s3.put(`${ROOT}/_catalog/entity=user/feature_group=g2.json`, catalog('g2', [{ name: 'tier', type: 'VARCHAR' }]));
  for (let d = 1; d <= 20; d++) {
    s3.put(`${ROOT}/entity=user/feature_group=g1/dt=${day(d)}/part-a.parquet`, new Uint8Array(1000));
    s3.put(`${ROOT}/entity=user/feature_group=g2/dt=${day(d)}/part-a.parquet`, new Uint8Array(500));
  }
}

const labels = [
  { entity_id: 'u1', ts: '2024-03-05T12:00:00Z', label: 1 },
  { entity_id: "x'; DROP TABLE t; --", ts: '2024-03-06T00:00:00Z', label: 0 },
  { entity_id: 'u2', ts: '2024-03-18T06:00:00Z', label: 1 },
];

function unloadResult(query: string): void {
  const to = /TO '([^']+)'/.exec(query)![1]!;
  const file = (rows: number[], spend: (number | null)[], clicks: (bigint | null)[], tier: (string | null)[]) =>
    new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: '_sluice_row', data: rows.map(BigInt), type: 'INT64' },
      { name: 'g1__spend', data: spend, type: 'DOUBLE' },
      { name: 'g1__clicks', data: clicks, type: 'INT64' },
      { name: 'g2__tier', data: tier, type: 'STRING' },
    ] }));
  // Three objects: with a listing page size of 2, reading them all needs the continuation token.
  s3.put(`${to}part-0.parquet`, file([0], [2.5], [3n], ['gold']));
  s3.put(`${to}part-1.parquet`, file([1], [null], [null], [null]));
  s3.put(`${to}part-2.parquet`, file([2], [7], [1n], ["it's"]));
}

beforeEach(() => {
  s3 = new FakeS3();
  ath = fakeAthena();
  glue = fakeGlue();
  states = [];
  queries = [];
  seedStore();
  ath.mock.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    queries.push(input.QueryString);
    return { QueryExecutionId: `q${queries.length}` };
  });
  ath.mock.on(GetQueryExecutionCommand).callsFake(() => {
    const state = states.shift() ?? 'RUNNING';
    if (state === 'SUCCEEDED') unloadResult(queries[queries.length - 1]!);
    return {
      QueryExecution: {
        Status: { State: state, ...(state === 'FAILED' ? { StateChangeReason: 'COLUMN_NOT_FOUND: line 1:8: Column \'spend\' cannot be resolved' } : {}), ...(state === 'CANCELLED' ? { StateChangeReason: 'Query cancelled by user' } : {}) },
        Statistics: { DataScannedInBytes: 123_456_789 },
      },
    };
  });
  ath.mock.on(StopQueryExecutionCommand).resolves({});
  glue.mock.on(CreateTableCommand).resolves({});
  glue.mock.on(DeleteTableCommand).resolves({});
});

const engine = (extra: Record<string, unknown> = {}) =>
  athena({ workgroup: 'ml', database: 'sluice_tmp', outputLocation: OUT, client: ath.client, glueClient: glue.client, s3Client: s3.client, poll: { initialMs: 1, maxMs: 2 }, ...extra });
const set = () => trainingSet({ root: ROOT }, { labels, entity: 'user', features: ['g1:*', 'g2:tier'], ttl: '2d', s3Client: s3.client });
const tempKeys = () => s3.keys('athena-out/results/sluice-tmp/');

describe('athena training set', () => {
  it('QUEUED → RUNNING → SUCCEEDED: runs in the workgroup, reads every result page, reports bytes and cost, cleans up', async () => {
    states = ['QUEUED', 'RUNNING', 'RUNNING', 'SUCCEEDED'];
    const run = await set().run({ engine: engine({ inlineMaxLabels: 0 }) });
    const start = ath.mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start.WorkGroup).toBe('ml');
    expect(start.QueryExecutionContext?.Database).toBe('sluice_tmp');
    expect(start.QueryString!.startsWith('UNLOAD (')).toBe(true);
    expect(start.QueryString).toContain("WITH (format = 'PARQUET'");
    expect(ath.mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    // staged labels: a temporary Glue table, dropped afterwards
    const created = glue.mock.commandCalls(CreateTableCommand)[0]!.args[0].input;
    expect(created.TableInput?.StorageDescriptor?.Location).toMatch(/^s3:\/\/athena-out\/results\/sluice-tmp\/[0-9a-f]+\/labels\/$/);
    expect(glue.mock.commandCalls(DeleteTableCommand)[0]!.args[0].input.Name).toBe(created.TableInput?.Name);
    expect(tempKeys()).toEqual([]);
    const rows = run.table.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => [r.entity_id, r.label, r.g1__spend, r.g1__clicks, r.g2__tier])).toEqual([
      ['u1', 1, 2.5, 3n, 'gold'],
      ["x'; DROP TABLE t; --", 0, null, null, null],
      ['u2', 1, 7, 1n, "it's"],
    ]);
    expect(run.stats.bytesScanned).toBe(123_456_789);
    expect(run.stats.costUsd).toBeCloseTo((118 * 1024 * 1024) / 1024 ** 4 * 5, 10);
  });

  it('names exactly the pruned partitions: one dt range per label cluster', async () => {
    states = ['SUCCEEDED'];
    await set().fetch({ engine: engine() });
    const q = queries[0]!;
    const ranges = [...new Set([...q.matchAll(/"dt" BETWEEN '([^']+)' AND '([^']+)'/g)].map((m) => `${m[1]}..${m[2]}`))];
    // labels 03-05T12 and 03-06 with ttl 2d → [03-03, 03-06]; label 03-18T06 → [03-16, 03-18]
    expect(ranges).toEqual(['2024-03-03..2024-03-06', '2024-03-16..2024-03-18']);
    expect(q).not.toMatch(/"dt" (<|>|IN)/);
    // inline labels (3 rows): no Glue table; the injected id is a quoted literal
    expect(glue.mock.calls()).toHaveLength(0);
    expect(q).toContain("'x''; DROP TABLE t; --'");
  });

  it('explain() prices the pruned partitions before running anything', async () => {
    const explained = await set().explain({ engine: engine() });
    // 7 + 7 partitions... per group: days 3-6 and 16-18 = 7 dt partitions
    expect(explained.groups.map((g) => [g.group, g.partitions.length, g.bytes])).toEqual([['g1', 7, 7000], ['g2', 7, 3500]]);
    expect(explained.bytes).toBe(10_500);
    expect(explained.queries).toBe(1);
    expect(explained.estimatedCostUsd).toBeCloseTo((10 * 1024 * 1024) / 1024 ** 4 * 5, 12); // the 10 MB minimum
    expect(ath.mock.calls()).toHaveLength(0);
  });

  it('FAILED: surfaces Athena\'s StateChangeReason and still cleans up', async () => {
    states = ['RUNNING', 'FAILED'];
    await expect(set().fetch({ engine: engine({ inlineMaxLabels: 0 }) })).rejects.toThrow(/COLUMN_NOT_FOUND: line 1:8: Column 'spend' cannot be resolved/);
    expect(glue.mock.commandCalls(DeleteTableCommand)).toHaveLength(1);
    expect(tempKeys()).toEqual([]);
  });

  it('CANCELLED: an error that says so, and cleanup', async () => {
    states = ['QUEUED', 'CANCELLED'];
    await expect(set().fetch({ engine: engine({ inlineMaxLabels: 0 }) })).rejects.toMatchObject({ code: 'ATHENA_QUERY_CANCELLED' });
    expect(glue.mock.commandCalls(DeleteTableCommand)).toHaveLength(1);
    expect(tempKeys()).toEqual([]);
  });

  it('abort mid-query: StopQueryExecution for the running query, ABORTED, cleanup', async () => {
    const controller = new AbortController();
    ath.mock.on(GetQueryExecutionCommand).callsFake(() => {
      controller.abort(new Error('user pressed stop'));
      return { QueryExecution: { Status: { State: 'RUNNING' } } };
    });
    await expect(set().fetch({ engine: engine({ inlineMaxLabels: 0, poll: { initialMs: 50, maxMs: 50 } }), signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(ath.mock.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input.QueryExecutionId).toBe('q1');
    expect(glue.mock.commandCalls(DeleteTableCommand)).toHaveLength(1);
    expect(tempKeys()).toEqual([]);
  });

  it('the cost guard refuses before any Athena, Glue or S3 write call', async () => {
    await expect(set().fetch({ engine: engine(), maxBytes: 5_000 })).rejects.toBeInstanceOf(CostGuardError);
    await expect(set().fetch({ engine: engine(), maxCostUsd: 0.00001 })).rejects.toThrow(/allowExpensive/);
    expect(ath.mock.calls()).toHaveLength(0);
    expect(glue.mock.calls()).toHaveLength(0);
    expect(s3.mock.commandCalls((await import('@aws-sdk/client-s3')).PutObjectCommand)).toHaveLength(0);
    states = ['SUCCEEDED'];
    await expect(set().fetch({ engine: engine(), maxBytes: 5_000, allowExpensive: true })).resolves.toBeDefined();
  });

  it('a local store with athena() is refused with a clear message', async () => {
    const root = await tempDir();
    await writeStore(root, 'user', [{ group: 'g1', columns: [{ name: 'spend', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: Date.UTC(2024, 2, 5), values: [1] }] }]);
    await expect(trainingSet(root, { labels, entity: 'user', features: ['g1:*'], ttl: '1d' }).fetch({ engine: engine() })).rejects.toMatchObject({ code: 'ATHENA_LOCAL_STORE' });
    expect(ath.mock.calls()).toHaveLength(0);
  });
});
