/**
 * Options objects are checked when they are given, like file()'s and s3()'s: a misspelt key
 * or a number that makes no sense is a PlanError naming it (with the closest known key), not
 * silently ignored and not a DuckDB Binder Error later. In these tests no local engine is
 * registered, so an accepted run() stops with NO_LOCAL_ENGINE — which proves it got past the
 * checks.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline } from '../../../sdk/src/pipeline/pipeline-builder.js';
import { file } from '../../../sdk/src/sources/index.js';
import { PlanError, SluiceError } from '../../../sdk/src/errors.js';
import { planError } from '../../helpers/plan-error.js';
import { featureStore } from '../../../sdk/src/pipeline/feature-store.js';
import { window } from '../../../sdk/src/features/window.js';
import { count } from '../../../sdk/src/features/aggregations.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { athena } from '../../../sdk/src/engines/athena/athena-engine.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), ts: z.coerce.date() });
const sourced = () => pipeline('p').from(file('data/events/*.jsonl'));
const validated = () => sourced().validate(Event);


async function runError(options: object): Promise<SluiceError> {
  const error = await validated().run(options as never).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SluiceError);
  return error as SluiceError;
}

describe('validate() options', () => {
  it('rejects an unknown key, suggesting the one meant', () => {
    const error = planError(() => sourced().validate(Event, { maxInvalidRate: 0.5 } as never));
    expect(error.code).toBe('UNKNOWN_OPTION');
    expect(error.path).toBe('steps[1].validate.maxInvalidRate');
    expect(error.message).toContain('validate(schema, options) has no option "maxInvalidRate". Did you mean "maxInvalidRatio"?');
  });

  it('accepts every documented key', () => {
    expect(() => sourced().validate(Event, { maxInvalidRatio: 0.1, unique: ['user_id'], notNull: ['amount'], references: [{ column: 'user_id', values: ['a'] }], drift: { baseline: 'b.json' } })).not.toThrow();
  });
});

describe('run() options', () => {
  it.each([
    [{ dryrun: true }, 'run.dryrun', 'Did you mean "dryRun"?'],
    [{ samples: 10 }, 'run.samples', 'Did you mean "sample"?'],
  ])('rejects the unknown key in %j', async (options, path, suggestion) => {
    const error = await runError(options);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).path).toBe(path);
    expect(error.message).toContain(suggestion);
  });

  it.each([0, -5, 2.5, Number.NaN, '100'])('rejects sample: %j', async (sample) => {
    const error = await runError({ sample });
    expect(error.code).toBe('INVALID_RUN_OPTION');
    expect(error.message).toContain('sample is how many rows to read: a whole number of at least 1');
  });

  it.each([-1, 1.5, '5'])('rejects previewRows: %j', async (previewRows) => {
    const error = await runError({ previewRows });
    expect(error.code).toBe('INVALID_RUN_OPTION');
    expect(error.message).toContain('previewRows is how many rows the preview shows: a whole number of at least 0');
  });

  it('lets valid options through to the engine', async () => {
    const error = await runError({ sample: 10, previewRows: 0, dryRun: true, profile: false, failOnGate: false, writeZones: false, onProgress: () => {} });
    expect(error.code).toBe('NO_LOCAL_ENGINE');
  });
});

describe('map() declared columns', () => {
  it('rejects an unknown column type at build time, suggesting the one meant', () => {
    const error = planError(() => validated().map((row) => ({ ...row, d: 1 }), { columns: { d: 'nmber' as never } }));
    expect(error.code).toBe('UNKNOWN_COLUMN_TYPE');
    expect(error.path).toBe('steps[2].map.columns.d');
    expect(error.message).toContain('Did you mean "number"?');
  });

  it('rejects an unknown map() option', () => {
    const error = planError(() => validated().map((row) => row, { column: { d: 'number' } } as never));
    expect(error.path).toBe('steps[2].map.column');
    expect(error.message).toContain('Did you mean "columns"?');
  });

  it('accepts the types a column can have', () => {
    for (const type of ['string', 'number', 'integer', 'boolean', 'timestamp'] as const) {
      expect(() => validated().map((row) => row, { columns: { c: type } })).not.toThrow();
    }
  });
});

describe('every other builder that takes options', () => {
  // Each was ignoring a misspelt key: featureStore('s3://…', { enpoint }) then talked to AWS.
  const cases: [string, () => unknown, string, string][] = [
    ['featureStore', () => featureStore('s3://ml/features', { enpoint: 'http://127.0.0.1:4568' } as never), 'featureStore.enpoint', 'Did you mean "endpoint"?'],
    ['window', () => window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() }, timezone: 'Europe/Paris' } as never), 'window.timezone', 'Options: derive, entity, every, features, timestamp, windows.'],
    ['window (a misspelt required key)', () => window({ entity: 'user_id', timestamp: 'ts', every: '1d', windws: ['1d'], features: { n: count() } } as never), 'window.windws', 'Did you mean "windows"?'],
    ['toFeatureStore', () => validated().aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } })).toFeatureStore(featureStore('s'), { entty: 'user', group: 'g' } as never), 'steps[3].featureStore.entty', 'Did you mean "entity"?'],
    ['trainingSet', () => trainingSet('s', { labels: [], entity: 'user', features: ['g:*'], ttl: '1d', entityColum: 'user_id' } as never), 'trainingSet.entityColum', 'Did you mean "entityColumn"?'],
    ['localEngine', () => localEngine({ stratgy: 'range' } as never), 'localEngine.stratgy', 'Did you mean "strategy"?'],
    ['athena', () => athena({ workgroup: 'w', database: 'd', outputLocation: 's3://r/', regon: 'eu-west-1' } as never), 'athena.regon', 'Did you mean "region"?'],
    ['file', () => file('data/*.jsonl', { fromat: 'jsonl' } as never), 'source.fromat', 'Did you mean "format"?'],
  ];
  for (const [name, call, path, hint] of cases) {
    it(`${name}() names a misspelt option and the one meant`, () => {
      const error = planError(call);
      expect(error.path).toBe(path);
      expect(error.message).toContain('has no option');
      expect(error.message).toContain(hint);
    });
  }

  it('localEngine() refuses a strategy it does not have', () => {
    expect(planError(() => localEngine({ strategy: 'hash' } as never)).message).toMatch(/'asof'.*'range'.*got "hash"/);
  });

  it('fetch(), write() and explain() of a training set check theirs', async () => {
    const set = trainingSet('s', { labels: [], entity: 'user', features: ['g:*'], ttl: '1d' });
    await expect(set.fetch({ engin: localEngine() } as never)).rejects.toThrow('fetch(options) has no option "engin". Did you mean "engine"?');
    await expect(set.write('out.parquet', { fromat: 'csv' } as never)).rejects.toThrow('Did you mean "format"?');
    await expect(set.explain({ engines: localEngine() } as never)).rejects.toThrow('Did you mean "engine"?');
  });
});
