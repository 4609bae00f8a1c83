/**
 * Runs writing one feature group at once (a notebook and the CLI, two terminals) must leave
 * each partition as one of them wrote it — never both runs' files side by side, which a reader
 * would read as every row twice. Each run lists a partition's old files, places its new file,
 * then removes the old ones: interleaved, each kept its own file and removed only the old one.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, sum, window } from '../../../sdk/src/index.js';

let dir: string;
const DAY = 86_400_000;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-concurrent-'));
  // Two inputs over the same 40 days with different amounts: every partition differs between them.
  for (const [name, scale] of [['a', 1], ['b', 3]] as const) {
    mkdirSync(join(dir, name));
    const lines: string[] = [];
    for (let i = 0; i < 4_000; i++) lines.push(JSON.stringify({ user_id: `u${i % 50}`, ts: new Date(Date.UTC(2024, 0, 1) + Math.floor((i / 4_000) * 40 * DAY)).toISOString(), amount: (i % 7) * scale }));
    writeFileSync(join(dir, name, 'events.jsonl'), `${lines.join('\n')}\n`);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Event = z.object({ user_id: z.string(), ts: z.coerce.date(), amount: z.number() });
const run = (input: string, store: string) =>
  pipeline('concurrent')
    .from(file(join(dir, input, '*.jsonl')))
    .validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { events: count(), spend: sum('amount') } }))
    .toFeatureStore(featureStore(store), { entity: 'user', group: 'spend' })
    .run({ zones: join(store, '..', 'zones') });

describe('runs writing one feature group at once', () => {
  it('leave every partition with the files of one run, and no row twice (four runs, three rounds)', async () => {
    const store = join(dir, 'store', 'features');
    await run('a', store); // partitions exist: the next runs replace them
    for (let round = 0; round < 3; round++) {
      await Promise.all([run('a', store), run('b', store), run('a', store), run('b', store)]);
      const group = join(store, 'entity=user', 'feature_group=spend');
      const partitions = readdirSync(group).filter((n) => n.startsWith('dt='));
      expect(partitions.length).toBeGreaterThan(40);
      for (const dt of partitions) expect(readdirSync(join(group, dt)).filter((n) => n.endsWith('.parquet')), dt).toHaveLength(1);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const [row] = (await c.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT (entity_id, feature_ts)) AS keys FROM read_parquet('${group}/*/*.parquet')`)).getRowObjectsJS();
      c.closeSync();
      db.closeSync();
      expect(Number(row!.n)).toBe(Number(row!.keys));
    }
  });
});
