/**
 * The public surface: misuse errors (ttl, unknown names with did-you-mean), injection-shaped
 * values and names coming out as data, label sources, write() in both formats, the default
 * engine, and the UTC reading of label times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromArrays } from 'apache-arrow';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { PlanError } from '../../../sdk/src/errors.js';
import { tempDir, writeStore, type FixtureGroup } from './store-fixture.js';

const EVIL = [`o'brien`, `back\\slash`, `semi;colon`, `-- comment`, `/* block */`, `"dq"`, `x'); DROP TABLE label_keys; --`];
const D = (d: number, h = 0): number => Date.UTC(2024, 0, d, h);
let root: string;
const groups: FixtureGroup[] = [
  { group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }, { name: 'spend_30d', type: 'DOUBLE' }], rows: EVIL.map((e, i) => ({ entity_id: e, feature_ts: D(5), values: [BigInt(i), i / 2] })) },
  { group: 'profile', columns: [{ name: 'tier', type: 'VARCHAR' }], rows: EVIL.map((e, i) => ({ entity_id: e, feature_ts: D(4), values: [`${e}|${i}`] })) },
];

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', groups);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const base = { entity: 'user', features: ['engagement:clicks_7d'], ttl: '7d' as const, labels: [{ entity_id: 'u', ts: D(6) }] };

describe('misuse fails early with what to do', () => {
  it('ttl is required; unbounded must be explicit', () => {
    expect(() => trainingSet(root, { ...base, ttl: undefined as never })).toThrow(/ttl: 'unbounded'/);
    expect(() => trainingSet(root, { ...base, ttl: undefined as never })).toThrow(expect.objectContaining({ code: 'TTL_REQUIRED' }));
    expect(() => trainingSet(root, { ...base, ttl: '7 days' as never })).toThrow(expect.objectContaining({ code: 'INVALID_DURATION' }));
    expect(() => trainingSet(root, { ...base, ttl: 'unbounded' })).not.toThrow();
  });

  it('unknown group or feature: did you mean', async () => {
    await expect(trainingSet(root, { ...base, features: ['engagment:clicks_7d'] }).fetch({ engine: localEngine() })).rejects.toThrow(/Did you mean "engagement"\?/);
    await expect(trainingSet(root, { ...base, features: ['engagement:click_7d'] }).explain({ engine: localEngine() })).rejects.toThrow(/Did you mean "clicks_7d"\?.*Features: clicks_7d, spend_30d/);
    await expect(trainingSet(root, { ...base, features: ['engagement'] }).sql()).rejects.toMatchObject({ code: 'INVALID_FEATURE_REF' });
    expect(() => trainingSet(root, { ...base, features: [] })).toThrow(PlanError);
  });

  it('a missing label column names the option to use', async () => {
    await expect(trainingSet(root, { ...base, labels: [{ user: 'u', ts: D(6) }] }).fetch({ engine: localEngine() })).rejects.toThrow(/entityColumn/);
    await expect(trainingSet(root, { ...base, labels: [{ entity_id: 'u', ts: 'yesterday' }] }).fetch({ engine: localEngine() })).rejects.toMatchObject({ code: 'LABEL_TS_INVALID' });
  });
});

describe('injection-shaped ids, values and names are data', () => {
  it('entity ids, label values and label column names with quotes, backslashes, semicolons and comments', async () => {
    const labels = EVIL.map((e, i) => ({ [`we"ird'col`]: e, 'semi;colon -- name': `${e}!`, entity_id: e, ts: new Date(D(6)), y: i }));
    for (const strategy of ['asof', 'range'] as const) {
      const table = await trainingSet(root, { labels, entity: 'user', features: ['engagement:*', 'profile:tier'], ttl: '7d' }).fetch({ engine: localEngine({ strategy }) });
      expect(table.schema.fields.map((f) => f.name)).toEqual([`we"ird'col`, 'semi;colon -- name', 'entity_id', 'ts', 'y', 'engagement__clicks_7d', 'engagement__spend_30d', 'profile__tier']);
      const rows = table.toArray().map((r) => r.toJSON());
      rows.forEach((r, i) => {
        expect(r[`we"ird'col`]).toBe(EVIL[i]);
        expect(r['semi;colon -- name']).toBe(`${EVIL[i]}!`);
        expect([r.engagement__clicks_7d, r.engagement__spend_30d, r.profile__tier]).toEqual([BigInt(i), i / 2, `${EVIL[i]}|${i}`]);
      });
    }
  });
});

