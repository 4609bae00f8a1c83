/**
 * A training set that joined nothing still has the right rows and columns; only its values
 * are all null. explain(), run(), write(), fetch() and the CLI must say so, and must stay quiet
 * when the features are there.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { trainingSetCommand } from '../../../sdk/src/cli/training-set-command.js';
import { tempDir, writeStore, type FixtureGroup } from './store-fixture.js';

const D = (d: number, h = 0): number => Date.UTC(2024, 2, d, h);
let root: string;
const groups: FixtureGroup[] = [
  { group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }, { name: 'spend_7d', type: 'DOUBLE' }], rows: [1, 2, 3].map((d) => ({ entity_id: 'u1', feature_ts: D(d), values: [BigInt(d), d * 1.5] })) },
  { group: 'profile', columns: [{ name: 'tier', type: 'VARCHAR' }], rows: [{ entity_id: 'u1', feature_ts: D(1), values: ['gold'] }] },
];

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', groups);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const engine = localEngine();

describe('coverage warnings', () => {
  it('labels a year after the store: explain() names the missing range before anything runs, run() repeats it', async () => {
    const set = trainingSet(root, { labels: [{ entity_id: 'u1', ts: new Date(Date.UTC(2025, 2, 3)) }], entity: 'user', features: ['engagement:*'], ttl: '7d' });
    const explained = await set.explain({ engine });
    expect(explained.warnings).toHaveLength(1);
    expect(explained.warnings[0]).toMatch(/^engagement: no partitions from 2025-02-24 to 2025-03-03 under .*entity=user\/feature_group=engagement/);
    expect(explained.warnings[0]).toMatch(/null for every label.*sluice catalog --store <root> user\/engagement/);
    expect(explained.summary).toContain(`warning: ${explained.warnings[0]}`);
    const result = await set.run({ engine });
    expect(result.table.getChild('engagement__clicks_7d')!.nullCount).toBe(1);
    expect(result.warnings).toEqual(explained.warnings); // not said twice by the all-null check
  });

  it('partitions are read but no entity matches: run() says every value is null, explain() could not know', async () => {
    const set = trainingSet(root, { labels: [{ entity_id: 'U1', ts: new Date(D(3, 12)) }], entity: 'user', features: ['engagement:*', 'profile:tier'], ttl: '7d' });
    expect((await set.explain({ engine })).warnings).toEqual([]);
    const { warnings } = await set.run({ engine });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^engagement: every label got null for all 2 features \(3 partition\(s\) were read\)\. .*entity ids are the store's \(user ids as text\)/);
    expect(warnings[1]).toMatch(/^profile: every label got null for its feature \(1 partition\(s\) were read\)/);
  });

  it('one label joins: no warning, although others are null', async () => {
    const labels = [{ entity_id: 'u1', ts: new Date(D(3, 12)) }, { entity_id: 'nobody', ts: new Date(D(3, 12)) }];
    const result = await trainingSet(root, { labels, entity: 'user', features: ['engagement:*'], ttl: '7d' }).run({ engine });
    expect(result.table.getChild('engagement__clicks_7d')!.toArray()).toEqual(new BigInt64Array([3n, 0n]));
    expect(result.table.getChild('engagement__clicks_7d')!.nullCount).toBe(1);
    expect(result.warnings).toEqual([]);
  });

  it('labels without timestamps: one warning naming the option', async () => {
    const result = await trainingSet(root, { labels: [{ entity_id: 'u1', ts: null }], entity: 'user', features: ['engagement:clicks_7d'], ttl: '7d' }).run({ engine });
    expect(result.warnings).toEqual([expect.stringMatching(/none of the 1 labels has a timestamp.*timestampColumn/)]);
  });

  it('fetch() emits them as process warnings (code SLUICE_TRAINING_SET); write() returns them', async () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const set = trainingSet(root, { labels: [{ entity_id: 'U1', ts: new Date(D(3, 12)) }], entity: 'user', features: ['profile:tier'], ttl: '7d' });
      await set.fetch({ engine });
      expect(emitted).toHaveBeenCalledTimes(1);
      expect(emitted).toHaveBeenCalledWith(expect.stringMatching(/^training set: profile: every label got null/), { code: 'SLUICE_TRAINING_SET' });
      const written = await set.write(join(root, 'out.parquet'), { engine });
      expect(written.warnings).toEqual([expect.stringMatching(/^profile: every label got null/)]);
      expect(emitted).toHaveBeenCalledTimes(1);
      const fine = trainingSet(root, { labels: [{ entity_id: 'u1', ts: new Date(D(3, 12)) }], entity: 'user', features: ['profile:tier'], ttl: '7d' });
      await fine.fetch({ engine });
      expect(emitted).toHaveBeenCalledTimes(1);
    } finally {
      emitted.mockRestore();
    }
  });

  it("the CLI prints each warning once: the plan's with the plan, the result's after the write", async () => {
    const lines: string[] = [];
    const { writeFile } = await import('node:fs/promises');
    const labels = join(root, 'labels.csv');
    await writeFile(labels, 'entity_id,ts\nU1,2024-03-03T12:00:00Z\n');
    const args = ['--store', root, '--labels', labels, '--entity', 'user', '--features', 'profile:tier', '--ttl', '7d', '--out', join(root, 'cli.parquet')];
    expect(await trainingSetCommand(args, (l) => lines.push(l))).toBe(0);
    expect(lines.filter((l) => l.includes('every label got null'))).toEqual([expect.stringMatching(/^warning: profile: every label got null/)]);
    lines.length = 0;
    expect(await trainingSetCommand(['--store', root, '--labels', labels, '--entity', 'user', '--features', 'profile:tier', '--ttl', '7d', '--explain'], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).not.toMatch(/warning/);
  });
});
