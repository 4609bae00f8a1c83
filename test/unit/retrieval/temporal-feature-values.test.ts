/**
 * Feature columns of DuckDB's temporal types other than TIMESTAMP (DATE, TIMESTAMP WITH TIME
 * ZONE, TIMESTAMP_S/_MS/_NS): a feature group not written by a sluice pipeline may hold them.
 * The local engine must return each as the instant it names (a Timestamp<MILLISECOND> column,
 * as the Athena engine returns them), not fail or produce NaN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeOneFileGroup } from './store-fixture.js';

// name, DuckDB type, SQL literal, the instant it names (epoch ms, written out independently)
const COLUMNS: [string, string, string, number][] = [
  ['signup', 'DATE', `DATE '2020-01-02'`, Date.UTC(2020, 0, 2)],
  ['before_epoch', 'DATE', `DATE '1969-12-31'`, Date.UTC(1969, 11, 31)],
  ['seen_tz', 'TIMESTAMP WITH TIME ZONE', `TIMESTAMPTZ '2023-06-01 01:02:03.456+00'`, Date.UTC(2023, 5, 1, 1, 2, 3, 456)],
  ['seen_s', 'TIMESTAMP_S', `TIMESTAMP '2023-06-01 01:02:03'`, Date.UTC(2023, 5, 1, 1, 2, 3)],
  ['seen_ms', 'TIMESTAMP_MS', `TIMESTAMP '2023-06-01 01:02:03.456'`, Date.UTC(2023, 5, 1, 1, 2, 3, 456)],
  ['seen_ns', 'TIMESTAMP_NS', `TIMESTAMP_NS '2023-06-01 01:02:03.456789123'`, Date.UTC(2023, 5, 1, 1, 2, 3, 456)],
];
let root: string;

beforeAll(async () => {
  root = await tempDir();
  const values = COLUMNS.map(([name, type, literal]) => `CAST(${literal} AS ${type}) AS "${name}"`).join(', ');
  await writeOneFileGroup(root, `SELECT 'u' AS entity_id, TIMESTAMP '2024-01-05 10:00:00' AS feature_ts, ${values}, 'p' AS _plan_hash`,
    [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP' }, ...COLUMNS.map(([name, type]) => ({ name, type })), { name: '_plan_hash', type: 'VARCHAR' }]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('temporal feature values', () => {
  for (const strategy of ['asof', 'range'] as const) {
    it(`${strategy}: DATE and every TIMESTAMP flavour come back as the instant they name; a label without a match gets null`, async () => {
      const labels = [{ entity_id: 'u', ts: '2024-01-05T11:00:00Z' }, { entity_id: 'nobody', ts: '2024-01-05T11:00:00Z' }];
      const table = await trainingSet(root, { labels, entity: 'user', features: ['g:*'], ttl: '1d' }).fetch({ engine: localEngine({ strategy }) });
      const [hit, miss] = table.toArray().map((r) => r.toJSON());
      for (const [name, , , ms] of COLUMNS) {
        expect(String(table.getChild(`g__${name}`)!.type)).toBe('Timestamp<MILLISECOND>');
        expect([name, hit![`g__${name}`]]).toEqual([name, ms]);
        expect([name, miss![`g__${name}`]]).toEqual([name, null]);
      }
    });
  }
});
