/**
 * The local engine end to end on a small seeded clickstream: conservation of rows, the store
 * layout and lineage, idempotent re-runs (byte-identical store) and partition-precise updates.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { query } from '../../helpers/duckdb-query.js';
import { pipeline, file, window, count, sum, mean, featureStore, GateError } from '../../../sdk/src/index.js';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';
import { fileTree } from '../../helpers/file-tree.js';

const Event = z.object({
  event_id: z.string().uuid(),
  user_id: z.string().min(1),
  event_type: z.enum(['view', 'click', 'purchase']),
  amount: z.number().nonnegative().nullable(),
  ts: z.coerce.date(),
});

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-engine-'));
  await generateDemoEvents({ dir: join(dir, 'events'), users: 40, days: 12, eventsPerDay: 250, seed: 7 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function engagement(root: string, eventsGlob = join(dir, 'events/*.jsonl*'), gates = { maxInvalidRatio: 0.05 }) {
  return pipeline('user-engagement')
    .from(file(eventsGlob))
    .validate(Event, { ...gates, unique: ['event_id'] })
    .aggregate(
      window({
        entity: 'user_id',
        timestamp: 'ts',
        every: '1d',
        windows: ['1d', '7d'],
        features: { clicks: count().where("event_type = 'click'"), spend: sum('amount'), avg_spend: mean('amount') },
      }),
    )
    .toFeatureStore(featureStore(root), { entity: 'user', group: 'engagement' });
}

/** Every line of every events file, decoded independently of sluice. */
function countLines(folder: string): number {
  let n = 0;
  for (const name of readdirSync(folder)) {
    const bytes = readFileSync(join(folder, name));
    const text = name.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    n += text.split('\n').filter((l: string) => l.trim() !== '').length;
  }
  return n;
}