describe('inputs and outputs', () => {
  it('labels from an Arrow table, a parquet file() source, and ISO strings without offset read as UTC', async () => {
    const arrowLabels = tableFromArrays({ entity_id: [EVIL[0]!, EVIL[1]!], ts: ['2024-01-05 00:00:00', '2024-01-04T23:59:59.999'] });
    const a = await trainingSet(root, { labels: arrowLabels, entity: 'user', features: ['engagement:clicks_7d'], ttl: '7d' }).fetch({ engine: localEngine() });
    // exactly on feature_ts (2024-01-05T00:00Z) matches; 1 ms before does not — in UTC, whatever TZ says
    const clicks = a.getChild('engagement__clicks_7d')!;
    expect([clicks.get(0), clicks.get(1)]).toEqual([0n, null]);

    const dir = await tempDir();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const path = join(dir, 'labels.parquet');
    await c.run(`COPY (SELECT 'semi;colon' AS uid, TIMESTAMP '2024-01-06 00:00:00' AS event_time, 1 AS label) TO '${path}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    const source = { kind: 'source', scheme: 'file', uri: path, compression: 'auto' } as const;
    const b = await trainingSet(root, { labels: source, entity: 'user', features: ['profile:tier'], ttl: '7d', entityColumn: 'uid', timestampColumn: 'event_time' }).fetch({ engine: localEngine() });
    const row = b.toArray().map((r) => r.toJSON())[0]!;
    expect(b.numRows).toBe(1);
    expect([row.uid, row.label, row.profile__tier]).toEqual(['semi;colon', 1, 'semi;colon|2']);
    expect(row.event_time).toBe(D(6)); // the label's own column, kept as a UTC millisecond timestamp
    await rm(dir, { recursive: true, force: true });
  });

  it('write() parquet and csv, read back independently', async () => {
    const dir = await tempDir();
    const labels = [{ entity_id: `o'brien`, ts: new Date(D(6)), note: 'a,"b"' }, { entity_id: 'absent', ts: new Date(D(6)), note: null }];
    const set = trainingSet(root, { labels, entity: 'user', features: ['engagement:*'], ttl: '7d' });
    await set.write(join(dir, 'out.parquet'), { format: 'parquet', engine: localEngine() });
    await set.write(join(dir, 'out.csv'), { format: 'csv', engine: localEngine() });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (await c.runAndReadAll(`SELECT entity_id, epoch_ms(ts) AS ts, note, engagement__clicks_7d AS c, engagement__spend_30d AS s FROM read_parquet('${join(dir, 'out.parquet')}')`)).getRowObjectsJS();
    c.closeSync();
    db.closeSync();
    expect(rows).toEqual([
      { entity_id: `o'brien`, ts: BigInt(D(6)), note: 'a,"b"', c: 0n, s: 0 },
      { entity_id: 'absent', ts: BigInt(D(6)), note: null, c: null, s: null },
    ]);
    expect(await readFile(join(dir, 'out.csv'), 'utf8')).toBe(
      'entity_id,ts,note,engagement__clicks_7d,engagement__spend_30d\n' +
        `o'brien,2024-01-06T00:00:00.000Z,"a,""b""",0,0\n` +
        'absent,2024-01-06T00:00:00.000Z,,,\n',
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('the default engine is the local one; sql() prints both dialects', async () => {
    const set = trainingSet(root, base);
    expect((await set.fetch()).numRows).toBe(1);
    expect(await set.sql('duckdb')).toMatch(/ASOF LEFT JOIN/);
    const trino = await set.sql('trino');
    expect(trino).toMatch(/^UNLOAD \(SELECT \* FROM \(WITH/);
    expect(trino).toContain('"dt" BETWEEN \'2023-12-30\' AND \'2024-01-06\'');
  });
});

