/**
 * A training set's feature columns come in the order they were asked for, across groups — not
 * grouped by group, as the engines compute them. A `'<group>:*'` stands for its group's features
 * (in catalog order) where it is written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDirs, writeStore } from './store-fixture.js';

const dirs = tempDirs(afterAll);

describe('training-set feature columns', () => {
  it('follow the request, across groups, on both local strategies', async () => {
    const root = await dirs.make();
    const at = Date.UTC(2024, 2, 1);
    await writeStore(root, 'user', [
      { group: 'hourly', columns: [{ name: 'n_1h', type: 'BIGINT' }, { name: 'n_6h', type: 'BIGINT' }], rows: [{ entity_id: 'u1', feature_ts: at, values: [1n, 6n] }] },
      { group: 'daily', columns: [{ name: 's_1d', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: at, values: [2.5] }] },
    ]);
    const labels = [{ entity_id: 'u1', ts: new Date(at + 60_000), y: 1 }];
    for (const strategy of ['asof', 'range'] as const) {
      const table = await trainingSet(root, { labels, entity: 'user', features: ['hourly:n_6h', 'daily:s_1d', 'hourly:n_1h'], ttl: '1d' }).fetch({ engine: localEngine({ strategy }) });
      expect(table.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'ts', 'y', 'hourly__n_6h', 'daily__s_1d', 'hourly__n_1h']);
      expect(table.toArray()[0]!.toJSON()).toMatchObject({ hourly__n_6h: 6n, daily__s_1d: 2.5, hourly__n_1h: 1n });
      const starred = await trainingSet(root, { labels, entity: 'user', features: ['daily:*', 'hourly:*'], ttl: '1d' }).fetch({ engine: localEngine({ strategy }) });
      expect(starred.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'ts', 'y', 'daily__s_1d', 'hourly__n_1h', 'hourly__n_6h']);
    }
  });
});
