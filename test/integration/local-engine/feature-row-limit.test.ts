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
import { DuckDBInstance } from '@duckdb/node-api';
import { count, file, pipeline, window } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-row-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three users, one event each, far apart: 3 × 1,440 rows, and 3 where the window is empty
// again. User c has a second event 10 minutes after its first, which adds only 10 boundaries:
// 4,333 rows in all.
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
    const run = minutely.run({ zones: join(dir, 'zones-1'), maxFeatureRows: 4_332 });
    await expect(run).rejects.toMatchObject({ code: 'FEATURE_ROWS_LIMIT' });
    await expect(run).rejects.toThrow(/would emit 4,333 feature rows .*every '1m' boundary up to 1d .*1,440 boundaries.*limit of 4,332.*every: '5m'.*sample.*maxFeatureRows: 1000000/);
  });

  it('runs when the rows fit, and emits exactly the rows it counted', async () => {
    const result = await minutely.run({ zones: join(dir, 'zones-2'), maxFeatureRows: 4_333 });
    expect(result.featureRows).toBe(4_333);
  });

  it('refuses a limit that is not a whole number of at least 1', async () => {
    await expect(minutely.run({ zones: join(dir, 'zones-3'), maxFeatureRows: 0 })).rejects.toMatchObject({ code: 'INVALID_RUN_OPTION', path: 'run.maxFeatureRows' });
  });

  it('without a profile, bounds the rows from its validation scan of Parquet instead of counting them in another pass', async () => {
    // 2,000 events of one user within a day: rows × steps says up to 2.88 million rows, the entity
    // and the extremes say at most 1 × (1,333 + 1,440). Only the latter keeps the count from running.
    const parquet = join(dir, 'busy-day.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT 'u' AS "user", TIMESTAMP '2024-03-01 00:00:00' + to_seconds(i * 40) AS ts FROM range(2000) t(i)) TO '${parquet}' (FORMAT PARQUET)`);
    connection.closeSync();
    instance.closeSync();
    const busy = pipeline('busy')
      .from(file(parquet))
      .validate(z.object({ user: z.string(), ts: z.date() }))
      .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1m', windows: ['1d'], features: { n: count() } }));
    const statements = await tracedStatements(() => busy.run({ zones: join(dir, 'zones-4'), profile: false, maxFeatureRows: 100_000 }));
    expect(statements.some((s) => s.includes('"__wb_entities"'))).toBe(true);
    expect(statements.filter((s) => s.includes('"__steps"'))).toEqual([]);
    // Past the limit the rows are still counted exactly before the run stops: events in every
    // minute from 0 to 1,332 (the last at 79,960 s) emit at boundaries 1 … 1,332 + 1,440 + 1.
    await expect(busy.run({ zones: join(dir, 'zones-5'), profile: false, maxFeatureRows: 2_000 })).rejects.toThrow(/would emit 2,773 feature rows/);
  });
});

/** The statements a run sent to DuckDB (SLUICE_TRACE_SQL's lines on stderr). */
async function tracedStatements(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.env.SLUICE_TRACE_SQL = '1';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stderr.write = write;
    delete process.env.SLUICE_TRACE_SQL;
  }
  return lines.filter((l) => l.startsWith('[sql '));
}
