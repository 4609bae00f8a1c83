/**
 * The event stage's own Parquet writer must write the very bytes hyparquet-writer writes from
 * the same columns: that library is the oracle here (an implementation written apart from
 * ours), and identical bytes mean every reader that read the library's files reads ours.
 * DuckDB reading a file back checks the values themselves, not just the agreement.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { writeFlatParquet, type FlatColumn, type FlatParquetType } from '../../../sdk/src/runtime/flat-parquet-writer.js';

/** A column drawn from a pool of `distinct` values (few: a dictionary wins; many: PLAIN), with nulls now and then, or only nulls. */
function pooled<T>(value: fc.Arbitrary<T>, rows: number, domain = Infinity): fc.Arbitrary<(T | null)[]> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: Math.min(rows, domain) }).chain((distinct) =>
      fc.uniqueArray(value, { minLength: distinct, maxLength: distinct, comparator: 'SameValue' }).chain((pool) =>
        fc.array(fc.option(fc.constantFrom(...pool), { nil: null, freq: 5 }), { minLength: rows, maxLength: rows }),
      )) },
    { weight: 1, arbitrary: fc.constant(new Array<T | null>(rows).fill(null)) },
  );
}

const text = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  // Any UTF-16 code unit: lone surrogates, astral pairs, U+E000–U+FFFF (where UTF-16 order and UTF-8 order part).
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('a', '\ud83d\ude00', '\uffff', '\ue000', '\ud800', '\udc00', 'é'), maxLength: 4 }),
  fc.constantFrom('u1', 'u2', 'view', 'click', 'é', '日本'),
);

const kinds: Record<FlatParquetType, fc.Arbitrary<unknown>> = {
  STRING: text,
  DOUBLE: fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.5)),
  INT64: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  INT32: fc.integer(),
  BOOLEAN: fc.boolean(),
  TIMESTAMP: fc.integer({ min: -8.64e12, max: 8.64e12 }),
};

/** What the library is given for the same column: INT64 and TIMESTAMP as bigints. */
function librarySource(column: FlatColumn): ColumnSource {
  const data = Array.from(column.values, (v) => (v === null || v === undefined ? null : column.type === 'INT64' || column.type === 'TIMESTAMP' ? BigInt(v as number | bigint) : v));
  return { name: column.name, data, type: column.type, ...(column.plain ? { encoding: 'PLAIN' as const } : {}) };
}

const columnsArbitrary = (maxRows: number) =>
  fc.integer({ min: 1, max: maxRows }).chain((rows) =>
    fc.array(
      fc.tuple(fc.constantFrom(...(Object.keys(kinds) as FlatParquetType[])), fc.boolean()).chain(([type, plain]) =>
        pooled(kinds[type], rows, type === 'BOOLEAN' ? 2 : Infinity).map((values): FlatColumn => ({ name: '', type, values, ...(plain && type !== 'BOOLEAN' ? { plain } : {}) })),
      ),
      { minLength: 1, maxLength: 5 },
    ).map((columns) => columns.map((c, i) => ({ ...c, name: `c${i}` }))),
  );

