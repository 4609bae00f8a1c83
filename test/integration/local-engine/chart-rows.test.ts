/**
 * The rows a run keeps for its charts in a notebook: every row of the entities it keeps (lines
 * run their whole length), at most 10,000, and how many rows and entities there are in all —
 * checked against the feature store the same run wrote, read back outside sluice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { count, featureStore, file, pipeline, sum, window } from '../../../sdk/src/index.js';
import { runLocal } from '../../../sdk/src/engines/local/run-pipeline.js';
import { CHART_ROWS } from '../../../sdk/src/engines/local/chart-rows.js';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';

const Event = z.object({ user_id: z.string().min(1), event_type: z.string(), amount: z.number().nullable(), ts: z.coerce.date() });

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-chart-rows-'));
  await generateDemoEvents({ dir: join(dir, 'events'), users: 400, days: 40, eventsPerDay: 400, seed: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engagement = (root: string) => pipeline('chart-rows')
  .from(file(join(dir, 'events/*.jsonl*')))
  .validate(Event, { maxInvalidRatio: 0.05 })
  .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { events: count(), spend: sum('amount') } }))
  .toFeatureStore(featureStore(root), { entity: 'user', group: 'engagement' });

describe('rows kept for charts', () => {
  it('are every row of a sample of entities, at most 10,000, with the totals stated', async () => {
    const root = join(dir, 'store');
    const result = await runLocal(engagement(root).definition, { zones: join(dir, 'zones'), writeZones: false }, { keepChartRows: true });
    const chart = result.chartRows!;
    expect(result.featureRows).toBeGreaterThan(CHART_ROWS);
    expect(chart.ofRows).toBe(result.featureRows);
    expect(chart.table.numRows).toBeLessThanOrEqual(CHART_ROWS);
    expect(chart.table.numRows).toBeGreaterThan(CHART_ROWS / 2);

    const kept = new Map<string, number>();
    const ids = chart.table.getChild('entity_id')!;
    for (let i = 0; i < chart.table.numRows; i++) kept.set(String(ids.get(i)), (kept.get(String(ids.get(i))) ?? 0) + 1);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const stored = (await c.runAndReadAll(`SELECT entity_id, count(*) AS n FROM read_parquet('${root}/entity=user/feature_group=engagement/*/*.parquet') GROUP BY entity_id`)).getRowObjectsJS();
      const inStore = new Map(stored.map((r) => [String(r.entity_id), Number(r.n)]));
      expect(chart.entities).toEqual({ kept: kept.size, of: inStore.size });
      expect(kept.size).toBeLessThan(inStore.size);
      for (const [entity, n] of kept) expect(n, entity).toBe(inStore.get(entity));
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('are not kept unless asked for (outside a notebook)', async () => {
    const result = await runLocal(engagement(join(dir, 'store-2')).definition, { zones: join(dir, 'zones'), writeZones: false, sample: 2000 });
    expect(result.chartRows).toBeUndefined();
  });
});
