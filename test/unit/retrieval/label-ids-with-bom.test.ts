/**
 * Label ids are read as written. A value that begins with U+FEFF (a byte order mark pasted into
 * an id, or text from a tool that adds one) keeps it: it is another id than the one without, in
 * the store and in the training set. A decoder's default of dropping a leading BOM is right for
 * a file, never for a value — and both hyparquet (Parquet labels) and apache-arrow's get() (every
 * labels input's ids) decode with that default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { Dictionary, Int32, Table, Utf8, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { file } from '../../../sdk/src/sources/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const D = Date.UTC(2024, 0, 5);
const BOM = '\ufeff';
let root: string;

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', [{
    group: 'g', columns: [{ name: 'x', type: 'VARCHAR' }],
    rows: [{ entity_id: 'a', feature_ts: D, values: ['plain'] }, { entity_id: `${BOM}a`, feature_ts: D, values: ['marked'] }],
  }]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

async function joined(labels: Parameters<typeof trainingSet>[1]['labels']): Promise<unknown[]> {
  const table = await trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '1d' }).fetch({ engine: localEngine() });
  return [0, 1].map((i) => table.getChild('g__x')!.get(i));
}

describe('label ids with a leading U+FEFF', () => {
  it('join their own features from CSV, JSON, an array of objects and an Arrow table (dictionary-encoded too)', async () => {
    const csv = join(root, 'labels.csv');
    await writeFile(csv, `entity_id,ts\n${BOM}a,2024-01-05T01:00:00Z\na,2024-01-05T02:00:00Z\n`);
    const jsonl = join(root, 'labels.jsonl');
    await writeFile(jsonl, `{"entity_id":"${BOM}a","ts":"2024-01-05T01:00:00Z"}\n{"entity_id":"a","ts":"2024-01-05T02:00:00Z"}\n`);
    const objects = [{ entity_id: `${BOM}a`, ts: '2024-01-05T01:00:00Z' }, { entity_id: 'a', ts: '2024-01-05T02:00:00Z' }];
    const ts = [Date.UTC(2024, 0, 5, 1), Date.UTC(2024, 0, 5, 2)].map((ms) => new Date(ms));
    const arrowTable = tableFromArrays({ entity_id: [`${BOM}a`, 'a'], ts });
    const dictionaryTable = new Table({ entity_id: vectorFromArray([`${BOM}a`, 'a'], new Dictionary(new Utf8(), new Int32())), ts: vectorFromArray(ts) });
    for (const labels of [file(csv), file(jsonl), objects, arrowTable, dictionaryTable]) expect(await joined(labels)).toEqual(['marked', 'plain']);
  });

  it('are read from Parquet as written, other text too, and join their own features', async () => {
    const path = join(root, 'labels.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM (VALUES ('${BOM}a', TIMESTAMP '2024-01-05 01:00:00', '${BOM}note'), ('a', TIMESTAMP '2024-01-05 02:00:00', 'note'))
      AS t(entity_id, ts, comment)) TO '${path}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    const table = await trainingSet(root, { labels: file(path), entity: 'user', features: ['g:x'], ttl: '1d' }).fetch({ engine: localEngine() });
    // apache-arrow's get() drops a leading BOM itself: the stored UTF-8 bytes are read instead.
    const text = (column: string, i: number): string => {
      const data = table.getChild(column)!.data[0]!;
      return Buffer.from(data.values.subarray(data.valueOffsets[i]!, data.valueOffsets[i + 1]!)).toString('utf8');
    };
    expect([0, 1].map((i) => [text('entity_id', i), text('comment', i), text('g__x', i)])).toEqual([
      [`${BOM}a`, `${BOM}note`, 'marked'],
      ['a', 'note', 'plain'],
    ]);
  });

  it('keep it in a training set written to CSV and to Parquet', async () => {
    const labels = [{ entity_id: `${BOM}a`, ts: '2024-01-05T01:00:00Z' }, { entity_id: 'a', ts: '2024-01-05T02:00:00Z' }];
    const set = trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '1d' });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      for (const name of ['train.csv', 'train.parquet']) {
        const path = join(root, name);
        await set.write(path, { engine: localEngine() });
        const read = name.endsWith('.csv') ? `read_csv('${path}', header = true, all_varchar = true)` : `read_parquet('${path}')`;
        const rows = (await c.runAndReadAll(`SELECT hex(encode(entity_id)) AS id, g__x FROM ${read}`)).getRowObjectsJS();
        expect([name, rows.map((r) => [r.id, r.g__x])]).toEqual([name, [['EFBBBF61', 'marked'], ['61', 'plain']]]);
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
