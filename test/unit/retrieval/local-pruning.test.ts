/**
 * Partition pruning on the local engine: only dt partitions in [date(min(ts) - ttl), date(max(ts))]
 * of each time chunk are read. Every file outside that range is overwritten with garbage, so a
 * query that reads even one of them fails; and over S3 only the pruned objects are downloaded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { oracle, tempDir, writeStore, type FixtureGroup } from './store-fixture.js';
import { FakeS3 } from './fake-aws.js';

const D = (d: number, h = 0): number => Date.UTC(2024, 2, d, h);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// one row per entity every 12 hours, 2024-03-01 .. 2024-03-20
const group: FixtureGroup = {
  group: 'g1',
  columns: [{ name: 'v', type: 'DOUBLE' }],
  rows: Array.from({ length: 40 }, (_, k) => ['a', 'b'].map((e) => ({ entity_id: e, feature_ts: D(1) + k * 12 * 3_600_000, values: [k + (e === 'a' ? 0 : 0.5)] }))).flat(),
};
const labels = [
  { entity_id: 'a', ts: new Date(D(10, 12)), y: 1 }, // needs 03-08 .. 03-10 with ttl 2d
  { entity_id: 'b', ts: new Date(D(9)), y: 0 },      // needs 03-07 .. 03-09 (03-07T00:00 is excluded by ts - ttl < feature_ts, but the partition is in range)
  { entity_id: 'a', ts: new Date(D(18, 6)), y: 1 },  // a separate chunk: 03-16 .. 03-18
];
const expectedDts = ['2024-03-07', '2024-03-08', '2024-03-09', '2024-03-10', '2024-03-16', '2024-03-17', '2024-03-18'];

describe('local partition pruning', () => {
  it('reads exactly the pruned partitions (the rest are unreadable garbage) and matches the oracle', async () => {
    const root = await tempDir();
    dirs.push(root);
    const written = await writeStore(root, 'user', [group]);
    for (const [dt, paths] of written) if (!expectedDts.includes(dt)) for (const p of paths) await writeFile(p, 'not parquet at all');
    for (const strategy of ['asof', 'range'] as const) {
      const set = trainingSet(root, { labels, entity: 'user', features: ['g1:v'], ttl: '2d' });
      const explained = await set.explain({ engine: localEngine({ strategy }) });
      expect(explained.groups[0]!.partitions).toEqual(expectedDts);
      expect(explained.chunks.map((c) => [c.dtFrom, c.dtTo, c.labels])).toEqual([['2024-03-07', '2024-03-10', 2], ['2024-03-16', '2024-03-18', 1]]);
      let bytes = 0;
      for (const dt of expectedDts) for (const p of written.get(dt)!) bytes += (await readFile(p)).byteLength;
      expect(explained.bytes).toBe(bytes);
      const run = await set.run({ engine: localEngine({ strategy }) });
      const read = run.stats.filesRead.map((p) => relative(root, p).split('/')[2]!.slice(3)).sort();
      expect(read).toEqual(expectedDts);
      const want = oracle(labels.map((l) => ({ entity: l.entity_id, ts: l.ts.getTime() })), group, 2 * 86_400_000);
      expect([...run.table.getChild('g1__v')!.toArray()]).toEqual(want.map((w) => w[0]));
    }
  });

  it('an off-by-one range would be caught: reading one garbage partition fails', async () => {
    const root = await tempDir();
    dirs.push(root);
    const written = await writeStore(root, 'user', [group]);
    for (const p of written.get('2024-03-10')!) await writeFile(p, 'not parquet at all');
    await expect(trainingSet(root, { labels, entity: 'user', features: ['g1:v'], ttl: '2d' }).fetch({ engine: localEngine() })).rejects.toThrow();
  });

  it('over S3, downloads only the pruned objects', async () => {
    const root = await tempDir();
    dirs.push(root);
    const written = await writeStore(root, 'user', [group]);
    const s3 = new FakeS3();
    s3.pageSize = 1000;
    s3.put('s3://store/f/_catalog/entity=user/feature_group=g1.json', await readFile(`${root}/_catalog/entity=user/feature_group=g1.json`));
    for (const [dt, paths] of written) for (const p of paths) s3.put(`s3://store/f/entity=user/feature_group=g1/dt=${dt}/${p.split('/').pop()}`, await readFile(p));
    const table = await trainingSet({ root: 's3://store/f' }, { labels, entity: 'user', features: ['g1:*'], ttl: '2d', s3Client: s3.client }).fetch({ engine: localEngine() });
    const fetched = s3.mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key!).filter((k) => !k.startsWith('f/_catalog'));
    expect(fetched.map((k) => k.split('/')[3]!.slice(3)).sort()).toEqual(expectedDts);
    const want = oracle(labels.map((l) => ({ entity: l.entity_id, ts: l.ts.getTime() })), group, 2 * 86_400_000);
    expect(table.getChild('g1__v')!.toArray()).toEqual(Float64Array.from(want.map((w) => w[0] as number)));
  });
});
