/**
 * Engagement features: clicks, purchases and spend per user over 1, 7 and 30
 * days. `npm run run:sample` runs it locally; the notebook in notebooks/ is where you explore
 * and change it.
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

export const store = featureStore('.sluice/features');

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
