import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { Float64, Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import type { BaseRunResult } from '../../../sdk/src/pipeline/run-types.js';
import { withNotebookDisplay } from '../../../sdk/src/notebook/run-result-display.js';
import { VEGA_LITE_MIME } from '../../../sdk/src/notebook/notebook-display.js';
import { setTslabForTesting } from '../../../sdk/src/notebook/tslab-bridge.js';
import { fakeTslab } from '../../helpers/fake-tslab.js';

function fakeRun(): BaseRunResult {
  const day = (d: number) => new Date(Date.UTC(2024, 0, d));
  const preview = new Table({
    entity_id: vectorFromArray(['u1', 'u1', 'u2'], new Utf8()),
    feature_ts: vectorFromArray([day(1), day(2), day(1)], new TimestampMicrosecond()),
    clicks_7d: vectorFromArray([1n, 2n, 5n], new Int64()),
    spend_30d: vectorFromArray([0, 12.5, 3], new Float64()),
  });
  const data = {
    pipeline: 'user-engagement',
    planHash: 'abc123',
    runId: 'run-1',
    counts: { in: 10, valid: 9, quarantined: 1 },
    perObject: { 'a.jsonl': { in: 10, valid: 9, quarantined: 1 } },
    quality: {
      counts: { in: 10, valid: 9, quarantined: 1 },
      perObject: { 'a.jsonl': { in: 10, valid: 9, quarantined: 1 } },
      rules: [{ rule: 'ts: invalid_type', passed: false, failingCount: 1, examples: [{ object: 'a.jsonl', line: 4, raw: '{}', issues: [{ path: ['ts'], code: 'invalid_type', message: 'Invalid input' }] }] }],
      gates: [],
      columns: [],
      fastPath: { compiled: true, sqlRows: 9, zodRows: 1 },
      unreadableObjects: [],
    },
    gatesPassed: true,
    preview,
    featureRows: 3,
    timings: { total: 42 },
    outputs: { featureStore: '/tmp/store', partitionsWritten: ['dt=2024-01-01'], partitionsUnchanged: [], partitionsRemoved: [] },
    notes: ['a <note>'],
  };
  return Object.freeze({ ...data, toString: () => 'TEXT SUMMARY' });
}

afterEach(() => setTslabForTesting(null));

describe('withNotebookDisplay', () => {
  it('keeps the data and the text form, and stays frozen', () => {
    const original = fakeRun();
    const run = withNotebookDisplay(original);
    expect(Object.isFrozen(run)).toBe(true);
    expect(String(run)).toBe('TEXT SUMMARY');
    expect(run.counts).toEqual(original.counts);
    expect(run.quality.rules).toEqual(original.quality.rules);
    expect(inspect(run)).toBe('TEXT SUMMARY');
  });

  it('renders the run, its quality report and its preview as HTML in a notebook', () => {
    const f = fakeTslab();
    setTslabForTesting(f.module, f.multi);
    const run = withNotebookDisplay(fakeRun());
    inspect(run);
    inspect(run.quality);
    inspect(run.preview);
    const [whole, quality, preview] = f.sent.map((s) => String(s.value));
    expect(f.sent.map((s) => s.mime)).toEqual(['text/html', 'text/html', 'text/html']);
    expect(whole).toContain('in 10 = valid 9 + quarantined 1');
    expect(whole).toContain('1 partitions written, 0 unchanged');
    expect(whole).toContain('note: a &lt;note&gt;');
    expect(whole).toContain('sluice-quality-report');
    expect(quality).toMatch(/^<div class="sluice-quality-report"/);
    expect(preview).toMatch(/^<div class="sluice-table"/);
    expect(preview).toContain('3 rows × 4 columns');
  });

  it('plots a feature of the preview', async () => {
    const f = fakeTslab();
    setTslabForTesting(f.module, f.multi);
    await withNotebookDisplay(fakeRun()).plot('clicks_7d', { entity: 'u1' });
    const spec = f.sent.find((s) => s.mime === VEGA_LITE_MIME)!.value as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([
      { entity_id: 'u1', feature_ts: '2024-01-01T00:00:00.000Z', clicks_7d: 1 },
      { entity_id: 'u1', feature_ts: '2024-01-02T00:00:00.000Z', clicks_7d: 2 },
    ]);
    expect(f.sent.some((s) => s.mime === 'image/svg+xml')).toBe(true);
  });

  it('draws the rows the run kept for charts, not the preview, and says what they are of', async () => {
    const f = fakeTslab();
    setTslabForTesting(f.module, f.multi);
    const day = (d: number) => new Date(Date.UTC(2024, 0, d));
    const kept = new Table({
      entity_id: vectorFromArray(['u7', 'u7', 'u7'], new Utf8()),
      feature_ts: vectorFromArray([day(1), day(2), day(3)], new TimestampMicrosecond()),
      clicks_7d: vectorFromArray([4n, 6n, 0n], new Int64()),
      spend_30d: vectorFromArray([1, 2, 3], new Float64()),
    });
    const run = withNotebookDisplay({ ...fakeRun(), featureRows: 5000, chartRows: { table: kept, ofRows: 5000, entities: { kept: 1, of: 40 } } });
    await run.plot('clicks_7d');
    const spec = f.sent.find((s) => s.mime === VEGA_LITE_MIME)!.value as { data: { values: { clicks_7d: number }[] }; title: unknown };
    expect(spec.data.values.map((v) => v.clicks_7d)).toEqual([4, 6, 0]);
    expect(spec.title).toEqual({ text: 'clicks_7d by feature_ts', subtitle: '1 of 40 entities' });
    await run.plotDistribution('spend_30d');
    const distribution = f.sent.filter((s) => s.mime === VEGA_LITE_MIME)[1]!.value as { title: unknown };
    expect(distribution.title).toEqual({ text: 'distribution of spend_30d', subtitle: '3 of 5,000 rows: every row of 1 of 40 entities, picked at random' });
  });

  it('says so when it can only draw the preview', async () => {
    const f = fakeTslab();
    setTslabForTesting(f.module, f.multi);
    await withNotebookDisplay({ ...fakeRun(), featureRows: 5000 }).plotDistribution('spend_30d');
    const spec = f.sent.find((s) => s.mime === VEGA_LITE_MIME)!.value as { title: unknown };
    expect(spec.title).toEqual({ text: 'distribution of spend_30d', subtitle: "the run's preview: its first 3 of 5,000 rows, in entity order" });
  });
});
