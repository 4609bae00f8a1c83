/**
 * The notebook loop: run a pipeline, add a feature, run again over the same inputs. The second
 * run compared the stored partitions with the new rows by naming the new columns in the old
 * files, and failed with DuckDB's "Binder Error: … does not have a column named avg_1d". Stored
 * files of another definition are simply rewritten.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, mean, pipeline, sum, window, type Aggregation } from '../../../sdk/src/index.js';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';
import { query } from '../../helpers/duckdb-query.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-feature-added-'));
  await generateDemoEvents({ dir: join(dir, 'events'), users: 20, days: 6, eventsPerDay: 100, seed: 5 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Event = z.object({ user_id: z.string(), event_type: z.string(), amount: z.number().nullable(), ts: z.coerce.date() });

const engagement = (root: string, features: Record<string, Aggregation<'amount'>>, glob = 'events/*.jsonl*') => pipeline('eng')
  .from(file(join(dir, glob)))
  .validate(Event, { maxInvalidRatio: 0.05 })
  .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features }))
  .toFeatureStore(featureStore(root), { entity: 'user', group: 'eng' });

describe('a re-run after a feature was added', () => {
  it('rewrites every partition with the new columns instead of failing', async () => {
    const root = join(dir, 'store');
    const first = await engagement(root, { clicks: count(), spend: sum('amount') }).run({ zones: join(dir, 'zones'), writeZones: false });
    const second = await engagement(root, { clicks: count(), spend: sum('amount'), avg: mean('amount') }).run({ zones: join(dir, 'zones'), writeZones: false });
    expect(second.outputs.partitionsWritten).toEqual(first.outputs.partitionsWritten);
    expect(second.outputs.partitionsUnchanged).toEqual([]);
    const [row] = await query(`SELECT count(*) AS files, count(DISTINCT _plan_hash) AS plans, count(avg_7d) AS with_avg FROM read_parquet('${root}/entity=user/feature_group=eng/*/*.parquet')`);
    expect(Number(row!.plans)).toBe(1);
    expect(Number(row!.with_avg)).toBeGreaterThan(0);
  });
});

describe('a changed definition run over part of the dates', () => {
  it('says which partitions still hold the previous definition\'s rows', async () => {
    const root = join(dir, 'store-partly');
    const first = await engagement(root, { clicks: count() }).run({ zones: join(dir, 'zones'), writeZones: false });
    expect(first.notes.filter((n) => n.includes('previous definition'))).toEqual([]);
    // Only the last day's file: its partitions are rewritten, the earlier ones keep the old columns.
    const second = await engagement(root, { clicks: count(), spend: sum('amount') }, 'events/events-2024-01-06.jsonl*').run({ zones: join(dir, 'zones'), writeZones: false });
    const left = first.outputs.partitionsWritten.filter((dt) => !second.outputs.partitionsWritten.includes(dt) && !second.outputs.partitionsRemoved.includes(dt));
    expect(left.length).toBeGreaterThan(0);
    expect(second.notes).toContain(
      `${left.length} partitions of user/eng (${left[0]} … ${left.at(-1)}) still hold rows of its previous definition (plan ${first.planHash}): ` +
        "this run did not cover their dates, so they keep that definition's columns while the catalog now describes this one. Run over all the data to rewrite them.",
    );
    // Run over everything again: nothing is left of the old definition, and nothing is said.
    const all = await engagement(root, { clicks: count(), spend: sum('amount') }).run({ zones: join(dir, 'zones'), writeZones: false });
    expect(all.notes.filter((n) => n.includes('previous definition'))).toEqual([]);
  });
});
