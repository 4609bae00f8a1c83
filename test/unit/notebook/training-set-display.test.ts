/**
 * In a notebook a training set shows live progress while the engine works and its table renders
 * as HTML (as a run and its preview do); printed anywhere it is a text table, not Arrow's object
 * internals. The public entry point (`index.ts`) wires this; tslab is faked.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { trainingSet } from '../../../sdk/src/index.js';
import { setTslabForTesting } from '../../../sdk/src/notebook/tslab-bridge.js';
import { fakeTslab } from '../../helpers/fake-tslab.js';
import { tempDirs, writeStore } from '../retrieval/store-fixture.js';

const dirs = tempDirs(afterAll);
afterEach(() => setTslabForTesting(null));

async function store(): Promise<string> {
  const root = await dirs.make();
  const at = Date.UTC(2024, 2, 1);
  await writeStore(root, 'user', [{ group: 'daily', columns: [{ name: 's_1d', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: at, values: [2.5] }] }]);
  return root;
}

describe('a training set in a notebook', () => {
  it('shows progress while it is computed, and its table renders as HTML', async () => {
    const root = await store();
    const tslab = fakeTslab();
    setTslabForTesting(tslab.module);
    const table = await trainingSet(root, { labels: [{ entity_id: 'u1', ts: new Date(Date.UTC(2024, 2, 1, 1)), y: 1 }], entity: 'user', features: ['daily:*'], ttl: '1d' }).fetch();
    expect(tslab.sent.some((s) => s.mime === 'text/html' && String(s.value).includes('sluice-progress'))).toBe(true);
    tslab.sent.length = 0;
    inspect(table); // what tslab does with a cell's last value
    const html = String(tslab.sent.find((s) => s.mime === 'text/html')!.value);
    expect(html).toContain('daily__s_1d');
    expect(html).toContain('1 row × 4 columns');
  });

  it('prints as a text table outside a notebook', async () => {
    const root = await store();
    const table = await trainingSet(root, { labels: [{ entity_id: 'u1', ts: new Date(Date.UTC(2024, 2, 1, 1)), y: 1 }], entity: 'user', features: ['daily:*'], ttl: '1d' }).fetch();
    const printed = inspect(table);
    expect(printed).toContain('daily__s_1d');
    expect(printed).toContain('1 row × 4 columns');
    expect(printed).not.toContain('Schema');
  });
});
