import { describe, expect, it } from 'vitest';
import { Float64, Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { distributionSpec, featurePlotSpec } from '../../../sdk/src/notebook/chart-spec.js';
import { renderSvg } from '../../../sdk/src/notebook/svg-renderer.js';

const day = (d: number) => new Date(Date.UTC(2024, 0, d));

// clicks_7d totals: u1 5, u2 10, u3 6 (one null), u4 7. spend_30d totals: u1 1.5, u2 13, u3 17, u4 8.
function features(): Table {
  const rows: [string, Date, bigint | null, number][] = [
    ['u1', day(1), 1n, 1.5],
    ['u2', day(1), 2n, 2.5],
    ['u2', day(2), 3n, 3.5],
    ['u3', day(1), null, 10],
    ['u1', day(2), 4n, 0],
    ['u2', day(3), 5n, 7],
    ['u3', day(2), 6n, 7],
    ['u4', day(1), 7n, 8],
  ];
  return new Table({
    entity_id: vectorFromArray(rows.map((r) => r[0]), new Utf8()),
    feature_ts: vectorFromArray(rows.map((r) => r[1]), new TimestampMicrosecond()),
    clicks_7d: vectorFromArray(rows.map((r) => r[2]), new Int64()),
    spend_30d: vectorFromArray(rows.map((r) => r[3]), new Float64()),
  });
}

const values = (spec: Record<string, unknown>) => (spec.data as { values: Record<string, unknown>[] }).values;

describe('featurePlotSpec', () => {
  it('plots the entities with the largest feature totals, with UTC ISO timestamps and numbers', () => {
    const spec = featurePlotSpec(features(), 'clicks_7d', { maxEntities: 2 });
    expect(values(spec)).toEqual([
      { entity_id: 'u2', feature_ts: '2024-01-01T00:00:00.000Z', clicks_7d: 2 },
      { entity_id: 'u2', feature_ts: '2024-01-02T00:00:00.000Z', clicks_7d: 3 },
      { entity_id: 'u2', feature_ts: '2024-01-03T00:00:00.000Z', clicks_7d: 5 },
      { entity_id: 'u4', feature_ts: '2024-01-01T00:00:00.000Z', clicks_7d: 7 },
    ]);
    expect(values(featurePlotSpec(features(), 'spend_30d', { maxEntities: 1 })).map((v) => v.entity_id)).toEqual(['u3', 'u3']);
    expect(spec.mark).toEqual({ type: 'line', point: true });
    expect(spec.encoding).toMatchObject({ x: { field: 'feature_ts', type: 'temporal' }, y: { field: 'clicks_7d' }, color: { field: 'entity_id' } });
  });

  it('plots the named entities only', () => {
    const spec = featurePlotSpec(features(), 'spend_30d', { entity: 'u3' });
    expect(values(spec).map((v) => v.spend_30d)).toEqual([10, 7]);
  });

  it('names the columns that exist when the feature does not', () => {
    expect(() => featurePlotSpec(features(), 'click_7d')).toThrow(/no such column.*entity_id, feature_ts, clicks_7d, spend_30d/);
  });

  it('refuses an entity the table does not hold, saying which rows it holds', () => {
    expect(() => featurePlotSpec(features(), 'clicks_7d', { entity: ['u1', 'u9'], coverage: { rows: 5000, entities: { kept: 4, of: 300 } } }))
      .toThrow(/Cannot plot "u9": not in the rows kept for charts \(every row of 4 of 300 entities\)/);
    expect(() => featurePlotSpec(features(), 'clicks_7d', { entity: 'u9', coverage: { rows: 5000, preview: true } })).toThrow(/not in the run's preview \(its first 8 rows\)/);
  });

  it('says in a subtitle what part of the rows it draws', () => {
    expect(featurePlotSpec(features(), 'clicks_7d', { maxEntities: 2, coverage: { rows: 9000, entities: { kept: 4, of: 300 } } }).title)
      .toEqual({ text: 'clicks_7d by feature_ts', subtitle: '2 of 300 entities' });
    expect(featurePlotSpec(features(), 'clicks_7d', { coverage: { rows: 9000, preview: true } }).title)
      .toEqual({ text: 'clicks_7d by feature_ts', subtitle: "4 entities of the run's preview (its first 8 of 9,000 rows, so lines may stop early)" });
    expect(featurePlotSpec(features(), 'clicks_7d').title).toBe('clicks_7d by feature_ts');
  });
});

describe('distributionSpec', () => {
  it('bins numbers and leaves nulls out, counting them in the title', () => {
    const spec = distributionSpec(features(), 'clicks_7d');
    expect(values(spec).map((v) => v.clicks_7d)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(spec.title).toBe('distribution of clicks_7d (1 null)');
    expect((spec.encoding as any).x.bin).toEqual({ maxbins: 30 });
  });

  it('says in a subtitle when the rows are a sample or the preview, and not when they are all', () => {
    expect(distributionSpec(features(), 'spend_30d', { coverage: { rows: 120_000, entities: { kept: 4, of: 300 } } }).title)
      .toEqual({ text: 'distribution of spend_30d', subtitle: '8 of 120,000 rows: every row of 4 of 300 entities, picked at random' });
    expect(distributionSpec(features(), 'spend_30d', { coverage: { rows: 120_000, preview: true } }).title)
      .toEqual({ text: 'distribution of spend_30d', subtitle: "the run's preview: its first 8 of 120,000 rows, in entity order" });
    expect(distributionSpec(features(), 'spend_30d', { coverage: { rows: 8, entities: { kept: 4, of: 4 } } }).title).toBe('distribution of spend_30d');
  });

  it('counts categories for strings', () => {
    const spec = distributionSpec(features(), 'entity_id');
    expect((spec.encoding as any).x).toMatchObject({ type: 'nominal' });
    expect(values(spec)).toHaveLength(8);
  });
});

describe('renderSvg', () => {
  it('renders a bar per category with vega, in-process', async () => {
    const svg = await renderSvg(distributionSpec(features(), 'entity_id', { title: 'entities <&>' }));
    expect(svg.startsWith('<svg')).toBe(true);
    // One bar per distinct entity: u1..u4.
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(4);
    expect(svg).toContain('entities &lt;&amp;&gt;');
  });

  it('charts columns whose names vega-lite would read as nested fields (a.b, x[0])', async () => {
    const numbers = Float64Array.from([1, 2, 2, 3, 3, 3, 4, 5]);
    for (const name of ['label.churn', 'score[0]']) {
      const svg = await renderSvg(distributionSpec(new Table({ [name]: vectorFromArray(Array.from(numbers), new Float64()) }), name));
      expect(svg.match(/aria-roledescription="bar"/g)?.length ?? 0, name).toBeGreaterThan(0);
      expect(svg, name).toContain(`>${name}<`);
    }
  }, 30_000);

  it('renders a line chart with one point per data row', async () => {
    const spec = featurePlotSpec(features(), 'clicks_7d', { entity: ['u1', 'u2'] });
    const before = JSON.stringify(spec);
    const svg = await renderSvg(spec);
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(5);
    // The caller's spec is left as it was (vega tags the rows it renders).
    expect(Object.getOwnPropertySymbols(values(spec)[0]!)).toEqual([]);
    expect(JSON.stringify(spec)).toBe(before);
    // Day ticks fall on UTC midnights (2024-01-02 was a Tuesday), although tests run in New York.
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toContain('Tue 02');
    expect(labels).toContain('Wed 03');
  }, 30_000);
});
