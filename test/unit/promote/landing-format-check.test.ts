/**
 * A Parquet source cannot be promoted: the event stage reads JSON and CSV landing objects, and
 * would quarantine every Parquet one after deployment. promote() refuses it first; a JSON or CSV
 * source, or a glob that names no extension, passes.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, s3, window, type Source } from '../../../sdk/src/index.js';
import { assertPromotable } from '../../../sdk/src/promote/promote.js';
import { PlanError } from '../../../sdk/src/errors.js';

const Event = z.object({ user_id: z.string(), ts: z.coerce.date() });

function definitionFrom(source: Source) {
  return pipeline('landing')
    .from(source)
    .validate(Event)
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }))
    .toFeatureStore(featureStore('s3://features/'), { entity: 'user', group: 'g' }).definition;
}

describe('promote refuses a Parquet landing source', () => {
  it.each([
    ['declared', s3('s3://landing/events/', { format: 'parquet' }), 'steps[0].source.format', "format: 'parquet'"],
    ['by the glob', s3('s3://landing/events/*.parquet'), 'steps[0].source.uri', 's3://landing/events/*.parquet'],
    ['by the glob, gzipped', file('data/*.PARQUET.gz'), 'steps[0].source.uri', 'data/*.PARQUET.gz'],
  ])('%s', (_, source, path, named) => {
    let error: unknown;
    try {
      assertPromotable(definitionFrom(source));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code: 'SOURCE_NOT_PROMOTABLE', path });
    expect((error as Error).message).toContain(named);
    expect((error as Error).message).toContain('the event stage in AWS reads JSON and CSV landing objects only');
    expect((error as Error).message).toContain('Land the records as JSON Lines or CSV');
  });

  it.each([
    ['JSON Lines', s3('s3://landing/events/*.jsonl')],
    ['CSV, declared', s3('s3://landing/events/', { format: 'csv' })],
    ['a glob that names no extension', s3('s3://landing/events/')],
  ])('passes %s', (_, source) => {
    expect(() => assertPromotable(definitionFrom(source))).not.toThrow();
  });
});
