/**
 * INT96 instants (Firehose's Parquet conversion, Hive, Impala and older Spark write them) in a
 * Parquet landing object: the event stage gives zod the Date a local run gives it. DuckDB reads
 * the file (the oracle, through the local engine's conversion); the event stage reads it through
 * parquet-flat-column.ts, and hyparquet with the converters (as it would read an INT96 inside a
 * struct) must agree too. Instants before 1970 with nanoseconds that are not whole
 * microseconds, repeated values (dictionary pages), nulls, several row groups.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckValueToJs } from '../../../sdk/src/engines/local/validation/duckdb-row-values.js';
import { PARQUET_CODECS } from '../../../sdk/src/runtime/parquet-codecs.js';
import { flatColumnReader } from '../../../sdk/src/runtime/parquet-flat-column.js';
import { parquetRecordBatches } from '../../../sdk/src/runtime/parquet-records.js';
import { columnConverters, PARQUET_PARSERS } from '../../../sdk/src/runtime/parquet-row-values.js';
import { int96ParquetFile } from '../../helpers/int96-parquet.js';
import { memoryAsyncBuffer } from '../../helpers/memory-async-buffer.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-int96-'));
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

/**
 * Nanoseconds since 1970, often near it and off the microsecond; from Julian day 0 (4713 BC: DuckDB
 * wraps an earlier day around to year 63427) to the last instant a Date holds (8.64e15 ms).
 */
const nanos = fc.oneof(
  fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  fc.bigInt({ min: -5_000_000n, max: 5_000_000n }),
  fc.bigInt({ min: -2_440_588n * 86_400_000_000_000n, max: 8_640_000_000_000_000_000_000n }),
);

let file = 0;
async function eventStageValues(bytes: Uint8Array): Promise<unknown[]> {
  const buffer = memoryAsyncBuffer(bytes);
  const values: unknown[] = [];
  for await (const batch of parquetRecordBatches(buffer, 0)) for (const record of batch) values.push(record.value!.ts);
  return values;
}

async function hyparquetValues(bytes: Uint8Array): Promise<unknown[]> {
  const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
  const [converter] = columnConverters(parquetSchema(metadata));
  const values: unknown[] = [];
  await parquetRead({
    file: bytes.buffer as ArrayBuffer, metadata, utf8: false, parsers: PARQUET_PARSERS, compressors: PARQUET_CODECS,
    onChunk: (chunk) => {
      for (let i = 0; i < chunk.columnData.length; i++) values[chunk.rowStart + i] = converter!.convert(chunk.columnData[i]);
    },
  });
  return values;
}

describe('INT96 instants in a Parquet landing object', () => {
  it('are the Dates a local run gives zod, read by the flat column reader and by hyparquet alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(nanos, { nil: null, freq: 6 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        async (values, copies, rowGroupSize) => {
          // Repeats make dictionary pages likely.
          const column = Array.from({ length: copies }, () => values).flat();
          const bytes = int96ParquetFile([{ name: 'ts', nanos: column }], { rowGroupSize });
          const path = join(dir, `${file++}.parquet`);
          writeFileSync(path, bytes);
          const read = await connection.runAndReadAll(`SELECT ts FROM read_parquet('${path}')`);
          expect(read.columnTypes()[0]!.toString()).toBe('TIMESTAMP');
          const oracle = read.getRows().map((r) => duckValueToJs(r[0]!));
          // The flat reader takes the column (not left to hyparquet).
          const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
          const meta = metadata.row_groups[0]!.columns[0]!.meta_data!;
          const from = Number(meta.dictionary_page_offset || meta.data_page_offset);
          expect(meta.type).toBe('INT96');
          expect(flatColumnReader(bytes.subarray(from, from + Number(meta.total_compressed_size)), meta, metadata.schema[1]!, Number(metadata.row_groups[0]!.num_rows))).toBeDefined();
          // toStrictEqual compares Dates by instant (an Invalid Date equals only another).
          expect(await eventStageValues(bytes)).toStrictEqual(oracle);
          expect(await hyparquetValues(bytes)).toStrictEqual(oracle);
        },
      ),
      { numRuns: Number(process.env.INT96_RUNS ?? 40), ...(process.env.INT96_SEED ? { seed: Number(process.env.INT96_SEED) } : {}) },
    );
  }, 120_000);

  it('floors an instant before 1970 that is not a whole microsecond, as DuckDB does', async () => {
    // -1,000,000,500 ns: DuckDB reads -1,000,001 µs, which a local run floors to -1,001 ms.
    const bytes = int96ParquetFile([{ name: 'ts', nanos: [-1_000_000_500n, -1_500n, 1_000_000_500n] }]);
    expect(await eventStageValues(bytes)).toStrictEqual([new Date(-1001), new Date(-1), new Date(1000)]);
  });
});
