/**
 * CSV labels whose entity ids look like numbers. The store keeps entity ids as text, so the
 * label's id must reach the join exactly as written: "1.0" is not "1", "1e5" is not "100000",
 * and a 20-digit id is not the nearest double. Reading such a cell as a number first would
 * join a label to ANOTHER entity's features (or to none), with no error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { file } from '../../../sdk/src/sources/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const D = Date.UTC(2024, 0, 5);
// Distinct entities whose ids collapse onto each other once read as a JS number.
const IDS = ['1', '1.0', '1e5', '100000', '12345678901234567890', '12345678901234567000', '007', '-0', '0'];
let root: string;

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', [
    { group: 'g', columns: [{ name: 'v', type: 'VARCHAR' }], rows: IDS.map((id) => ({ entity_id: id, feature_ts: D, values: [`features of ${id}`] })) },
  ]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('CSV labels with number-like entity ids', () => {
  it('each label joins its own entity, id for id as written', async () => {
    const csv = ['entity_id,ts,y', ...IDS.map((id, i) => `${id},2024-01-05T12:00:00Z,${i}`)].join('\n');
    const path = join(root, 'labels.csv');
    await writeFile(path, csv);
    for (const strategy of ['asof', 'range'] as const) {
      const table = await trainingSet(root, { labels: file(path), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine({ strategy }) });
      const rows = table.toArray().map((r) => r.toJSON());
      expect(rows.map((r) => r.g__v)).toEqual(IDS.map((id) => `features of ${id}`));
      expect(rows.map((r) => String(r.entity_id))).toEqual(IDS);
    }
  });

  it('a label column holding integers beyond 2^53 comes back digit for digit', async () => {
    const path = join(root, 'orders.csv');
    await writeFile(path, 'entity_id,ts,order_id,amount\n1,2024-01-05T12:00:00Z,12345678901234567891,2.5\n');
    const table = await trainingSet(root, { labels: file(path), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine() });
    const row = table.toArray()[0]!.toJSON();
    expect(String(row.order_id)).toBe('12345678901234567891');
    expect(row.amount).toBe(2.5);
  });
});
