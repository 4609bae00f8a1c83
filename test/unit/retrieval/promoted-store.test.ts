/**
 * A store written by a promoted pipeline: its Glue job writes Spark's layout under
 * `s3://<features bucket>/features/entity=<e>/feature_group=<g>/` (dt folders of
 * `part-00000-<uuid>.c000.snappy.parquet`, a `_SUCCESS` marker) and no catalog document — the
 * Glue table promote created is the catalog. The Athena engine reads the group's columns from
 * it (aws-sdk-client-mock; the table is written out here as the construct declares it), and
 * without an engine that can, the error says exactly what to pass.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { athena } from '../../../sdk/src/engines/athena/athena-engine.js';
import { catalogTypeOfHive } from '../../../sdk/src/engines/athena/athena-group-schema.js';
import { FakeS3, fakeAthena, fakeGlue } from './fake-aws.js';
import { tempDir } from './store-fixture.js';

const BUCKET = 'sluice-user-engagement-features-1a2b3c';
const ROOT = `s3://${BUCKET}/features`;
const OUT = 's3://athena-out/results/';
const GROUP = `${ROOT}/entity=user/feature_group=engagement`;

let s3: FakeS3;
let ath: ReturnType<typeof fakeAthena>;
let glue: ReturnType<typeof fakeGlue>;

/** What the Glue job leaves behind after writing dt 2024-01-04 and 2024-01-05 (sizes are what the estimate sees). */
function seedGlueJobOutput(): void {
  s3.put(`${GROUP}/dt=2024-01-04/part-00000-6f1d2c3e-0a1b-4c5d-8e9f-0123456789ab.c000.snappy.parquet`, new Uint8Array(700));
  s3.put(`${GROUP}/dt=2024-01-05/part-00000-6f1d2c3e-0a1b-4c5d-8e9f-0123456789ab.c000.snappy.parquet`, new Uint8Array(900));
  s3.put(`${GROUP}/dt=2024-01-05/part-00001-6f1d2c3e-0a1b-4c5d-8e9f-0123456789ab.c000.snappy.parquet`, new Uint8Array(100));
  s3.put(`${GROUP}/_SUCCESS`, '');
}

/** The table FeaturePipeline declares for user/engagement (Hive types; dt is the projected partition key). */
const GLUE_TABLE = {
  Table: {
    Name: 'user__engagement',
    DatabaseName: 'sluice_user_engagement',
    PartitionKeys: [{ Name: 'dt', Type: 'string' }],
    StorageDescriptor: {
      Location: `${GROUP}/`,
      Columns: [
        { Name: 'entity_id', Type: 'string' },
        { Name: 'feature_ts', Type: 'timestamp' },
        { Name: 'clicks_7d', Type: 'bigint' },
        { Name: 'spend_7d', Type: 'double' },
        { Name: '_plan_hash', Type: 'string' },
      ],
    },
  },
};

const labels = [
  { entity_id: 'u1', ts: '2024-01-05T12:00:00Z', y: 1 },
  { entity_id: 'u2', ts: '2024-01-06T00:00:00Z', y: 0 },
];
const options = { labels, entity: 'user', features: ['engagement:clicks_7d'], ttl: '30d' as const };

beforeEach(() => {
  s3 = new FakeS3();
  ath = fakeAthena();
  glue = fakeGlue();
  seedGlueJobOutput();
  glue.mock.on(GetTableCommand, { DatabaseName: 'sluice_user_engagement', Name: 'user__engagement' }).resolves(GLUE_TABLE);
  glue.mock.on(GetTableCommand, { DatabaseName: 'sluice_other' }).rejects(Object.assign(new Error('Table user__engagement not found.'), { name: 'EntityNotFoundException' }));
});

/** The engine a user of the promoted stack configures: the names promote gives its workgroup and database. */
const cloud = (extra: Record<string, unknown> = {}) =>
  athena({ workgroup: 'sluice-user_engagement', database: 'sluice_user_engagement', outputLocation: OUT, client: ath.client, glueClient: glue.client, s3Client: s3.client, poll: { initialMs: 1, maxMs: 2 }, ...extra });

