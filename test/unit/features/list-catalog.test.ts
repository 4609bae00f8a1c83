/**
 * listCatalog() as the README and notebooks call it: with the store, with its root, or with
 * file access and root. Called wrongly, it says how to call it instead of failing on
 * `undefined.list`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { featureStore, listCatalog, listPartitions, readCatalogEntry, storeFiles } from '../../../sdk/src/index.js';
import { tempDirs, writeStore } from '../retrieval/store-fixture.js';

const dirs = tempDirs(afterAll);

describe('listCatalog', () => {
  it('takes the store, its root, or file access and root — and lists the same groups', async () => {
    const root = await dirs.make();
    await writeStore(root, 'user', [
      { group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }], rows: [{ entity_id: 'u1', feature_ts: Date.UTC(2024, 0, 2), values: [3n] }] },
      { group: 'spend', columns: [{ name: 'spend_30d', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: Date.UTC(2024, 0, 2), values: [9.5] }] },
    ]);
    const groups = (entries: Awaited<ReturnType<typeof listCatalog>>) => entries.map((e) => `${e.entity}/${e.group}`).sort();
    expect(groups(await listCatalog(featureStore(root)))).toEqual(['user/engagement', 'user/spend']);
    expect(groups(await listCatalog(root))).toEqual(['user/engagement', 'user/spend']);
    expect(groups(await listCatalog(storeFiles(root), root))).toEqual(['user/engagement', 'user/spend']);
  });

  it('called without a store, or with file access but no root, says how to call it', async () => {
    // @ts-expect-error: the call the README's old wording suggested
    await expect(listCatalog()).rejects.toThrow(/listCatalog\(\) takes a feature store, e\.g\. listCatalog\(featureStore\('\.\/\.sluice\/features'\)\)/);
    // @ts-expect-error: the root is missing
    await expect(listCatalog(storeFiles('/tmp/x'))).rejects.toThrow(/needs the store root as its second argument/);
  });

  it('readCatalogEntry() and listPartitions() take the store too (they failed on files.read being undefined)', async () => {
    const root = await dirs.make();
    await writeStore(root, 'user', [{ group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }], rows: [{ entity_id: 'u1', feature_ts: Date.UTC(2024, 0, 2), values: [3n] }] }]);
    const viaFiles = await readCatalogEntry(storeFiles(root), root, 'user', 'engagement');
    expect(viaFiles?.group).toBe('engagement');
    expect(await readCatalogEntry(featureStore(root), 'user', 'engagement')).toEqual(viaFiles);
    expect(await readCatalogEntry(root, 'user', 'engagement')).toEqual(viaFiles);
    const partitions = await listPartitions(storeFiles(root), root, 'user', 'engagement');
    expect(partitions.map((p) => p.dt)).toEqual(['2024-01-02']);
    expect(await listPartitions(featureStore(root), 'user', 'engagement')).toEqual(partitions);
    // @ts-expect-error: no store at all
    await expect(readCatalogEntry(undefined, 'user', 'engagement')).rejects.toThrow(/readCatalogEntry\(\) takes a feature store, e\.g\. readCatalogEntry\(featureStore\('\.\/\.sluice\/features'\), 'user', 'engagement'\)/);
  });
});

