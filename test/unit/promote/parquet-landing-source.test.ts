/**
 * A Parquet source promotes like any other: the event stage reads Parquet landing objects
 * (runtime/parquet-records.ts), and the bucket notification is filtered to the source's keys.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, s3, window, type Source } from '../../../sdk/src/index.js';
import { assertPromotable } from '../../../sdk/src/promote/promote.js';
import { landingKeyFilter } from '../../../sdk/src/promote/landing-key-filter.js';
import { landingKeyRule } from '../../../sdk/src/sources/landing-keys.js';

const Event = z.object({ user_id: z.string(), ts: z.date() });

function definitionFrom(source: Source) {
  return pipeline('landing')
    .from(source)
    .validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }))
    .toFeatureStore(featureStore('s3://features/'), { entity: 'user', group: 'g' }).definition;
}

describe('a Parquet landing source', () => {
  it.each([
    ['declared', s3('s3://landing/events/', { format: 'parquet' }), { prefix: 'events/' }],
    ['by the glob', s3('s3://landing/events/*.parquet'), { prefix: 'events/', suffix: '.parquet' }],
    ['by the glob, gzipped', file('data/*.parquet.gz'), { suffix: '.parquet.gz' }],
  ])('is promotable, %s, with the notification filtered to its keys', (_, source, filter) => {
    expect(() => assertPromotable(definitionFrom(source))).not.toThrow();
    expect(landingKeyFilter(landingKeyRule(source.node))).toMatchObject(filter);
  });
});
