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
