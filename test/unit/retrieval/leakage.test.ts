/**
 * Leakage: each feature row carries its own feature_ts as its value, so every output value
 * says which row it came from. No value may come from a row newer than the label (or older
 * than ts - ttl), and a value must be present whenever some row qualifies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const BASE = Date.UTC(2023, 11, 30, 22); // crosses a year and day boundaries
const M = 60_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('no leakage from the future', () => {
  it('every value comes from a row with ts - ttl < feature_ts <= ts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 3 * 24 * 60 }).map((m) => BASE + m * M), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -120, max: 3 * 24 * 60 + 120 }).map((m) => BASE + m * M + 30_000 * (m % 2)), { minLength: 1, maxLength: 60 }),
        fc.constantFrom(90 * M, 6 * 60 * M, 86_400_000),
        async (featureTimes, labelTimes, ttlMs) => {
          const root = await tempDir();
          dirs.push(root);
          await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'at', type: 'DOUBLE' }], rows: featureTimes.map((t) => ({ entity_id: 'e', feature_ts: t, values: [t] })) }]);
          const labels = labelTimes.map((t) => ({ entity_id: 'e', ts: new Date(t) }));
          const ttl = `${ttlMs / M}m` as const;
          const table = await trainingSet(root, { labels, entity: 'user', features: ['g:at'], ttl }).fetch({ engine: localEngine() });
          const at = table.getChild('g__at')!;
          labelTimes.forEach((ts, i) => {
            const value = at.get(i) as number | null;
            const qualifying = featureTimes.filter((t) => t <= ts && t > ts - ttlMs);
            if (value === null) expect(qualifying).toEqual([]);
            else {
              expect(value).toBeLessThanOrEqual(ts);
              expect(value).toBeGreaterThan(ts - ttlMs);
              expect(value).toBe(Math.max(...qualifying));
            }
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});
