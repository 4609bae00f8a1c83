/**
 * An instant with sub-millisecond digits before 1970 — 1969-12-31T23:59:59.9995, half a
 * millisecond before a day boundary — belongs to the day it is in. A JS Date holds
 * milliseconds only, so the digits are dropped the way JS drops them from text (floored:
 * '…59.9995Z' reads as …59.999). Truncating toward zero instead moved such an instant into
 * the next millisecond, across the boundary, and its row was counted a day late. A Parquet
 * source (microsecond TIMESTAMP) and a JSON source (the same instants as text) give the same
 * features, and both equal the counts worked out here by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { count, file, pipeline, window } from '../../../sdk/src/index.js';

const INSTANTS = ['1969-12-30T23:59:59.9995Z', '1969-12-31T12:00:00.000Z', '1969-12-31T23:59:59.9995Z'];

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-pre-1970-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const values = INSTANTS.map((t) => `('u', TIMESTAMP '${t.replace('T', ' ').replace('Z', '')}')`).join(', ');
  await c.run(`COPY (SELECT * FROM (VALUES ${values}) t(id, ts)) TO '${join(dir, 'events.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
  writeFileSync(join(dir, 'events.jsonl'), INSTANTS.map((ts) => JSON.stringify({ id: 'u', ts })).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const features = async (source: string, ts: z.ZodType) => {
  const result = await pipeline('pre-1970')
    .from(file(join(dir, source)))
    .validate(z.object({ id: z.string(), ts }))
    .aggregate(window({ entity: 'id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }))
    .run({ dryRun: true });
  expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
  return result.preview.toArray().map((r) => [new Date(Number(r.feature_ts)).toISOString(), Number(r.n_1d)]);
};

describe('pre-1970 instants with sub-millisecond digits', () => {
  // By hand: day 1969-12-30 holds the first instant, day 1969-12-31 the other two. A 1-day window
  // ending at a midnight counts the day before it; the next midnight, where it is empty, has 0.
  const expected = [['1969-12-31T00:00:00.000Z', 1], ['1970-01-01T00:00:00.000Z', 2], ['1970-01-02T00:00:00.000Z', 0]];

  it('JS itself floors the digits it cannot hold', () => {
    expect(new Date(INSTANTS[2]!).toISOString()).toBe('1969-12-31T23:59:59.999Z');
  });

  it('from Parquet (microseconds): each row counted in its own day', async () => {
    expect(await features('events.parquet', z.date())).toEqual(expected);
  });

  it('from JSON text: the same features', async () => {
    expect(await features('events.jsonl', z.coerce.date())).toEqual(expected);
  });
});
