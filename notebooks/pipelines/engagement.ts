/**
 * The engagement pipeline of notebook 01, as a module: the same definition as
 * examples/engagement.ts, reading the notebooks' sample data (paths are relative to
 * notebooks/, the kernel's working directory). Notebook 02 promotes it; promotion bundles
 * this file into the Lambda, because the live zod schema (and any `.map()` function) is
 * code, not data, and only a module can carry it.
 */
import { pipeline, file, window, count, sum, mean, featureStore } from 'sluice';
import { z } from 'zod';

export const Event = z.object({
  event_id: z.string().uuid(),
  user_id: z.string().min(1),
  event_type: z.enum(['view', 'click', 'purchase']),
  amount: z.number().nonnegative().nullable(),
  ts: z.coerce.date(),
});

export const store = featureStore('.sluice/notebook-02/features');

export default pipeline('user-engagement')
  .from(file('data/events/*.jsonl*'))
  .validate(Event, { maxInvalidRatio: 0.02, unique: ['event_id'] })
  .aggregate(
    window({
      entity: 'user_id',
      timestamp: 'ts',
      every: '1d',
      windows: ['1d', '7d', '30d'],
      features: {
        clicks: count().where("event_type = 'click'"),
        purchases: count().where("event_type = 'purchase'"),
        spend: sum('amount'),
        avg_spend: mean('amount'),
      },
    }),
  )
  .toFeatureStore(store, { entity: 'user', group: 'engagement' });
