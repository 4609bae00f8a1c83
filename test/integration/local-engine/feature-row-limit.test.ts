/**
 * A window at a fine cadence can ask a local run for hundreds of millions of rows. The run
 * counts them before computing them and stops past `maxFeatureRows`, naming the count and
 * what to change. Counts here are worked out by hand: one event emits a row at each of the
 * next 1,440 one-minute boundaries of a one-day window.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, pipeline, window } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-row-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three users, one event each, far apart: 3 × 1,440 rows. User c has a second event 10
// minutes after its first, which adds only 10 boundaries: 4,330 rows in all.
const events = [
  { user: 'a', ts: '2024-03-01T00:00:30Z' },
  { user: 'b', ts: '2024-03-05T12:00:00Z' },
  { user: 'c', ts: '2024-03-09T08:00:00Z' },
  { user: 'c', ts: '2024-03-09T08:10:00Z' },
];
const path = join(dir, 'events.jsonl');
writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n'));

const minutely = pipeline('minutely')
  .from(file(path))
  .validate(z.object({ user: z.string(), ts: z.coerce.date() }))
  .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1m', windows: ['1d'], features: { n: count() } }));

describe('run({ maxFeatureRows })', () => {
  it('stops before computing more rows than the limit, with the count and coarser choices', async () => {
    const run = minutely.run({ zones: join(dir, 'zones-1'), maxFeatureRows: 4_329 });
    await expect(run).rejects.toMatchObject({ code: 'FEATURE_ROWS_LIMIT' });
    await expect(run).rejects.toThrow(/would emit 4,330 feature rows .*every '1m' boundary up to 1d .*1,440 boundaries.*limit of 4,329.*every: '5m'.*sample.*maxFeatureRows: 1000000/);
  });

  it('runs when the rows fit, and emits exactly the rows it counted', async () => {
    const result = await minutely.run({ zones: join(dir, 'zones-2'), maxFeatureRows: 4_330 });
    expect(result.featureRows).toBe(4_330);
  });

  it('refuses a limit that is not a whole number of at least 1', async () => {
    await expect(minutely.run({ zones: join(dir, 'zones-3'), maxFeatureRows: 0 })).rejects.toMatchObject({ code: 'INVALID_RUN_OPTION', path: 'run.maxFeatureRows' });
  });
});
