/**
 * A stream of several kinds of event, validated with a z.discriminatedUnion, end to end through
 * the real readers, the validated zone, the aggregation and the feature store: the fast path
 * gives what zod over every whole row gives (zod-only.ts) from JSON Lines, CSV and Parquet, and
 * the features are those computed here in plain JavaScript from the rows as written — a view's
 * stray `amount` key is no amount (zod drops keys its kind does not name).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, sum, window } from '../../../sdk/src/index.js';
import { query } from '../../helpers/duckdb-query.js';
import { zodOnly } from '../../helpers/zod-only.js';

const View = z.object({ kind: z.literal('view'), user_id: z.string().min(1), ts: z.coerce.date(), page: z.string().optional() });
const Purchase = z.object({ kind: z.literal('buy'), user_id: z.string().min(1), ts: z.coerce.date(), amount: z.coerce.number().positive() });
const Click = z.object({ kind: z.enum(['click', 'tap']), user_id: z.string().min(1), ts: z.coerce.date(), target: z.string().min(1) });
const Event = z.discriminatedUnion('kind', [View, Purchase, Click]);

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
type Written = { kind: string; user_id: string; ts: string; page?: string; amount?: number | string; target?: string };
let rows: Written[];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-kinds-'));
  rows = Array.from({ length: 2400 }, (_, i) => {
    const kind = i % 89 === 0 ? 'share' : (['view', 'view', 'buy', 'click', 'tap'] as const)[i % 5]!;
    const base = { kind, user_id: i % 101 === 0 ? '' : `u${i % 30}`, ts: new Date(START + i * 1_234_567).toISOString() };
    if (kind === 'view') return { ...base, page: `p${i % 4}`, ...(i % 7 === 0 ? { amount: 5 } : {}) };
    if (kind === 'buy') return { ...base, amount: i % 43 === 0 ? -1 : (i % 13) + 0.5 };
    return { ...base, target: i % 67 === 0 ? '' : 'btn' };
  });
  writeFileSync(join(dir, 'events.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const cell = (v: unknown) => (v === undefined ? '' : String(v));
  writeFileSync(join(dir, 'events.csv'), `kind,user_id,ts,page,amount,target\n${rows.map((r) => [r.kind, r.user_id, r.ts, r.page, r.amount, r.target].map(cell).join(',')).join('\n')}\n`);
  await query(`COPY (SELECT * FROM read_json('${join(dir, 'events.jsonl')}', columns = {kind: 'VARCHAR', user_id: 'VARCHAR', ts: 'TIMESTAMP', page: 'VARCHAR', amount: 'DOUBLE', target: 'VARCHAR'})) TO '${join(dir, 'events.parquet')}' (FORMAT PARQUET)`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(source: string, schema: z.ZodType, name: string) {
  const root = join(dir, `store-${name}`);
  const zones = join(dir, `zones-${name}`);
  const result = await pipeline(`kinds-${name}`)
    .from(file(join(dir, source)))
    .validate(schema as typeof Event, { maxInvalidRatio: 1 })
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { events: count(), spend: sum('amount'), buys: count().where("kind = 'buy'") } }))
    .toFeatureStore(featureStore(root), { entity: 'user', group: 'g' })
    .run({ zones });
  const features = await query(`SELECT entity_id, epoch_ms(feature_ts) AS at, events_1d, spend_1d, buys_1d FROM read_parquet('${root}/**/*.parquet') ORDER BY entity_id, feature_ts`);
  const validated = await query(`SELECT kind, user_id, epoch_ms(ts) AS ts, page, amount, target FROM read_parquet('${zones}/validated/**/*.parquet') ORDER BY _row_id`);
  return { result, features, validated };
}

/** The 1-day features of the rows each kind accepts, from the rows as written (an oracle apart from sluice). */
function expectedFeatures(): { entity_id: string; at: number; events_1d: number; spend_1d: number; buys_1d: number }[] {
  const valid = rows.filter((r) => r.user_id !== '' && (r.kind === 'view' || (r.kind === 'buy' && Number(r.amount) > 0) || ((r.kind === 'click' || r.kind === 'tap') && r.target !== '')));
  const byKey = new Map<string, { events: number; spend: number; buys: number }>();
  for (const r of valid) {
    const at = (Math.floor(Date.parse(r.ts) / DAY) + 1) * DAY;
    const key = `${r.user_id}|${at}`;
    const entry = byKey.get(key) ?? { events: 0, spend: 0, buys: 0 };
    entry.events++;
    if (r.kind === 'buy') { entry.spend += Number(r.amount); entry.buys++; }
    byKey.set(key, entry);
  }
  // A window that held events is followed by the row where it is empty again (counts decay to 0).
  for (const key of [...byKey.keys()]) {
    const [user, at] = key.split('|');
    const next = `${user}|${Number(at) + DAY}`;
    if (!byKey.has(next)) byKey.set(next, { events: 0, spend: 0, buys: 0 });
  }
  return [...byKey.entries()]
    .map(([key, e]) => ({ entity_id: key.split('|')[0]!, at: Number(key.split('|')[1]), events_1d: e.events, spend_1d: e.spend, buys_1d: e.buys }))
    .sort((a, b) => (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.at - b.at));
}

describe('a discriminated union of event kinds, end to end', () => {
  for (const source of ['events.jsonl', 'events.csv', 'events.parquet']) {
    it(`${source}: the features of each kind's valid rows, and what zod over whole rows gives`, async () => {
      const tag = source.replace('.', '-');
      const fast = await run(source, Event, `${tag}-fast`);
      const whole = await run(source, zodOnly(Event), `${tag}-whole`);
      expect(whole.result.quality.fastPath.sqlRows).toBe(0);
      // SQL decides the rows of every kind; zod sees the bad ones.
      expect(fast.result.quality.fastPath.zodRows).toBeLessThan(rows.length / 10);
      expect(fast.result.counts).toEqual(whole.result.counts);
      expect(fast.result.quality.rules).toEqual(whole.result.quality.rules);
      expect(fast.validated).toEqual(whole.validated);
      expect(fast.features).toEqual(whole.features);
      const expected = expectedFeatures();
      expect(fast.features.map((f) => ({ ...f, at: Number(f.at), events_1d: Number(f.events_1d), buys_1d: Number(f.buys_1d), spend_1d: Number(f.spend_1d) }))).toEqual(
        expected.map((e) => ({ ...e, spend_1d: expect.closeTo(e.spend_1d, 9) })),
      );
      const valid = expected.reduce((n, e) => n + e.events_1d, 0);
      expect(fast.result.counts).toEqual({ in: rows.length, valid, quarantined: rows.length - valid });
      // The kinds no kind names and the rules of each kind, as zod words them.
      expect(fast.result.quality.rules.filter((r) => !r.passed).map((r) => r.rule).sort()).toEqual(['amount: too_small', 'kind: invalid_union', 'target: too_small', 'user_id: too_small']);
    }, 60_000);
  }
});
