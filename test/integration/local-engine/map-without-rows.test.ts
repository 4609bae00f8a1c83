/**
 * A `.map()` that no row reaches — every row quarantined by validation, or the function threw
 * on every row, or there was no input — returned nothing, so there is nothing to judge: the run
 * finishes with its real report (no false MAP_DROPPED_COLUMNS naming the map's *input* columns
 * as what it returned), as the event stage does for an object whose map returned no row. The
 * empty table the map leaves has the columns the builder promised later steps (the input's and
 * the declared ones, with the declared types), so a derive, the window and the feature store
 * write run on zero rows instead of failing inside DuckDB.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, sum, window } from '../../../sdk/src/index.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), email: z.string(), ts: z.coerce.date() });

type AnyRow = Record<string, unknown>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-map-without-rows-'));
  const valid = [
    { user_id: 'u1', amount: 3, email: 'a@x.org', ts: '2024-01-01T10:00:00Z' },
    { user_id: 'u2', amount: 5, email: 'b@y.com', ts: '2024-01-02T10:00:00Z' },
    { user_id: 'u1', amount: 7, email: 'c@x.org', ts: '2024-01-02T11:00:00Z' },
  ];
  // The same rows with amount as a string: every one fails the schema.
  const invalid = valid.map((r) => ({ ...r, amount: String(r.amount) }));
  mkdirSync(join(dir, 'valid'));
  mkdirSync(join(dir, 'invalid'));
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'valid', 'events.jsonl'), `${valid.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(join(dir, 'invalid', 'events.jsonl'), `${invalid.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(join(dir, 'empty', 'events.jsonl'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A map adding columns of every declarable type except string (a VARCHAR stand-in would make
 * the later arithmetic, the boolean filter and the window's timestamp fail in DuckDB), then a
 * derive and a window that read them, then a feature store.
 */
function features(input: string, map: (row: AnyRow) => AnyRow, name: string) {
  return pipeline(name)
    .from(file(join(dir, input, '*.jsonl')))
    .validate(Event, { maxInvalidRatio: 1 })
    .map(map, { columns: { domain: 'string', cents: 'integer', is_org: 'boolean', seen_at: 'timestamp', weight: 'number' } })
    .derive({ weighted: 'cents * weight' })
    .aggregate(window({
      entity: 'domain', timestamp: 'seen_at', every: '1d', windows: ['1d'],
      features: { orgs: count().where('is_org'), spend: sum('weighted') },
    }))
    .toFeatureStore(featureStore(join(dir, `store-${name}`)), { entity: 'domain', group: 'spend' });
}

const enrich = (row: AnyRow): AnyRow => ({
  ...row,
  domain: String(row.email).split('@')[1],
  cents: Math.round(Number(row.amount) * 100),
  is_org: String(row.email).endsWith('.org'),
  seen_at: row.ts,
  weight: 0.5,
});

function quarantineLines(zones: string): AnyRow[] {
  const folder = join(zones, 'quarantine');
  const rows: AnyRow[] = [];
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) {
      for (const line of readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n')) if (line) rows.push(JSON.parse(line) as AnyRow);
    }
  }
  return rows;
}

describe('a map() that no row reaches', () => {
  it('every row invalid (maxInvalidRatio: 1): the run reports 3 quarantined, 0 feature rows, no MAP_DROPPED_COLUMNS', async () => {
    const zones = join(dir, 'zones-invalid');
    const result = await features('invalid', enrich, 'all-invalid').run({ zones });
    expect(result.counts).toEqual({ in: 3, valid: 0, quarantined: 3 });
    expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
    expect(result.gatesPassed).toBe(true);
    expect(result.featureRows).toBe(0);
    expect(result.preview.numRows).toBe(0);
    expect(result.perObject).toEqual({ [join(dir, 'invalid', 'events.jsonl')]: { in: 3, valid: 0, quarantined: 3 } });
    expect(result.outputs.partitionsWritten).toEqual([]);
    const quarantined = quarantineLines(zones);
    expect(quarantined).toHaveLength(3);
    expect(JSON.stringify(quarantined)).toContain('"amount"');
    expect(JSON.stringify(quarantined)).not.toContain('map_failed');
  });

  it('the map threw on every row: each row is quarantined with the map error, and the run finishes', async () => {
    const zones = join(dir, 'zones-throws');
    const throwing = (row: AnyRow): AnyRow => {
      throw new Error(`no domain for ${String(row.user_id)}`);
    };
    const result = await features('valid', throwing, 'map-throws').run({ zones });
    expect(result.counts).toEqual({ in: 3, valid: 0, quarantined: 3 });
    expect(result.featureRows).toBe(0);
    const quarantined = quarantineLines(zones);
    expect(quarantined).toHaveLength(3);
    expect(JSON.stringify(quarantined)).toContain('no domain for u1');
    expect(JSON.stringify(quarantined)).toContain('no domain for u2');
    expect(JSON.stringify(result.quality)).toContain('map_failed');
  });

  it('an empty input: zero rows everywhere, no error', async () => {
    const result = await features('empty', enrich, 'empty-input').run({ zones: join(dir, 'zones-empty') });
    expect(result.counts).toEqual({ in: 0, valid: 0, quarantined: 0 });
    expect(result.featureRows).toBe(0);
  });

  it('without a window, the preview of zero valid rows has the declared columns', async () => {
    const result = await pipeline('no-window')
      .from(file(join(dir, 'invalid', '*.jsonl')))
      .validate(Event, { maxInvalidRatio: 1 })
      .map(enrich, { columns: { domain: 'string', cents: 'integer' } })
      .derive({ dollars: 'cents / 100' })
      .run({ dryRun: true });
    expect(result.counts).toEqual({ in: 3, valid: 0, quarantined: 3 });
    expect(result.preview.numRows).toBe(0);
    expect(result.preview.schema.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['user_id', 'amount', 'email', 'ts', 'domain', 'cents', 'dollars']));
  });

  it('the same pipeline over valid rows computes the features (the check above is not vacuous)', async () => {
    const result = await features('valid', enrich, 'all-valid').run({ dryRun: true });
    expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
    // x.org: u1 on 2024-01-01 and 2024-01-02; y.com: u2 on 2024-01-02. One row per domain per
    // day with an event (the 1d window at the next midnight), then one where it is empty again.
    expect(result.featureRows).toBe(5);
    const rows = result.preview.toArray().map((r) => ({ entity: String(r.entity_id), orgs: Number(r.orgs_1d), spend: Number(r.spend_1d) }));
    expect(rows).toEqual([
      { entity: 'x.org', orgs: 1, spend: 150 },
      { entity: 'x.org', orgs: 1, spend: 350 },
      { entity: 'x.org', orgs: 0, spend: 0 },
      { entity: 'y.com', orgs: 0, spend: 250 },
      { entity: 'y.com', orgs: 0, spend: 0 },
    ]);
  });
});
