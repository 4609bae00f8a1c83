/**
 * A Parquet landing object with bytes overwritten anywhere (pages, page headers, the footer)
 * is either read with every one of its rows, or refused whole as unreadable (and quarantined
 * whole by the event stage): rows are never dropped without a word, and no other error escapes
 * (it would be retried as if S3 had failed). Files by DuckDB, in both its encoding versions and
 * three codecs, with scalars, a struct and a list, over two row groups.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetRecordBatches } from '../../../sdk/src/runtime/parquet-records.js';
import { UnreadableObjectError } from '../../../sdk/src/runtime/text-stream.js';
import { rewriteParquetFooter } from '../../helpers/parquet-footer.js';
import { memoryAsyncBuffer } from '../../helpers/memory-async-buffer.js';

const ROWS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'sluice-damaged-'));
const files: Uint8Array[] = [];

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  for (const version of ['V1', 'V2']) {
    for (const codec of ['snappy', 'zstd', 'uncompressed']) {
      const path = join(dir, `${version}-${codec}.parquet`);
      await connection.run(`COPY (
        SELECT printf('e%05d', i) AS id, i::BIGINT AS n, i / 3 AS d, i % 2 = 0 AS b, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts,
          CASE WHEN i % 5 = 0 THEN NULL ELSE {'u': 'x' || (i % 7), 'k': i} END AS s, ['a', 'b'][1:(i % 3)] AS tags
        FROM range(${ROWS}) t(i)) TO '${path}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048, PARQUET_VERSION ${version}, COMPRESSION ${codec})`);
      files.push(new Uint8Array(readFileSync(path)));
    }
  }
  connection.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Parquet landing object with damaged bytes', () => {
  it('is read with all its rows or refused whole as unreadable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        // Positions as fractions of the file, so every part of it is hit: the footer is its last few hundred bytes.
        fc.array(fc.tuple(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.double({ min: 0.9, max: 1, noNaN: true, maxExcluded: true })), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (pick, damage) => {
          const bytes = files[pick % files.length]!.slice();
          // The last 8 bytes (footer length, magic) are left: damage there is refused before anything is read.
          for (const [where, value] of damage) bytes[Math.floor(where * (bytes.length - 8))] = value;
          const file = memoryAsyncBuffer(bytes);
          let rows = 0;
          try {
            for await (const batch of parquetRecordBatches(file, 0)) {
              rows += batch.length;
              for (const record of batch) expect(typeof record.raw).toBe('string');
            }
          } catch (error) {
            expect(error).toBeInstanceOf(UnreadableObjectError);
            return;
          }
          expect(rows).toBe(ROWS);
        },
      ),
      { numRuns: Number(process.env.DAMAGED_PARQUET_RUNS ?? 200), ...(process.env.DAMAGED_PARQUET_SEED ? { seed: Number(process.env.DAMAGED_PARQUET_SEED) } : {}) },
    );
  }, 120_000);

  for (const [what, groupRows, message] of [
    ['says it holds fewer than none', -909n, /row group 1 says it holds -909 rows/],
    ['does not add up to the file', 190n, /row groups hold 2238 rows, and it says it holds 3000/],
  ] as const) {
    it(`whose footer's second row group ${what} is unreadable (DuckDB would read it short)`, async () => {
      // FileMetaData.row_groups (field 4), RowGroup.num_rows (field 3).
      const bytes = rewriteParquetFooter(files[0]!, (footer) => {
        (footer.field_4 as { field_3: bigint }[])[1]!.field_3 = groupRows;
      });
      const file = memoryAsyncBuffer(bytes);
      const read = async () => {
        for await (const batch of parquetRecordBatches(file, 0)) void batch;
      };
      await expect(read()).rejects.toThrow(UnreadableObjectError);
      await expect(read()).rejects.toThrow(message);
    });
  }
});
