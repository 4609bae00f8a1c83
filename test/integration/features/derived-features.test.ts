/**
 * Features derived from a window's features — the click-through rate, spend per purchase, the
 * hours since the last event (recency, from `feature_ts` and a max('ts') feature), a trend across
 * two windows (`views_1d * 3 / views_3d`, one column) — end
 * to end on the local engine: the store's values against an oracle written here in plain
 * JavaScript (loop over users and day boundaries, count the events of each window, divide), the
 * Glue table's columns, and a training set that asks for a derived feature by name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, max, pipeline, sum, trainingSet, window } from '../../../sdk/src/index.js';
import { featureTableColumns } from '../../../sdk/src/features/glue-catalog-names.js';
import { query } from '../../helpers/duckdb-query.js';

const Event = z.object({ user_id: z.string(), kind: z.enum(['view', 'click', 'buy']), amount: z.number().nullable(), ts: z.coerce.date() });
const DAY = 86_400_000;
const START = Date.UTC(2024, 4, 1);
const WINDOWS = { '1d': 1, '3d': 3 } as const;

let dir: string;
let events: { user_id: string; kind: 'view' | 'click' | 'buy'; amount: number | null; ts: string }[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-derived-'));
  // Users active on some days only, so that windows empty out (0 views: a NULL rate) and fill again.
  events = Array.from({ length: 900 }, (_, i) => {
    const kind = (['view', 'view', 'view', 'click', 'buy'] as const)[(i * 7) % 5]!;
    const day = (i * 13) % 11 < 8 ? (i * 5) % 9 : 12 + (i % 3);
    return { user_id: `u${i % 6}`, kind, amount: kind === 'buy' ? ((i * 37) % 500) / 10 + 1 : null, ts: new Date(START + day * DAY + ((i * 7_919) % DAY)).toISOString() };
  });
  writeFileSync(join(dir, 'events.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definition = () =>
  pipeline('derived')
    .from(file(join(dir, 'events.jsonl')))
    .validate(Event)
    .aggregate(
      window({
        entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '3d'],
        features: { views: count().where("kind = 'view'"), clicks: count().where("kind = 'click'"), buys: count().where("kind = 'buy'"), spend: sum('amount'), last_seen: max('ts') },
        derive: { ctr: 'clicks / views', spend_per_buy: 'spend / buys', engaged: 'clicks + buys > views', hours_idle: '(epoch_ms(feature_ts) - epoch_ms(last_seen)) / 3600000', view_trend: 'views_1d * 3 / views_3d' },
      }),
    )
    .toFeatureStore(featureStore(join(dir, 'store')), { entity: 'user', group: 'funnel' });

type Expected = Record<string, string | number | boolean | null>;

/** The feature rows, from the events as written: every boundary from a user's first event until all windows are empty again. */
function expectedRows(): Expected[] {
  const byUser = new Map<string, typeof events>();
  for (const e of events) byUser.set(e.user_id, [...(byUser.get(e.user_id) ?? []), e]);
  const rows: Expected[] = [];
  for (const [user, list] of [...byUser.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const days = list.map((e) => Math.floor(Date.parse(e.ts) / DAY));
    const boundaries = new Set<number>();
    for (const d of days) for (let k = 1; k <= 3 + 1; k++) boundaries.add(d + k);
    for (const b of [...boundaries].sort((x, y) => x - y)) {
      const row: Expected = { entity_id: user, at: b * DAY };
      let anyEvents = false;
      for (const [w, n] of Object.entries(WINDOWS)) {
        const inside = list.filter((e) => { const t = Date.parse(e.ts); return t >= (b - n) * DAY && t < b * DAY; });
        const views = inside.filter((e) => e.kind === 'view').length;
        const clicks = inside.filter((e) => e.kind === 'click').length;
        const buys = inside.filter((e) => e.kind === 'buy').length;
        const spend = inside.reduce((s, e) => s + (e.amount ?? 0), 0);
        anyEvents ||= inside.length > 0;
        Object.assign(row, {
          [`views_${w}`]: views, [`clicks_${w}`]: clicks, [`buys_${w}`]: buys, [`spend_${w}`]: Number(spend.toFixed(6)),
          [`ctr_${w}`]: views === 0 ? null : Number((clicks / views).toFixed(9)),
          [`spend_per_buy_${w}`]: buys === 0 ? null : Number((spend / buys).toFixed(6)),
          [`engaged_${w}`]: clicks + buys > views,
          // Recency: hours from the window's last event to the boundary.
          [`hours_idle_${w}`]: inside.length === 0 ? null : Number(((b * DAY - Math.max(...inside.map((e) => Date.parse(e.ts)))) / 3_600_000).toFixed(6)),
        });
      }
      // A trend names its windows: one column, yesterday's views against the 3-day daily average.
      row.view_trend = row.views_3d === 0 ? null : Number(((row.views_1d as number) * 3 / (row.views_3d as number)).toFixed(9));
      // The row where every window is empty again is kept (counts decay to 0); none after it.
      const previousHadEvents = list.some((e) => { const t = Date.parse(e.ts); return t >= (b - 1 - 3) * DAY && t < (b - 1) * DAY; });
      if (anyEvents || previousHadEvents) rows.push(row);
    }
  }
  return rows;
}

describe('window({ derive })', () => {
  it('computes each derived feature from its own window\'s features, NULL where the divisor is 0', async () => {
    const result = await definition().run({ zones: join(dir, 'zones') });
    expect(result.counts).toEqual({ in: 900, valid: 900, quarantined: 0 });
    const columns = ['views', 'clicks', 'buys', 'spend', 'ctr', 'spend_per_buy', 'engaged', 'hours_idle'].flatMap((f) => ['1d', '3d'].map((w) => `${f}_${w}`));
    const stored = await query(`SELECT entity_id, epoch_ms(feature_ts)::DOUBLE AS at, ${columns.join(', ')}, view_trend FROM read_parquet('${join(dir, 'store')}/**/*.parquet') ORDER BY entity_id, feature_ts`);
    const rounded = stored.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k,
      typeof v === 'bigint' ? Number(v) : typeof v === 'number' && (k.startsWith('ctr') || k === 'view_trend') ? Number(v.toFixed(9)) : typeof v === 'number' && k !== 'at' ? Number(v.toFixed(6)) : v])));
    const expected = expectedRows();
    expect(expected.some((r) => r.ctr_1d === null) && expected.some((r) => typeof r.ctr_3d === 'number' && r.ctr_3d > 0)).toBe(true);
    expect(rounded).toEqual(expected);
  });

  it('stores them in the group\'s columns, typed by their expressions, after the aggregated features', () => {
    const names = featureTableColumns(definition().definition.plan).map((c) => `${c.name}:${c.type}`);
    expect(names.slice(-10)).toEqual(['ctr_1d:double', 'ctr_3d:double', 'spend_per_buy_1d:double', 'spend_per_buy_3d:double', 'engaged_1d:boolean', 'engaged_3d:boolean', 'hours_idle_1d:double', 'hours_idle_3d:double', 'view_trend:double', '_plan_hash:string']);
  });

  it('can be asked for by name in a training set', async () => {
    const labels = [{ entity_id: 'u1', ts: new Date(START + 5 * DAY + 3_600_000) }];
    const set = await trainingSet(featureStore(join(dir, 'store')), { labels, entity: 'user', features: ['funnel:ctr_3d', 'funnel:views_3d', 'funnel:clicks_3d'], ttl: '2d' }).fetch();
    const row = set.get(0)!.toJSON();
    const views = Number(row.funnel__views_3d);
    expect(views).toBeGreaterThan(0);
    expect(row.funnel__ctr_3d).toBeCloseTo(Number(row.funnel__clicks_3d) / views, 12);
  });
});
