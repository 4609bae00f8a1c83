/**
 * parquet-flat-column.ts reads a scalar column's pages itself. hyparquet, with the converters of
 * parquet-row-values.ts, is the reference: for every column chunk, the flat reader gives the
 * value hyparquet gives at every row (Object.is: -0 and NaN; a bigint is not a number; Dates by
 * instant), and after skip(k) it gives row k's. The files are hyparquet-writer's: DATA_PAGE_V2
 * pages (DuckDB writes version 1 pages, which parquet-row-values.property.test.ts covers against
 * DuckDB itself), required and optional columns, each encoding it writes, small pages, several
 * row groups. A chunk in an encoding the reader leaves to hyparquet must be refused, not misread.
 */
import fc from 'fast-check';
import { parquetMetadata, parquetRead, parquetSchema, type ColumnMetaData, type Encoding } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { PARQUET_CODECS } from '../../../sdk/src/runtime/parquet-codecs.js';
import { flatColumnReader } from '../../../sdk/src/runtime/parquet-flat-column.js';
import { columnConverters, PARQUET_PARSERS } from '../../../sdk/src/runtime/parquet-row-values.js';

type WriterType = 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'FLOAT' | 'BOOLEAN' | 'TIMESTAMP';

/** Encodings hyparquet-writer writes for each type, and whether the flat reader takes them. */
const ENCODINGS: Record<WriterType, readonly (readonly [Encoding | undefined, boolean])[]> = {
  STRING: [[undefined, true], ['PLAIN', true], ['DELTA_LENGTH_BYTE_ARRAY', true], ['DELTA_BYTE_ARRAY', false]],
  INT32: [[undefined, true], ['PLAIN', true], ['DELTA_BINARY_PACKED', true], ['BYTE_STREAM_SPLIT', false]],
  INT64: [[undefined, true], ['PLAIN', true], ['DELTA_BINARY_PACKED', true]],
  DOUBLE: [[undefined, true], ['PLAIN', true], ['BYTE_STREAM_SPLIT', true]],
  FLOAT: [[undefined, true], ['PLAIN', true], ['BYTE_STREAM_SPLIT', true]],
  BOOLEAN: [[undefined, true], ['PLAIN', true], ['RLE', true]],
  TIMESTAMP: [[undefined, true], ['PLAIN', true], ['DELTA_BINARY_PACKED', true]],
};

const MAX_SAFE = 2n ** 53n;
const valuesOf: Record<WriterType, fc.Arbitrary<unknown>> = {
  STRING: fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 120, maxLength: 300 }), // lengths past 127: not an ASCII page
    fc.constantFrom('\uFEFF', '\uFEFFid', 'view', 'click', 'purchase', '', 'é', '😀'),
  ),
  INT32: fc.oneof(fc.integer(), fc.integer({ min: -3, max: 3 })),
  INT64: fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -MAX_SAFE - 2n, max: -MAX_SAFE + 2n }),
    fc.bigInt({ min: MAX_SAFE - 2n, max: MAX_SAFE + 2n }),
    fc.bigInt({ min: -5n, max: 5n }),
  ),
  DOUBLE: fc.oneof(fc.double(), fc.constantFrom(Number.NaN, -0, Infinity, -Infinity, 5e-324)),
  FLOAT: fc.oneof(fc.float(), fc.constantFrom(Number.NaN, -0, Infinity)).map(Math.fround),
  BOOLEAN: fc.boolean(),
  // Milliseconds either side of 1970, within what a Date holds.
  TIMESTAMP: fc.integer({ min: -2e12, max: 5e12 }).map((ms) => new Date(ms)),
};

const column = fc
  .record({
    type: fc.constantFrom<WriterType>('STRING', 'INT32', 'INT64', 'DOUBLE', 'FLOAT', 'BOOLEAN', 'TIMESTAMP'),
    nullable: fc.boolean(),
    encodingPick: fc.nat(),
    seed: fc.nat(),
  })
  .map(({ type, nullable, encodingPick, seed }) => {
    const [encoding, taken] = ENCODINGS[type][encodingPick % ENCODINGS[type].length]!;
    return { type, nullable, encoding, taken, seed };
  });

