/**
 * Point-in-time correctness against the naive oracle in store-fixture.ts, property-based over
 * random feature histories and label sets, on both local strategies (DuckDB ASOF JOIN, and the
 * portable range-join AST that Athena runs, printed for DuckDB and run for real).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { durationMs } from '../../../sdk/src/plan/duration.js';
import { oracle, tempDir, writeStore, type FixtureGroup } from './store-fixture.js';

const BASE = Date.UTC(2024, 2, 1); // 2024-03-01T00:00Z
const H = 3_600_000;
const ENTITIES = ['a', 'b', "o'q;--", 'c\\d'];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const featureRow = (columns: FixtureGroup['columns']) =>
  fc.record({
    entity_id: fc.constantFrom(...ENTITIES),
    // 6-hour cadence over ~6 days, so rows land on day boundaries too
    feature_ts: fc.integer({ min: 0, max: 24 }).map((k) => BASE + k * 6 * H),
    values: fc.tuple(
      ...columns.map((c) =>
        c.type === 'DOUBLE'
          ? fc.option(fc.integer({ min: -50, max: 50 }).map((n) => n / 4), { freq: 6 })
          : c.type === 'BIGINT'
            ? fc.option(fc.bigInt({ min: -5n, max: 5n }), { freq: 6 })
            : fc.option(fc.constantFrom('x', 'y', "it's", 'z\\'), { freq: 6 }),
      ),
    ),
    file: fc.constantFrom('a', 'a', 'a', 'b'), // 'b' = a transiently duplicated partition file
  });

const G1: FixtureGroup['columns'] = [{ name: 'spend', type: 'DOUBLE' }, { name: 'clicks', type: 'BIGINT' }];
const G2: FixtureGroup['columns'] = [{ name: 'tier', type: 'VARCHAR' }];

const scenario = fc.record({
  g1: fc.array(featureRow(G1), { maxLength: 40 }),
  g2: fc.array(featureRow(G2), { maxLength: 25 }),
  // force exact duplicates (same entity and feature_ts) with different values
  dupes: fc.array(fc.tuple(fc.nat(), fc.option(fc.integer({ min: -50, max: 50 }), { freq: 3 })), { maxLength: 4 }),
  labels: fc.array(
    fc.record({
      entity: fc.option(fc.constantFrom(...ENTITIES, 'absent'), { freq: 12 }),
      // on a feature_ts, between them, and before any feature exists
      ts: fc.oneof(
        fc.integer({ min: -2, max: 26 }).map((k) => BASE + k * 6 * H),
        fc.integer({ min: -12 * H, max: 7 * 24 * H }).map((d) => BASE + d),
      ),
      y: fc.integer({ min: 0, max: 1 }),
    }),
    { minLength: 1, maxLength: 30 },
  ),
  ttl: fc.constantFrom('6h', '1d', '2d', '7d', 'unbounded'),
});

describe('point-in-time join = naive oracle', () => {
  for (const strategy of ['asof', 'range'] as const) {
    it(`${strategy}: every label row once, in order, with exactly the oracle's features`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const root = await tempDir();
          dirs.push(root);
          const g1rows = [...s.g1];
          for (const [i, v] of s.dupes) {
            const base = g1rows[i % Math.max(1, g1rows.length)];
            if (base) g1rows.push({ ...base, values: [v === null ? null : v / 2, base.values[1] ?? null], file: 'b' });
          }
          const groups: FixtureGroup[] = [
            { group: 'g1', columns: G1, rows: g1rows },
            { group: 'g2', columns: G2, rows: s.g2 },
          ];
          await writeStore(root, 'user', groups);
          const labels = s.labels.map((l, i) => ({ id: i, entity_id: l.entity, ts: new Date(l.ts), y: l.y }));
          const table = await trainingSet(root, { labels, entity: 'user', features: ['g1:*', 'g2:tier'], ttl: s.ttl }).fetch({ engine: localEngine({ strategy }) });

          const ttlMs = s.ttl === 'unbounded' ? null : durationMs(s.ttl);
          const keys = labels.map((l) => ({ entity: l.entity_id, ts: l.ts.getTime() }));
          const want1 = oracle(keys, groups[0]!, ttlMs);
          const want2 = oracle(keys, groups[1]!, ttlMs);
          expect(table.numRows).toBe(labels.length);
          expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'entity_id', 'ts', 'y', 'g1__spend', 'g1__clicks', 'g2__tier']);
          const rows = table.toArray().map((r) => r.toJSON());
          rows.forEach((row, i) => {
            expect(row.id).toBe(i);
            expect(row.y).toBe(labels[i]!.y);
            expect([row.g1__spend, row.g1__clicks, row.g2__tier]).toEqual([...want1[i]!, ...want2[i]!]);
          });
        }),
        { numRuns: 40 },
      );
    });
  }
});
