/**
 * The run result as the CLI prints it: the preview says it is the first rows of many (not "10
 * more rows (20 in all)" under "172,509 rows"), a dry run says it wrote nothing, and a saved
 * profile is named.
 */
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatRunResult } from '../../../sdk/src/format/run-result-text.js';
import { formatTextTable } from '../../../sdk/src/format/text-table.js';
import type { BaseRunResult } from '../../../sdk/src/pipeline/run-types.js';

const preview = tableFromArrays({ entity_id: Array.from({ length: 20 }, (_, i) => `u${i}`), clicks_7d: Float64Array.from({ length: 20 }, (_, i) => i) });
const counts = { in: 180_000, valid: 179_000, quarantined: 1_000 };

function result(outputs: BaseRunResult['outputs']): Omit<BaseRunResult, 'toString'> {
  return {
    pipeline: 'user-engagement', planHash: 'p1', runId: 'r1', counts, perObject: {}, gatesPassed: true, preview, featureRows: 172_509, timings: { total: 1 }, outputs, notes: [],
    quality: { counts, perObject: {}, rules: [], gates: [], columns: [], fastPath: { compiled: true, sqlRows: 179_000, zodRows: 0 }, unreadableObjects: [] },
  };
}

const WRITTEN = { featureStore: './.sluice/features/entity=user/feature_group=engagement', validated: 'v', quarantine: 'q', partitionsWritten: ['dt=2024-01-01'], partitionsUnchanged: [], partitionsRemoved: [] };
const NOTHING = { partitionsWritten: [], partitionsUnchanged: [], partitionsRemoved: [] };

describe('formatRunResult', () => {
  it('says the preview is the first 10 of all the feature rows, and where they all are', () => {
    const text = formatRunResult(result(WRITTEN));
    expect(text).toContain('features: 172,509 rows; preview of the first 10 (all of them are in the feature store, see outputs):');
    expect(text).toContain('\n10 of 172,509 rows shown\n');
    expect(text).not.toMatch(/more rows|in all\)/);
    expect(text).toContain('feature store  ./.sluice/features/entity=user/feature_group=engagement (1 partitions written, 0 unchanged)');
  });

  it('counts the partitions a run removed, only when there are some', () => {
    const text = formatRunResult(result({ ...WRITTEN, partitionsRemoved: ['2024-01-05', '2024-01-06'] }));
    expect(text).toContain('(1 partitions written, 0 unchanged, 2 removed (no rows any more))');
  });

  it('a dry run says it wrote nothing, instead of an empty outputs section', () => {
    const text = formatRunResult(result(NOTHING), { dryRun: true });
    expect(text).toContain('(a dry run writes none of them)');
    expect(text).toMatch(/^outputs\n {2}none: this was a dry run, which writes nothing to the feature store or the zones$/m);
  });

  it('names where the profile was saved', () => {
    expect(formatRunResult(result(WRITTEN), { savedProfile: 'profiles/events.json' })).toContain(
      "  profile        profiles/events.json (a drift baseline: validate(schema, { drift: { baseline: 'profiles/events.json' } }))",
    );
  });
});

describe('formatTextTable footer', () => {
  it('counts what is shown against the table, or against totalRows', () => {
    expect(formatTextTable(preview, { limit: 10 }).split('\n').at(-1)).toBe('10 of 20 rows shown');
    expect(formatTextTable(preview, { limit: 10, totalRows: 172_509 }).split('\n').at(-1)).toBe('10 of 172,509 rows shown');
    expect(formatTextTable(preview, { limit: 50 }).split('\n').at(-1)).toBe('20 rows');
  });
});
