/**
 * End to end: a real pipeline run writes the feature store (the lead's writer and catalog),
 * then training sets are pulled from it on both local strategies and checked against an
 * oracle computed from the RAW events (DESIGN §4 windows + point-in-time, read literally).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline, file, window, count, sum, featureStore } from '../../../sdk/src/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);
const Event = z.object({ user_id: z.string(), amount: z.number(), ts: z.coerce.date() });

let dir: string;
const events: { user_id: string; amount: number; ts: number }[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ts-e2e-'));
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 400; i++) {
    // users active in bursts, with quiet gaps longer than the windows
    const user = `u${Math.floor(rand() * 6)}`;
    const day = Math.floor(rand() * 20) + (user === 'u5' ? 25 : 0);
    events.push({ user_id: user, amount: Math.round(rand() * 100) / 4, ts: T0 + day * DAY + Math.floor(rand() * DAY) });
  }
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() })).join('\n'));
  await pipeline('e2e')
    .from(file(join(dir, 'events.jsonl')))
    .validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '3d'], features: { n: count(), spend: sum('amount') } }))
    .toFeatureStore(featureStore(join(dir, 'store')), { entity: 'user', group: 'activity' })
    .run();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The windows at boundary t, computed from raw events. */
function windowsAt(user: string, t: number): { n_1d: bigint; n_3d: bigint; spend_1d: number; spend_3d: number } {
  const inWindow = (w: number) => events.filter((e) => e.user_id === user && e.ts >= t - w && e.ts < t);
  const d1 = inWindow(DAY);
  const d3 = inWindow(3 * DAY);
  return { n_1d: BigInt(d1.length), n_3d: BigInt(d3.length), spend_1d: d1.reduce((s, e) => s + e.amount, 0), spend_3d: d3.reduce((s, e) => s + e.amount, 0) };
}

/**
 * The feature row at boundary t: where a window is non-empty, and at the first boundary after
 * such a one, where every window is empty again (zeros); undefined elsewhere.
 */
function rowAt(user: string, t: number): ReturnType<typeof windowsAt> | undefined {
  const row = windowsAt(user, t);
  if (row.n_3d > 0n || windowsAt(user, t - DAY).n_3d > 0n) return row;
  return undefined;
}

function oracle(user: string, ts: number, ttlMs: number) {
  // the latest boundary <= ts with a row, strictly newer than ts - ttl
  for (let t = Math.floor(ts / DAY) * DAY; t > ts - ttlMs; t -= DAY) {
    const row = rowAt(user, t);
    if (row) return row;
  }
  return undefined;
}

describe('pipeline → store → training set', () => {
  for (const strategy of ['asof', 'range'] as const) {
    it(`${strategy}: matches the raw-event oracle`, async () => {
      const spread = Array.from({ length: 120 }, (_, i) => ({
        user_id: `u${i % 7}`, // u6 never appears in the store
        at: new Date(T0 + ((i * 7919) % (50 * DAY)) + (i % 3 === 0 ? 0 : 3_600_000 * (i % 5))),
      }));
      // And the days after each user's last event, where the windows empty: a lookup there must
      // find zeros (the row where they are empty again), not the last busy day.
      const quiet = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'].flatMap((user) => {
        const last = Math.max(...events.filter((e) => e.user_id === user).map((e) => e.ts));
        return [1, 2, 3, 4, 5, 6].map((days) => ({ user_id: user, at: new Date(Math.floor(last / DAY) * DAY + days * DAY + 6 * 3_600_000) }));
      });
      const labels = [...spread, ...quiet].map((label, i) => ({ ...label, i }));
      for (const ttl of ['2d', '5d'] as const) {
        const ttlMs = (ttl === '2d' ? 2 : 5) * DAY;
        const table = await trainingSet(join(dir, 'store'), { labels, entity: 'user', features: ['activity:*'], ttl, entityColumn: 'user_id', timestampColumn: 'at' })
          .fetch({ engine: localEngine({ strategy }) });
        expect(table.numRows).toBe(labels.length);
        const rows = table.toArray().map((r) => r.toJSON());
        labels.forEach((l, i) => {
          const want = oracle(l.user_id, l.at.getTime(), ttlMs);
          const got = rows[i]!;
          expect(got.i).toBe(i);
          if (!want) expect([got.activity__n_1d, got.activity__n_3d, got.activity__spend_1d, got.activity__spend_3d]).toEqual([null, null, null, null]);
          else {
            expect([got.activity__n_1d, got.activity__n_3d]).toEqual([want.n_1d, want.n_3d]);
            expect(got.activity__spend_1d).toBeCloseTo(want.spend_1d, 9);
            expect(got.activity__spend_3d).toBeCloseTo(want.spend_3d, 9);
          }
        });
      }
    });
  }
});