describe('writeFlatParquet', () => {
  it('writes the bytes hyparquet-writer writes from the same columns', () => {
    fc.assert(
      fc.property(columnsArbitrary(1500), fc.constantFrom(100_000, 7, 300), fc.constantFrom(1_048_576, 64, 1000), (columns, rowGroupSize, pageSize) => {
        const ours = writeFlatParquet(columns, { kvMetadata: { 'sluice.pipeline': 'p' }, rowGroupSize, pageSize });
        const reference = new Uint8Array(parquetWriteBuffer({
          columnData: columns.map(librarySource), kvMetadata: [{ key: 'sluice.pipeline', value: 'p' }], rowGroupSize, pageSize,
        }));
        expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('splits a large text column into pages of about 1 MiB, with an offset index, as the library does', () => {
    const ids = Array.from({ length: 60_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const columns: FlatColumn[] = [{ name: 'event_id', type: 'STRING', values: ids }, { name: 'n', type: 'INT64', values: ids.map((_, i) => i % 7) }];
    const ours = writeFlatParquet(columns);
    const reference = new Uint8Array(parquetWriteBuffer({ columnData: columns.map(librarySource), rowGroupSize: 100_000 }));
    expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
  });

  it('writes the length prefix of long text as the library does, ASCII or not, in PLAIN and dictionary pages', () => {
    const lengths = [0, 1, 127, 128, 255, 256, 1023, 1024, 1025, 65_535, 65_536, 70_000];
    for (const unit of ['a', 'é']) {
      const distinct = lengths.map((n, i) => String.fromCharCode(97 + (i % 26)) + unit.repeat(n));
      const repeated = Array.from({ length: 40 }, (_, i) => distinct[i % 3]!);
      for (const values of [distinct, repeated]) {
        const columns: FlatColumn[] = [{ name: 's', type: 'STRING', values }];
        const reference = new Uint8Array(parquetWriteBuffer({ columnData: columns.map(librarySource), rowGroupSize: 100_000 }));
        expect(Buffer.from(writeFlatParquet(columns)).equals(Buffer.from(reference))).toBe(true);
      }
    }
  });

  it('writes values DuckDB reads back as they were given, statistics included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flat-parquet-'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const file = join(dir, 'x.parquet');
      writeFileSync(file, writeFlatParquet([
        { name: 's', type: 'STRING', values: ['b', null, 'a', '日本', '\ud83d\ude00', 'a'] },
        { name: 'd', type: 'DOUBLE', values: [1.5, -2, null, 0, 3, 1.5] },
        { name: 'i', type: 'INT64', values: [9007199254740991, -1, null, 2n ** 62n, 0, -(2n ** 63n)] },
        { name: 't', type: 'TIMESTAMP', values: [1704067200000, null, -1, 0, 1704067200000, 86_400_000] },
        { name: 'b', type: 'BOOLEAN', values: [true, false, null, true, true, false] },
        { name: 'k', type: 'INT32', values: [1, 1, 1, 2, null, -2147483648] },
      ]));
      const rows = (await connection.runAndReadAll(`SELECT s, d, i::VARCHAR AS i, epoch_ms(t) AS t, b, k FROM read_parquet('${file}')`)).getRowObjectsJS();
      expect(rows.map((r) => [r.s, r.d, r.i, r.t === null ? null : Number(r.t), r.b, r.k])).toEqual([
        ['b', 1.5, '9007199254740991', 1704067200000, true, 1],
        [null, -2, '-1', null, false, 1],
        ['a', null, null, -1, null, 1],
        ['日本', 0, String(2n ** 62n), 0, true, 2],
        ['\ud83d\ude00', 3, '0', 1704067200000, true, null],
        ['a', 1.5, String(-(2n ** 63n)), 86_400_000, false, -2147483648],
      ]);
      const stats = (await connection.runAndReadAll(
        `SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${file}') ORDER BY column_id`,
      )).getRowObjectsJS();
      expect(stats.map((s) => [s.col, s.lo, s.hi, Number(s.nulls)])).toEqual([
        ['s', 'a', '\ud83d\ude00', 1],
        ['d', '-2.0', '3.0', 1],
        ['i', String(-(2n ** 63n)), String(2n ** 62n), 1],
        ['t', '1969-12-31 23:59:59.999', '2024-01-01 00:00:00', 1],
        ['b', 'false', 'true', 1],
        ['k', '-2147483648', '2', 1],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a value its column type cannot hold, naming the column type and the value', () => {
    expect(() => writeFlatParquet([{ name: 'n', type: 'INT64', values: [1, 1.5] }])).toThrow(/INT64 column cannot hold 1\.5 \(row 2/);
    expect(() => writeFlatParquet([{ name: 'n', type: 'INT32', values: [2 ** 31] }])).toThrow(/INT32 column cannot hold 2147483648/);
    expect(() => writeFlatParquet([{ name: 'a', type: 'INT32', values: [1] }, { name: 'b', type: 'INT32', values: [] }])).toThrow(/same length/);
  });
});
