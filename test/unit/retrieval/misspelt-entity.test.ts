/**
 * A training set asked of an entity the store does not have: the error lists the entities it
 * has, with their groups, and names the closest (rather than advising to run a pipeline first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDirs, writeStore } from './store-fixture.js';

const dirs = tempDirs(afterAll);

describe('a misspelt entity', () => {
  it('is answered with the entities and groups the store has', async () => {
    const root = await dirs.make();
    const at = Date.UTC(2024, 0, 1);
    await writeStore(root, 'user', [
      { group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }], rows: [{ entity_id: 'u1', feature_ts: at, values: [3n] }] },
      { group: 'activity', columns: [{ name: 'views_30d', type: 'BIGINT' }], rows: [{ entity_id: 'u1', feature_ts: at, values: [9n] }] },
    ]);
    await writeStore(root, 'merchant', [{ group: 'sales', columns: [{ name: 'orders_1d', type: 'BIGINT' }], rows: [{ entity_id: 'm1', feature_ts: at, values: [1n] }] }]);
    const fetching = trainingSet(root, { labels: [{ entity_id: 'u1', ts: new Date(at + 1000) }], entity: 'users', features: ['engagement:clicks_7d'], ttl: '7d' }).fetch({ engine: localEngine() });
    await expect(fetching).rejects.toThrow('The store has no entity "users"; its entities: merchant (group sales); user (groups activity, engagement). Did you mean entity: \'user\'?');
    await expect(fetching).rejects.not.toThrow('Run the pipeline that writes it');
  });
});
