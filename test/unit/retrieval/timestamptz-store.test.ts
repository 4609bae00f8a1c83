/**
 * A feature group whose `feature_ts` is stored as TIMESTAMP WITH TIME ZONE (Parquet timestamps
 * marked adjusted-to-UTC, as Spark or pyarrow with tz-aware data write them). The instants are
 * the same as a plain TIMESTAMP's; the point-in-time join must not depend on the machine's time
 * zone (vitest pins TZ=America/New_York, five hours off UTC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeOneFileGroup } from './store-fixture.js';

const H = 3_600_000;
const FEATURE_TS = Date.UTC(2024, 0, 5, 10);
let root: string;

beforeAll(async () => {
  root = await tempDir();
  // Written in UTC, so the stored instant is exactly 2024-01-05T10:00Z, whatever TZ says.
  await writeOneFileGroup(root, `SELECT 'u' AS entity_id, TIMESTAMPTZ '2024-01-05 10:00:00+00' AS feature_ts, 1.5::DOUBLE AS x, 'p' AS _plan_hash`,
    [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'x', type: 'DOUBLE' }, { name: '_plan_hash', type: 'VARCHAR' }]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('a store with TIMESTAMP WITH TIME ZONE feature_ts, on a machine outside UTC', () => {
  // Label times around the one feature row; ttl 1h. The oracle is DESIGN §4 read literally.
  const times = [FEATURE_TS - 4.5 * H, FEATURE_TS - 1, FEATURE_TS, FEATURE_TS + H - 1, FEATURE_TS + H, FEATURE_TS + 5 * H];
  const want = times.map((ts) => (FEATURE_TS <= ts && FEATURE_TS > ts - H ? 1.5 : null));

  for (const strategy of ['asof', 'range'] as const) {
    it(`${strategy}: never a feature row from after the label, and the same rows as in UTC`, async () => {
      const labels = times.map((ts) => ({ entity_id: 'u', ts: new Date(ts) }));
      const table = await trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '1h' }).fetch({ engine: localEngine({ strategy }) });
      expect(table.toArray().map((r) => r.toJSON().g__x)).toEqual(want);
    });
  }
});