describe('training sets from a promoted pipeline\'s store', () => {
  it('Athena reads the group from its Glue table and queries that table over the pruned partitions', async () => {
    const sql = await trainingSet(ROOT, { ...options, s3Client: s3.client }).sql(cloud());
    expect(sql).toContain('FROM "sluice_user_engagement"."user__engagement"');
    expect(sql).toContain(`"dt" BETWEEN '2023-12-06' AND '2024-01-06'`); // min(ts) − 30d … max(ts)
    expect(sql).toContain('"clicks_7d"');
    expect(glue.mock.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual([{ DatabaseName: 'sluice_user_engagement', Name: 'user__engagement' }]);
  });

  it('explain() lists the Glue job\'s Parquet files, not its _SUCCESS marker', async () => {
    const explained = await trainingSet(ROOT, { ...options, s3Client: s3.client }).explain({ engine: cloud() });
    expect(explained.groups).toEqual([{ group: 'engagement', features: ['clicks_7d'], partitions: ['2024-01-04', '2024-01-05'], files: 3, bytes: 1700 }]);
    expect(ath.mock.calls()).toHaveLength(0);
  });

  it('fetch() runs end to end: feature values come back typed as the Glue table declares them', async () => {
    let query = '';
    ath.mock.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => ((query = input.QueryString), { QueryExecutionId: 'q1' }));
    ath.mock.on(GetQueryExecutionCommand).callsFake(() => {
      const to = /TO '([^']+)'/.exec(query)![1]!;
      s3.put(`${to}part-0.parquet`, new Uint8Array(parquetWriteBuffer({ columnData: [
        { name: '_sluice_row', data: [0n, 1n], type: 'INT64' },
        { name: 'engagement__clicks_7d', data: [4n, null], type: 'INT64' },
      ] })));
      return { QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1700 } } };
    });
    const table = await trainingSet(ROOT, { ...options, s3Client: s3.client }).fetch({ engine: cloud() });
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      { entity_id: 'u1', ts: '2024-01-05T12:00:00Z', y: 1, engagement__clicks_7d: 4n },
      { entity_id: 'u2', ts: '2024-01-06T00:00:00Z', y: 0, engagement__clicks_7d: null },
    ]);
    expect(ath.mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.WorkGroup).toBe('sluice-user_engagement');
  });

  it('without an engine that reads Glue, the error says the data is there and which engine to pass', async () => {
    const failure = trainingSet(ROOT, { ...options, s3Client: s3.client }).sql('trino');
    await expect(failure).rejects.toMatchObject({ code: 'UNKNOWN_FEATURE_GROUP' });
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain(`Its partitions are under ${GROUP}/`);
    expect(message).toContain(`no catalog document ${ROOT}/_catalog/entity=user/feature_group=engagement.json`);
    expect(message).toContain('.sql(engine)');
    expect(message).toContain("athena({ workgroup: 'sluice-<pipeline>', database: 'sluice_<pipeline>'");
    expect(message).not.toContain('run the pipeline with toFeatureStore() first');
    expect(glue.mock.calls()).toHaveLength(0); // a preview never calls AWS
  });

  it('the stack output FeaturesLocation passed whole as the root: the error says which root to pass', async () => {
    const message = await trainingSet(`${GROUP}/`, { ...options, s3Client: s3.client }).sql('trino').catch((e: Error) => e.message);
    expect(message).toContain('neither is there');
    expect(message).toContain("A promoted pipeline's store root is s3://<features bucket>/features (the stack output FeatureStoreRoot)");
  });

  it('a Glue database without the table: the error names both places looked in and the database to give', async () => {
    const failure = trainingSet(ROOT, { ...options, s3Client: s3.client }).sql(cloud({ database: 'sluice_other' }));
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toMatch(/has no feature group "engagement"/);
    expect(message).toContain(`${ROOT}/_catalog/entity=user/feature_group=engagement.json`);
    expect(message).toContain('the Glue table sluice_other.user__engagement');
    expect(message).toContain("database: 'sluice_<pipeline>'");
  });

  it('Glue refusing (no permission) is an engine error with the cause, not a missing group', async () => {
    glue.mock.on(GetTableCommand).rejects(Object.assign(new Error('User is not authorized to perform: glue:GetTable'), { name: 'AccessDeniedException' }));
    await expect(trainingSet(ROOT, { ...options, s3Client: s3.client }).sql(cloud())).rejects.toMatchObject({ code: 'GLUE_TABLE_UNREADABLE', message: expect.stringMatching(/glue:GetTable/) });
  });

  it('Hive column types map to the catalog\'s DuckDB names', () => {
    expect(['string', 'bigint', 'double', 'boolean', 'timestamp', 'int', 'date', 'decimal(10, 2)', 'array<string>'].map(catalogTypeOfHive))
      .toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'INTEGER', 'DATE', 'DECIMAL(10,2)', 'VARCHAR']);
  });
});

describe('a local store with data but no catalog document', () => {
  it('says to re-run the pipeline (not to use Athena)', async () => {
    const root = await tempDir();
    try {
      const dt = join(root, 'entity=user', 'feature_group=engagement', 'dt=2024-01-05');
      await mkdir(dt, { recursive: true });
      await writeFile(join(dt, 'part-a.parquet'), 'not read: the error comes first');
      const message = await trainingSet(root, options).sql('duckdb').catch((e: Error) => e.message);
      expect(message).toContain('re-run the pipeline that writes it');
      expect(message).not.toContain('athena(');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
