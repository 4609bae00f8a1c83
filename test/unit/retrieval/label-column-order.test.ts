/**
 * Label columns come out as they went in: same names, same order, same values, then the
 * features. Names that are special to a JavaScript object — integer-like ('0', '1', as a NumPy
 * export writes them; object keys put those first) or '__proto__' (assigning it to an object
 * replaces the prototype instead of adding a key) — are ordinary column names here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, RecordBatch, Schema, Struct, Table, makeData, vectorFromArray } from 'apache-arrow';
import { file } from '../../../sdk/src/sources/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const D = Date.UTC(2024, 0, 5);
const NAMES = ['entity_id', 'ts', '2', '1', '__proto__', 'y'];
const ROWS = [['a', '2024-01-05T01:00:00Z', 'two-a', 'one-a', 'proto-a', 'ya'], ['b', '2024-01-05T02:00:00Z', 'two-b', 'one-b', 'proto-b', 'yb']];
let root: string;

beforeAll(async () => {
  root = await tempDir();
  await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'x', type: 'VARCHAR' }], rows: [{ entity_id: 'a', feature_ts: D, values: ['xa'] }, { entity_id: 'b', feature_ts: D, values: ['xb'] }] }]);
});
afterAll(async () => rm(root, { recursive: true, force: true }));

async function expectColumnsKept(labels: Parameters<typeof trainingSet>[1]['labels']): Promise<void> {
  const table = await trainingSet(root, { labels, entity: 'user', features: ['g:x'], ttl: '1d' }).fetch({ engine: localEngine() });
  expect(table.schema.fields.map((f) => f.name)).toEqual([...NAMES, 'g__x']);
  const read = (name: string, i: number): unknown => table.getChild(name)!.get(i);
  ROWS.forEach((row, i) => {
    NAMES.slice(2).forEach((name, j) => expect([name, read(name, i)]).toEqual([name, row[j + 2]]));
    expect(read('g__x', i)).toBe(`x${row[0]}`);
  });
}

describe('label column names and order', () => {
  it('an Arrow table', async () => {
    // Built from a schema: a plain object of columns would already put '2' and '1' first.
    const vectors = NAMES.map((_, j) => vectorFromArray(ROWS.map((r) => r[j]!)));
    const fields = NAMES.map((name, j) => new Field(name, vectors[j]!.type, true));
    const data = makeData({ type: new Struct(fields), length: ROWS.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
    const labels = new Table([new RecordBatch(new Schema(fields), data)]);
    expect(labels.schema.fields.map((f) => f.name)).toEqual(NAMES);
    await expectColumnsKept(labels);
  });

  it('a CSV file', async () => {
    const path = join(root, 'labels.csv');
    await writeFile(path, [NAMES.join(','), ...ROWS.map((r) => r.join(','))].join('\n'));
    await expectColumnsKept(file(path));
  });

  it('a Parquet file', async () => {
    const path = join(root, 'labels.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const values = ROWS.map((r) => `(${r.map((v) => `'${v}'`).join(', ')})`).join(', ');
    await c.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(${NAMES.map((n) => `"${n}"`).join(', ')})) TO '${path}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    await expectColumnsKept(file(path));
  });
});