const file = fc.record({
  columns: fc.array(column, { minLength: 1, maxLength: 5 }),
  rows: fc.integer({ min: 0, max: 1500 }),
  rowGroupSize: fc.integer({ min: 1, max: 2000 }),
  pageSize: fc.constantFrom(64, 512, 4096, 1 << 20),
  codec: fc.constantFrom('SNAPPY' as const, 'UNCOMPRESSED' as const),
  nullEvery: fc.integer({ min: 2, max: 7 }),
});

/** Values equal as zod would see them: -0 is not 0, NaN is NaN, Dates by instant (an Invalid Date too). */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  return Object.is(a, b);
}

describe('the flat column reader', () => {
  it('gives every row the value hyparquet and the converters give it, and skip(k) lands on row k', async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ columns, rows, rowGroupSize, pageSize, codec, nullEvery }) => {
        const columnData = columns.map((c, i) => {
          const values = fc.sample(fc.array(valuesOf[c.type], { minLength: rows, maxLength: rows }), { seed: c.seed, numRuns: 1 })[0]!;
          const data = values.map((v, row) => (c.nullable && (row + i) % nullEvery === 0 ? null : v));
          // (hyparquet-writer names encodings with its own copy of hyparquet's types)
          return { name: `c${i}`, type: c.type, nullable: c.nullable, data, ...(c.encoding ? { encoding: c.encoding as ColumnSource['encoding'] } : {}) };
        });
        const arrayBuffer = parquetWriteBuffer({ columnData, rowGroupSize, pageSize, codec });
        const bytes = new Uint8Array(arrayBuffer);
        const metadata = parquetMetadata(arrayBuffer);
        const schema = parquetSchema(metadata);
        const converters = columnConverters(schema);
        let groupStart = 0;
        for (const group of metadata.row_groups) {
          const groupRows = Number(group.num_rows);
          for (const [c, spec] of columns.entries()) {
            const name = `c${c}`;
            const meta = group.columns.find((chunk) => chunk.meta_data!.path_in_schema[0] === name)!.meta_data!;
            const chunk = chunkBytes(bytes, meta);
            const element = schema.children.find((child) => child.element.name === name)!.element;
            const reader = flatColumnReader(chunk, meta, element, groupRows);
            if (!spec.taken) {
              expect(reader, `${spec.type} ${spec.encoding}: left to hyparquet`).toBeUndefined();
              continue;
            }
            expect(reader, `${spec.type} ${spec.encoding ?? 'default'} (${meta.encodings.join(', ')})`).toBeDefined();
            const expected: unknown[] = [];
            await parquetRead({
              file: arrayBuffer, metadata, columns: [name], rowStart: groupStart, rowEnd: groupStart + groupRows,
              utf8: false, parsers: PARQUET_PARSERS, compressors: PARQUET_CODECS,
              onChunk: (got) => {
                for (let row = Math.max(got.rowStart, groupStart); row < Math.min(got.rowEnd, groupStart + groupRows); row++) {
                  expected[row - groupStart] = converters[c]!.convert(got.columnData[row - got.rowStart]);
                }
              },
            });
            const read = Array.from({ length: groupRows }, () => reader!.next());
            const firstDifference = read.findIndex((v, row) => !same(v, expected[row]));
            expect(firstDifference, `${spec.type} ${spec.encoding ?? 'default'} row ${firstDifference}: ${String(read[firstDifference])} vs ${String(expected[firstDifference])}`).toBe(-1);
            expect(() => reader!.next(), 'no rows past the group').toThrow(/fewer values/);
            const skip = Math.floor((spec.seed % 1000) / 1000 * (groupRows + 1));
            const skipping = flatColumnReader(chunk, meta, element, groupRows)!;
            skipping.skip(skip);
            const rest = Array.from({ length: groupRows - skip }, () => skipping.next());
            expect(rest.findIndex((v, i) => !same(v, expected[skip + i])), `after skip(${skip})`).toBe(-1);
          }
          groupStart += groupRows;
        }
      }),
      { numRuns: Number(process.env.FLAT_COLUMN_RUNS ?? 60), ...(process.env.FLAT_COLUMN_SEED ? { seed: Number(process.env.FLAT_COLUMN_SEED) } : {}) },
    );
  }, 120_000);
});

/** The chunk's bytes as the event stage fetches them: from its dictionary page, or first data page. */
function chunkBytes(file: Uint8Array, meta: ColumnMetaData): Uint8Array {
  const from = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return file.subarray(from, from + Number(meta.total_compressed_size));
}
