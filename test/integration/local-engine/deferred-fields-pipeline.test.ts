/**
 * End to end, through the real readers, the validated zone, the aggregation and the feature
 * store: a pipeline whose schema has fields SQL cannot check (a transform, a preprocess, a
 * refine) gives what the same pipeline gives with zod over every whole row (the schema with an
 * object-level overwrite that returns the row, which sends every row to zod: zod-only.ts) — the same feature
 * rows, the same validated rows, the same quarantined rows — from JSON Lines, CSV and Parquet.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, mean, pipeline, sum, window } from '../../../sdk/src/index.js';
import { query } from '../../helpers/duckdb-query.js';
import { zodOnly } from '../../helpers/zod-only.js';

const Event = z.object({
  user_id: z.string().min(1).transform((s) => s.trim().toUpperCase()),
  kind: z.enum(['view', 'buy']).refine((k) => k !== 'view' || true),
  amount: z.preprocess((v) => (v === '' ? null : v), z.coerce.number().nonnegative().nullable()),
  ts: z.coerce.date(),
});

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-deferred-'));
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    user_id: i % 97 === 0 ? '' : `${i % 5 === 0 ? ' ' : ''}u${i % 40}`,
    kind: i % 61 === 0 ? 'click' : i % 3 ? 'view' : 'buy',
    amount: i % 3 ? '' : i % 53 === 0 ? -1 : (i % 17) * 1.25,
    ts: new Date(Date.UTC(2024, 0, 1) + i * 577_000).toISOString(),
  }));
  writeFileSync(join(dir, 'events.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n{"user_id":\n`);
  writeFileSync(join(dir, 'events.csv'), `user_id,kind,amount,ts\n${rows.map((r) => `${r.user_id},${r.kind},${r.amount},${r.ts}`).join('\n')}\n`);
  await query(`COPY (SELECT * FROM read_csv('${join(dir, 'events.csv')}', all_varchar = true)) TO '${join(dir, 'events.parquet')}' (FORMAT PARQUET)`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(source: string, schema: z.ZodType, name: string) {
  const root = join(dir, `store-${name}`);
  const zones = join(dir, `zones-${name}`);
  const result = await pipeline(`deferred-${name}`)
    .from(file(join(dir, source)))
    .validate(schema as typeof Event, { maxInvalidRatio: 1 })
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { events: count(), spend: sum('amount'), avg: mean('amount') } }))
    .toFeatureStore(featureStore(root), { entity: 'user', group: 'g' })
    .run({ zones });
  const features = await query(`SELECT * EXCLUDE (_plan_hash) FROM read_parquet('${root}/**/*.parquet') ORDER BY entity_id, feature_ts`);
  const validated = await query(`SELECT user_id, kind, amount, epoch_ms(ts) AS ts FROM read_parquet('${zones}/validated/**/*.parquet') ORDER BY _row_id`);
  return { result, features, validated };
}

describe('fields zod checks on their own, end to end', () => {
  for (const source of ['events.jsonl', 'events.csv', 'events.parquet']) {
    it(`${source}: the same features, validated rows and quarantine as zod over whole rows`, async () => {
      const tag = source.replace('.', '-');
      const deferred = await run(source, Event, `${tag}-deferred`);
      const whole = await run(source, zodOnly(Event), `${tag}-whole`);
      expect(deferred.result.quality.fastPath.deferred?.fields).toEqual(['user_id', 'kind', 'amount']);
      expect(whole.result.quality.fastPath.sqlRows).toBe(0);
      expect(deferred.result.quality.fastPath.zodRows).toBeLessThan(whole.result.quality.fastPath.zodRows / 10);
      expect(deferred.result.counts).toEqual(whole.result.counts);
      expect(deferred.result.counts.quarantined).toBeGreaterThan(50);
      expect(deferred.result.quality.rules).toEqual(whole.result.quality.rules);
      expect(deferred.validated).toEqual(whole.validated);
      expect(deferred.validated.some((r) => r.user_id === 'U7')).toBe(true); // transformed, not as written
      expect(deferred.features).toEqual(whole.features);
      expect(deferred.features.length).toBeGreaterThan(1000);
    }, 60_000);
  }
});

/** A cross-field rule on the object: SQL decides the fields, zod each row SQL accepted, whole. */
const Refined = Event.refine((r) => !(r.kind === 'buy' && r.amount !== null && r.amount > 15), { message: 'a purchase over 15 needs approval', path: ['amount'] });

describe("the object's own refinement, end to end", () => {
  for (const source of ['events.jsonl', 'events.csv', 'events.parquet']) {
    it(`${source}: the same features, validated rows and quarantine as zod over whole rows`, async () => {
      const tag = source.replace('.', '-');
      const fast = await run(source, Refined, `${tag}-refined`);
      const whole = await run(source, zodOnly(Refined), `${tag}-refined-whole`);
      expect(fast.result.quality.fastPath.deferred).toMatchObject({ fields: ['user_id', 'kind', 'amount'], wholeRows: true });
      // zod read whole only the rows SQL refused or the refinement failed (their issues come from there).
      expect(fast.result.quality.fastPath.zodRows).toBeLessThan(whole.result.quality.fastPath.zodRows / 5);
      expect(fast.result.counts).toEqual(whole.result.counts);
      expect(fast.result.quality.rules).toEqual(whole.result.quality.rules);
      expect(fast.result.quality.rules.some((r) => r.message === 'a purchase over 15 needs approval' && r.failingCount > 10)).toBe(true);
      expect(fast.validated).toEqual(whole.validated);
      expect(fast.features).toEqual(whole.features);
    }, 60_000);
  }
});