describe('local engine', () => {
  it('conserves rows: in = valid + quarantined, overall and per object, and in = lines in the files', async () => {
    const root = join(dir, 'store-a');
    const result = await engagement(root).run();
    expect(result.counts.in).toBe(countLines(join(dir, 'events')));
    expect(result.counts.valid + result.counts.quarantined).toBe(result.counts.in);
    expect(result.counts.quarantined).toBeGreaterThan(0);
    let sum = 0;
    for (const [, c] of Object.entries(result.perObject)) {
      expect(c.valid + c.quarantined).toBe(c.in);
      sum += c.in;
    }
    expect(sum).toBe(result.counts.in);
    // The quarantine zone holds exactly the quarantined rows, each with a reason.
    const quarantine = readFileSync(result.outputs.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(quarantine).toHaveLength(result.counts.quarantined);
    for (const row of quarantine) expect(row.issues.length).toBeGreaterThan(0);
  });

  it('writes the DESIGN layout with lineage, the plan hash column and a catalog entry', async () => {
    const root = join(dir, 'store-b');
    const built = engagement(root);
    const result = await built.run();
    const base = join(root, 'entity=user/feature_group=engagement');
    const dts = readdirSync(base).sort();
    expect(dts.length).toBeGreaterThan(10);
    for (const dt of dts) {
      expect(dt).toMatch(/^dt=\d{4}-\d{2}-\d{2}$/);
      const files = readdirSync(join(base, dt));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^part-[0-9a-f]{16}\.parquet$/);
    }
    const rows = await query(`SELECT count(*) AS n, count(DISTINCT _plan_hash) AS hashes, min(_plan_hash) AS h FROM read_parquet('${base}/*/*.parquet')`);
    expect(Number(rows[0]!.n)).toBe(result.featureRows);
    expect(rows[0]!.h).toBe(built.hash);
    // Each file's dt folder is the UTC date of its rows' feature_ts.
    const misplaced = await query(`SELECT count(*) AS n FROM read_parquet('${base}/*/*.parquet', hive_partitioning = true) WHERE strftime(feature_ts, '%Y-%m-%d') <> CAST(dt AS VARCHAR)`);
    expect(Number(misplaced[0]!.n)).toBe(0);
    const meta = await query(`SELECT DISTINCT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${base}/*/*.parquet')`);
    const keys = Object.fromEntries(meta.map((m) => [m.k, m.v]));
    expect(keys['sluice.pipeline']).toBe('user-engagement');
    expect(keys['sluice.plan_hash']).toBe(built.hash);
    expect(keys['sluice.run_id']).toBe(result.runId);
    const catalog = JSON.parse(readFileSync(join(root, '_catalog/entity=user/feature_group=engagement.json'), 'utf8'));
    expect(catalog.features).toEqual(['clicks_1d', 'clicks_7d', 'spend_1d', 'spend_7d', 'avg_spend_1d', 'avg_spend_7d']);
    expect(catalog.partitions).toEqual(dts.map((d) => d.slice(3)));
    expect(result.preview.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'feature_ts', 'clicks_1d', 'clicks_7d', 'spend_1d', 'spend_7d', 'avg_spend_1d', 'avg_spend_7d']);
    expect(String(result)).toContain('quarantined');
  });

  it('re-running over the same inputs leaves the store byte-identical', async () => {
    const root = join(dir, 'store-c');
    await engagement(root).run();
    const first = fileTree(root);
    const catalog = join(root, '_catalog', 'entity=user', 'feature_group=engagement.json');
    const catalogWritten = statSync(catalog).mtimeMs;
    const again = await engagement(root).run();
    expect(fileTree(root)).toEqual(first);
    expect(again.outputs.partitionsWritten).toEqual([]);
    // Not even rewritten with the same bytes: its modification time is the first run's.
    expect(statSync(catalog).mtimeMs).toBe(catalogWritten);
  });

  it('a staging folder left behind by a crashed write is not taken for a partition', async () => {
    const root = join(dir, 'store-s');
    const first = await engagement(root).run();
    const group = join(root, 'entity=user', 'feature_group=engagement');
    const dt = first.outputs.partitionsWritten[0]!;
    const stale = join(group, '.sluice-staging-crashed', `__dt=${dt}`);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'data_0.parquet'), 'half-written');
    const before = fileTree(root);
    const again = await engagement(root).run();
    expect(again.outputs.partitionsWritten).toEqual([]);
    expect(fileTree(root)).toEqual(before);
  });

  it('adding one day of events rewrites exactly the partitions that day affects', async () => {
    const root = join(dir, 'store-d');
    const events = join(dir, 'events-growing');
    await generateDemoEvents({ dir: events, users: 40, days: 12, eventsPerDay: 250, seed: 7 });
    await engagement(root, join(events, '*.jsonl*')).run();
    const before = fileTree(root);
    // One more day, 2024-01-20, well after the last day (2024-01-12): its events feed the
    // boundaries 2024-01-21 … 2024-01-27 (7d windows), then 2024-01-28, where the windows are
    // empty again, and nothing else.
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, user_id: 'u00001', event_type: 'click', amount: null, ts: `2024-01-20T0${i % 10}:00:00Z` }),
    );
    writeFileSync(join(events, 'events-2024-01-20.jsonl'), `${lines.join('\n')}\n`);
    const result = await engagement(root, join(events, '*.jsonl*')).run();
    const expected = ['2024-01-21', '2024-01-22', '2024-01-23', '2024-01-24', '2024-01-25', '2024-01-26', '2024-01-27', '2024-01-28'];
    expect([...result.outputs.partitionsWritten].sort()).toEqual(expected);
    const after = fileTree(root);
    for (const [path, hash] of Object.entries(before)) {
      if (path.startsWith('_catalog')) continue;
      expect(after[path], path).toBe(hash);
    }
  });

  it('fails the run on a gate, writes nothing to the store, and reports why', async () => {
    const root = join(dir, 'store-e');
    const strict = engagement(root, join(dir, 'events/*.jsonl*'), { maxInvalidRatio: 0.0001 });
    const error = await strict.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).message).toContain('maxInvalidRatio');
    expect(() => statSync(join(root, 'entity=user'))).toThrow();
  });

  it('profile: false leaves out the column profile and changes nothing else (text and Parquet input)', async () => {
    // Parquet input: typed rows, some of which the schema rejects (a negative amount, a bad id).
    await query(`COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () % 97 = 0 THEN -1.0 ELSE amount END AS amount)
      FROM read_json_auto('${join(dir, 'events/*.jsonl')}', ignore_errors = true) WHERE try_cast(ts AS TIMESTAMP) IS NOT NULL)
      TO '${join(dir, 'events.parquet')}' (FORMAT PARQUET)`);
    for (const source of [join(dir, 'events/*.jsonl*'), join(dir, 'events.parquet')]) {
      const profiled = await engagement(join(dir, 'store-p1'), source, { maxInvalidRatio: 0.5 }).run({ dryRun: true });
      const bare = await engagement(join(dir, 'store-p2'), source, { maxInvalidRatio: 0.5 }).run({ dryRun: true, profile: false });
      expect(profiled.quality.columns.length).toBeGreaterThan(0);
      expect(bare.quality.columns).toEqual([]);
      expect(bare.counts).toEqual(profiled.counts);
      expect(bare.counts.quarantined).toBeGreaterThan(0);
      expect(bare.perObject).toEqual(profiled.perObject);
      expect(bare.featureRows).toBe(profiled.featureRows);
      const rows = (r: typeof bare) => r.preview.toArray().map((row) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
      expect(rows(bare)).toEqual(rows(profiled));
    }
  });

  it('concurrent runs in one process do not see each other (each has its own database)', async () => {
    const alone = await engagement(join(dir, 'store-c0')).run({ dryRun: true });
    const [a, b] = await Promise.all([
      engagement(join(dir, 'store-c1')).run({ dryRun: true }),
      engagement(join(dir, 'store-c2'), join(dir, 'events/events-2024-01-0*.jsonl*')).run({ dryRun: true }),
    ]);
    expect(a.counts).toEqual(alone.counts);
    expect(a.featureRows).toBe(alone.featureRows);
    expect(a.quality.columns).toEqual(alone.quality.columns);
    expect(b.counts.in).toBeLessThan(a.counts.in);
    expect(Object.keys(b.perObject).every((o) => o.includes('events-2024-01-0'))).toBe(true);
  });

  it('a sample reads only about N rows', async () => {
    const result = await engagement(join(dir, 'store-f')).run({ sample: 500, dryRun: true });
    expect(result.counts.in).toBe(500);
  });

  it('a sample run never replaces complete partitions with partial ones, unless writeSample: true', async () => {
    const root = join(dir, 'store-sample');
    const zones = join(dir, 'zones-sample');
    const full = await engagement(root).run({ zones });
    const before = fileTree(root);
    const validatedBefore = fileTree(join(zones, 'validated'));
    const sampled = await engagement(root).run({ sample: 600, zones });
    expect(sampled.featureRows).toBeGreaterThan(0);
    expect(sampled.outputs.partitionsWritten).toEqual([]);
    expect(sampled.outputs.featureStore).toBeUndefined();
    expect(sampled.outputs.validated).toBeUndefined();
    expect(sampled.notes.join('\n')).toMatch(/A sample run: the feature store and the validated zone were not written .* pass writeSample: true/);
    expect(fileTree(root)).toEqual(before);
    expect(fileTree(join(zones, 'validated'))).toEqual(validatedBefore);
    // Asked for, it writes: the partitions the sample covers are replaced by its partial features.
    const written = await engagement(root).run({ sample: 600, zones, writeSample: true });
    expect(written.outputs.partitionsWritten.length).toBeGreaterThan(0);
    expect(written.outputs.partitionsWritten.length).toBeLessThan(full.outputs.partitionsWritten.length);
    expect(fileTree(root)).not.toEqual(before);
  });
});

