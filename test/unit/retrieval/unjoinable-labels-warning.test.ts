/**
 * When no label can be joined, the warning must point at the column that is actually empty:
 * labels with times but no entity ids are not "labels without timestamps" (that sent the user
 * to check timestampColumn while the entity column was the one that was all null).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const D = Date.UTC(2024, 2, 3);
let root: string;
beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'x', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: D, values: [1] }] }]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const warningsFor = async (labels: Record<string, unknown>[]): Promise<readonly string[]> =>
  (await trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '7d' }).run({ engine: localEngine() })).warnings;

describe('no label can be joined', () => {
  it('every entity id is null: the warning names the entity column, not the timestamps', async () => {
    const warnings = await warningsFor([{ entity_id: null, ts: new Date(D) }, { entity_id: null, ts: new Date(D) }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/none of the 2 labels has an entity id.*entityColumn/);
    expect(warnings[0]).not.toMatch(/timestamp/);
  });

  it('every time is null: the warning names the timestamp column', async () => {
    const warnings = await warningsFor([{ entity_id: 'u1', ts: null }]);
    expect(warnings).toEqual([expect.stringMatching(/none of the 1 labels has a timestamp.*timestampColumn/)]);
  });

  it('some lack one, some the other: both counts, both options', async () => {
    const warnings = await warningsFor([{ entity_id: null, ts: new Date(D) }, { entity_id: 'u1', ts: null }, { entity_id: null, ts: null }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/none of the 3 labels has both an entity id and a timestamp \(2 without an entity id, 2 without a timestamp\).*entityColumn.*timestampColumn/);
  });
});
