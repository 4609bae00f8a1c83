/**
 * Struct columns of a Parquet landing object read page by page (parquet-struct-column.ts over
 * flat leaf readers) give the values hyparquet and the converters give: each row of each row
 * group, after any skip, for structs null at any level, with DuckDB's version 1 and version 2
 * encodings. A struct holding a list or a map is left to hyparquet, and so is the rest of a file.
 * (parquet-row-values.property.test.ts checks the same columns against DuckDB itself.)
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARQUET_CODECS } from '../../../sdk/src/runtime/parquet-codecs.js';
import { pageColumnReaders } from '../../../sdk/src/runtime/parquet-column-readers.js';
import { StructColumnReader } from '../../../sdk/src/runtime/parquet-struct-column.js';
import { columnConverters, PARQUET_PARSERS } from '../../../sdk/src/runtime/parquet-row-values.js';
import { memoryAsyncBuffer } from '../../helpers/memory-async-buffer.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-struct-'));
let db: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
});
afterAll(() => {
  connection?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** 5,000 rows: a Firehose-like event with nested objects, nulls at every level of them. */
const EVENTS = `
  SELECT printf('e%05d', i) AS event_id,
    CASE WHEN i % 11 = 0 THEN NULL ELSE {'id': CASE WHEN i % 7 = 0 THEN NULL ELSE 'u' || (i % 300) END, 'country': ['de', 'fr', 'ünï'][i % 3 + 1]} END AS "user",
    CASE WHEN i % 13 = 0 THEN NULL ELSE {
      'page': CASE WHEN i % 5 = 0 THEN NULL ELSE {'url': '/p/' || i, 'ms': CASE WHEN i % 4 = 0 THEN NULL ELSE i * 1000003 END} END,
      'at': TIMESTAMP '1969-12-31 23:59:59' + to_microseconds(i * 7919),
      'score': CASE WHEN i % 17 = 0 THEN 'NaN'::DOUBLE ELSE i / 3 END,
      'ok': i % 2 = 0} END AS context,
    {'tags': ['a', 'b'][1:(i % 3)], 'n': i} AS with_list,
    MAP {'k': i} AS a_map
  FROM range(5000) t(i)`;

async function valuesBothWays(path: string, skip: number): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  const file = memoryAsyncBuffer(bytes);
  const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
  const schema = parquetSchema(metadata);
  const converters = columnConverters(schema);
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    const readers = await pageColumnReaders(file, schema, group);
    expect(readers.map((r, c) => (r instanceof StructColumnReader ? schema.children[c]!.element.name : undefined)).filter(Boolean)).toEqual(['user', 'context']);
    expect(readers[0], 'event_id: a scalar').toBeDefined();
    expect(readers.slice(3), 'a struct with a list, a map: hyparquet').toEqual([undefined, undefined]);
    for (const [c, name] of [[1, 'user'], [2, 'context']] as const) {
      const expected: unknown[] = [];
      await parquetRead({
        file: bytes.buffer as ArrayBuffer, metadata, columns: [name], rowStart: groupStart, rowEnd: groupStart + rows,
        utf8: false, parsers: PARQUET_PARSERS, compressors: PARQUET_CODECS,
        onChunk: (chunk) => {
          for (let row = Math.max(chunk.rowStart, groupStart); row < Math.min(chunk.rowEnd, groupStart + rows); row++) {
            expected[row - groupStart] = converters[c]!.convert(chunk.columnData[row - chunk.rowStart]);
          }
        },
      });
      const from = Math.min(skip, rows);
      readers[c]!.skip(from);
      const read = Array.from({ length: rows - from }, () => readers[c]!.next());
      // toStrictEqual: null fields and null structs apart, NaN equal to NaN, Dates by instant.
      expect(read, `${name}, row group at ${groupStart}, from row ${from}`).toStrictEqual(expected.slice(from));
    }
    groupStart += rows;
  }
}

describe('struct columns read page by page', () => {
  for (const version of ['V1', 'V2']) {
    it(`give hyparquet's values in every row group, whole and after a skip (${version} encodings)`, async () => {
      const path = join(dir, `events-${version}.parquet`);
      await connection.run(`COPY (${EVENTS}) TO '${path}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048, PARQUET_VERSION ${version})`);
      await valuesBothWays(path, 0);
      await valuesBothWays(path, 777);
    });
  }

  it('are plain objects in the schema\'s field order, null where the struct is', async () => {
    const path = join(dir, 'few.parquet');
    await connection.run(`COPY (SELECT * FROM (${EVENTS}) WHERE event_id IN ('e00000', 'e00001', 'e00007')) TO '${path}' (FORMAT PARQUET)`);
    const bytes = new Uint8Array(readFileSync(path));
    const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
    const readers = await pageColumnReaders(memoryAsyncBuffer(bytes), parquetSchema(metadata), metadata.row_groups[0]!);
    const users = [readers[1]!.next(), readers[1]!.next(), readers[1]!.next()];
    expect(users).toStrictEqual([null, { id: 'u1', country: 'fr' }, { id: null, country: 'fr' }]); // rows 0 (no user), 1, 7 (no id)
    expect(readers[2]!.next()).toBeNull(); // row 0 has no context
    expect(Object.keys(readers[2]!.next() as object)).toEqual(['page', 'at', 'score', 'ok']);
  });
});
