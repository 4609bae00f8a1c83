/**
 * Time-of-day and day-of-week features, the commonest features of event data, written with the
 * timestamp functions of derive() and .where() instead of a .map(): the local engine's
 * features, and the Lambda's derived columns for the same rows, against values computed here
 * in plain JavaScript from the rows as written (UTC calendar fields of each event).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, mean, pipeline, window } from '../../../sdk/src/index.js';
import { createRowTransformer } from '../../../sdk/src/runtime/row-transformer.js';
import { query } from '../../helpers/duckdb-query.js';

const Event = z.object({ user_id: z.string(), ts: z.coerce.date() });
const DAY = 86_400_000;
// Saturday 2024-03-02 00:00 UTC minus a few hours: the events span weekdays and a weekend.
const START = Date.UTC(2024, 2, 1, 20);

let dir: string;
let events: { user_id: string; ts: string }[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-time-features-'));
  events = Array.from({ length: 1500 }, (_, i) => ({ user_id: `u${i % 7}`, ts: new Date(START + i * 1_117_001 + (i % 3) * 999).toISOString() }));
  writeFileSync(join(dir, 'events.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definition = () =>
  pipeline('time-features')
    .from(file(join(dir, 'events.jsonl')))
    .validate(Event)
    .derive({ hour_of_day: 'hour(ts)', weekend: 'day_of_week(ts) >= 6', day_start: "date_trunc('day', ts)", ms_into_day: "epoch_ms(ts) - epoch_ms(date_trunc('day', ts))" })
    .aggregate(
      window({
        entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'],
        features: { events: count(), weekend_events: count().where('weekend'), night_events: count().where('hour(ts) < 6'), mean_hour: mean('hour_of_day') },
      }),
    )
    .toFeatureStore(featureStore(join(dir, 'store')), { entity: 'user', group: 'time' });

/** Per user and day boundary: the previous day's events, counted from their UTC calendar fields. */
function expectedFeatures() {
  const byKey = new Map<string, { events: number; weekend: number; night: number; hours: number }>();
  for (const e of events) {
    const at = new Date(e.ts);
    const key = `${e.user_id}|${(Math.floor(at.getTime() / DAY) + 1) * DAY}`;
    const entry = byKey.get(key) ?? { events: 0, weekend: 0, night: 0, hours: 0 };
    entry.events++;
    if (at.getUTCDay() === 0 || at.getUTCDay() === 6) entry.weekend++;
    if (at.getUTCHours() < 6) entry.night++;
    entry.hours += at.getUTCHours();
    byKey.set(key, entry);
  }
  for (const key of [...byKey.keys()]) {
    const [user, boundary] = key.split('|');
    const next = `${user}|${Number(boundary) + DAY}`;
    if (!byKey.has(next)) byKey.set(next, { events: 0, weekend: 0, night: 0, hours: 0 });
  }
  return [...byKey.entries()]
    .map(([key, e]) => ({
      entity_id: key.split('|')[0]!, at: Number(key.split('|')[1]),
      events_1d: e.events, weekend_events_1d: e.weekend, night_events_1d: e.night, mean_hour_1d: e.events ? e.hours / e.events : null,
    }))
    .sort((a, b) => (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.at - b.at));
}

describe('time features from derive() and .where()', () => {
  it('the local engine computes them as the calendar says', async () => {
    const result = await definition().run({ zones: join(dir, 'zones') });
    expect(result.counts).toEqual({ in: 1500, valid: 1500, quarantined: 0 });
    const features = await query(
      `SELECT entity_id, epoch_ms(feature_ts)::DOUBLE AS at, events_1d::INTEGER AS events_1d, weekend_events_1d::INTEGER AS weekend_events_1d, night_events_1d::INTEGER AS night_events_1d, mean_hour_1d FROM read_parquet('${join(dir, 'store')}/**/*.parquet') ORDER BY entity_id, feature_ts`,
    );
    const expected = expectedFeatures();
    expect(expected.some((f) => f.weekend_events_1d > 0) && expected.some((f) => f.night_events_1d > 0)).toBe(true);
    expect(features.map((f) => ({ ...f, mean_hour_1d: f.mean_hour_1d === null ? null : Number((f.mean_hour_1d as number).toFixed(9)) })))
      .toEqual(expected.map((f) => ({ ...f, mean_hour_1d: f.mean_hour_1d === null ? null : Number(f.mean_hour_1d.toFixed(9)) })));
  });

  it('the Lambda derives the same columns for each row', () => {
    const transformer = createRowTransformer(definition().definition);
    for (const [i, e] of events.entries()) {
      const outcome = transformer.transform({ line: i + 1, raw: JSON.stringify(e), value: e });
      if (!outcome.ok) throw new Error(`row ${i + 1} failed: ${JSON.stringify(outcome)}`);
      const at = new Date(e.ts);
      const dayStart = Math.floor(at.getTime() / DAY) * DAY;
      expect(outcome.row, e.ts).toMatchObject({
        hour_of_day: at.getUTCHours(),
        weekend: at.getUTCDay() === 0 || at.getUTCDay() === 6,
        day_start: new Date(dayStart),
        ms_into_day: at.getTime() - dayStart,
      });
    }
  });
});
