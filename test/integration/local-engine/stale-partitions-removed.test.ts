/**
 * A run computes its feature rows from the whole input, so a date between its first and last
 * feature partition that it has no row for has lost its data (deleted from the input, or
 * replaced): the old partition must go, or the store (and every training set read from it)
 * keeps serving features of events that are gone. The Glue job does the same inside the ranges
 * it recomputes. Dates outside that span are kept. The local validated zone (by event date) follows the same rule. The expected dates are worked out by hand
 * from the events below (a 1-day window at a daily cadence: an event on day D gives a row at D+1,
 * and, when day D+1 has none, an empty one at D+2).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, readCatalogEntry, storeFiles, window } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Event = z.object({ user: z.string(), ts: z.coerce.date() });
const events = join(dir, 'events');
const root = join(dir, 'store');
const group = join(root, 'entity=user', 'feature_group=clicks');

function land(days: readonly string[]): void {
  rmSync(events, { recursive: true, force: true });
  mkdirSync(events, { recursive: true });
  for (const day of days) writeFileSync(join(events, `${day}.jsonl`), `{"user":"u1","ts":"${day}T10:00:00Z"}\n{"user":"u2","ts":"${day}T11:00:00Z"}\n`);
}

const run = () =>
  pipeline('clicks')
    .from(file(join(events, '*.jsonl')))
    .validate(Event)
    .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d'], features: { clicks: count() } }))
    .toFeatureStore(featureStore(root), { entity: 'user', group: 'clicks' })
    .run({ zones: join(dir, 'zones') });

const stored = (): string[] => readdirSync(group).filter((d) => d.startsWith('dt=')).sort();

it('removes the partitions inside the run\'s span that it has no rows for, and keeps those outside it', async () => {
  land(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-03-01']);
  const first = await run();
  expect(first.outputs.partitionsRemoved).toEqual([]);
  // January: rows 01-02 … 01-05, then 01-06 where the window is empty again; March: 03-02, 03-03.
  expect(stored()).toEqual(['dt=2024-01-02', 'dt=2024-01-03', 'dt=2024-01-04', 'dt=2024-01-05', 'dt=2024-01-06', 'dt=2024-03-02', 'dt=2024-03-03']);

  // 2024-01-02's and 01-03's events are deleted: 01-01 now gives 01-02 and the empty 01-03 (a
  // changed row), 01-04 gives 01-05 and 01-06; no row is at 01-04 any more, inside the span.
  land(['2024-01-01', '2024-01-04', '2024-03-01']);
  const second = await run();
  expect(second.outputs.partitionsRemoved).toEqual(['2024-01-04']);
  expect(second.outputs.partitionsWritten).toEqual(['2024-01-03']);
  expect(second.outputs.partitionsUnchanged).toEqual(['2024-01-02', '2024-01-05', '2024-01-06', '2024-03-02', '2024-03-03']);
  expect(stored()).toEqual(['dt=2024-01-02', 'dt=2024-01-03', 'dt=2024-01-05', 'dt=2024-01-06', 'dt=2024-03-02', 'dt=2024-03-03']);
  expect(existsSync(join(group, 'dt=2024-01-04'))).toBe(false);
  expect((await readCatalogEntry(storeFiles(root), root, 'user', 'clicks'))?.partitions).toEqual(['2024-01-02', '2024-01-03', '2024-01-05', '2024-01-06', '2024-03-02', '2024-03-03']);
  expect(String(second)).toContain('1 removed (no rows any more)');
  // The validated zone, by event date, likewise: 01-02 and 01-03 have no valid row any more.
  expect(readdirSync(join(dir, 'zones', 'validated')).sort()).toEqual(['dt=2024-01-01', 'dt=2024-01-04', 'dt=2024-03-01']);

  // March's events are deleted too: 03-02 and 03-03 are now after the span the run computed, and stay.
  land(['2024-01-01', '2024-01-04']);
  const third = await run();
  expect(third.outputs.partitionsRemoved).toEqual([]);
  expect(stored()).toEqual(['dt=2024-01-02', 'dt=2024-01-03', 'dt=2024-01-05', 'dt=2024-01-06', 'dt=2024-03-02', 'dt=2024-03-03']);
  expect(readdirSync(join(dir, 'zones', 'validated')).sort()).toEqual(['dt=2024-01-01', 'dt=2024-01-04', 'dt=2024-03-01']);
});
