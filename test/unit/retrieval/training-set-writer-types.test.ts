/**
 * write() keeps every label column as it is: an Arrow label table's 8-, 16- and 32-bit integers
 * (a class label `y: Int8`, a count `Uint16`) come back as integers, not text, and two columns
 * of one name each keep their own values. Read back by DuckDB, independently of the writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, RecordBatch, Schema, Struct, Table, makeData, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { writeTable } from '../../../sdk/src/retrieval/training-set-writer.js';
import { tempDir } from './store-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function readBack(path: string): Promise<{ types: Record<string, string>; rows: unknown[][] }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).getRows();
    const rows = (await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRows();
    return { types: Object.fromEntries(described.map((r) => [String(r[0]), String(r[1])])), rows };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('write() as Parquet, integer label columns', () => {
  it('Int8, Int16, Uint8, Uint16 and Uint32 come back as integers with their values', async () => {
    const table = tableFromArrays({
      i8: Int8Array.from([1, -128]),
      i16: Int16Array.from([-2, 32767]),
      u8: Uint8Array.from([0, 255]),
      u16: Uint16Array.from([3, 65535]),
      u32: Uint32Array.from([4, 4_000_000_000]),
    });
    const path = join(dir, 'ints.parquet');
    await writeTable(table, path);
    const { types, rows } = await readBack(path);
    for (const name of ['i8', 'i16', 'u8', 'u16', 'u32']) expect([name, types[name]]).toEqual([name, expect.stringMatching(/^(INTEGER|BIGINT)$/)]);
    expect(rows.map((r) => r.map(Number))).toEqual([[1, -2, 0, 3, 4], [-128, 32767, 255, 65535, 4_000_000_000]]);
  });
});

describe('write(), two label columns of one name', () => {
  for (const format of ['csv', 'parquet'] as const) {
    it(`${format}: each keeps its own values`, async () => {
      const vectors = [vectorFromArray(['first']), vectorFromArray(['second'])];
      const fields = vectors.map((v) => new Field('y', v.type, true));
      const table = new Table([new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 1, nullCount: 0, children: vectors.map((v) => v.data[0]!) }))]);
      const path = join(dir, `dup.${format}`);
      await writeTable(table, path);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      try {
        const reader = format === 'csv' ? `read_csv('${path}', header = true, all_varchar = true)` : `read_parquet('${path}')`;
        expect((await c.runAndReadAll(`SELECT * FROM ${reader}`)).getRows()).toEqual([['first', 'second']]);
      } finally {
        c.closeSync();
        db.closeSync();
      }
    });
  }
});

describe('write(), the format from the file name', () => {
  it('refuses a name that asks for neither Parquet nor CSV, instead of writing Parquet under it', async () => {
    const table = tableFromArrays({ x: Int32Array.from([1]) });
    await expect(writeTable(table, join(dir, 'train.json'))).rejects.toMatchObject({ code: 'INVALID_FORMAT' });
    await expect(writeTable(table, join(dir, 'train.json'))).rejects.toThrow(/"train\.json".*\.parquet or \.csv/);
    // A format given outright decides, and a name without an extension is Parquet.
    await expect(writeTable(table, join(dir, 'train.json'), { format: 'csv' })).resolves.toBeDefined();
    await expect(writeTable(table, join(dir, 'train'))).resolves.toBeDefined();
  });
});
