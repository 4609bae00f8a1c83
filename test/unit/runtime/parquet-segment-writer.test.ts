/**
 * The segment writer converts the event stage's values (timestamps as milliseconds, Dates or
 * text; integers as numbers) and writes them with its own Parquet writer, skipping the
 * dictionary trial for ascending line numbers: the files must be byte-for-byte the ones
 * hyparquet-writer writes from plain strings, numbers and bigints with no hint.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeParquetColumns } from '../../../sdk/src/runtime/parquet-segment-writer.js';
import type { OutputColumn } from '../../../sdk/src/runtime/row-transformer.js';

const columns: OutputColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'label', type: 'string' },
  { name: 'amount', type: 'number' },
  { name: 'ts', type: 'timestamp' },
  { name: 'n', type: 'integer' },
];

/** A column drawn from a pool of `distinct` values (few: a dictionary wins; many: PLAIN), with nulls. */
function pooled<T>(value: fc.Arbitrary<T>, rows: number): fc.Arbitrary<(T | null)[]> {
  return fc.integer({ min: 1, max: rows }).chain((distinct) =>
    fc.uniqueArray(value, { minLength: distinct, maxLength: distinct }).chain((pool) =>
      fc.array(fc.option(fc.constantFrom(...pool), { nil: null, freq: 5 }), { minLength: rows, maxLength: rows }),
    ),
  );
}

const text = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('u1', 'u2', 'view', 'click', 'é', '日本'),
);

describe('writeParquetColumns', () => {
  it('writes the bytes hyparquet-writer writes from the same values without hints', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1400 }).chain((rows) =>
          fc.tuple(
            pooled(text, rows),
            pooled(text, rows),
            pooled(fc.double({ noNaN: false }), rows),
            pooled(fc.integer({ min: 0, max: 4e12 }), rows),
            pooled(fc.integer({ min: -1e6, max: 1e6 }), rows),
            fc.constantFrom('ascending', 'shuffled', 'repeated'),
          ),
        ),
        ([id, label, amount, ts, n, order]) => {
          const rows = id.length;
          const lines = Array.from({ length: rows }, (_, i) => (order === 'ascending' ? i : order === 'shuffled' ? (i * 7919) % rows : Math.floor(i / 50)) + 1);
          // The event stage buffers a timestamp column as epoch milliseconds; a derive() may yield Dates or strings.
          const timestamps = ts.map((t, i) => (t === null ? null : i % 3 === 0 ? t : i % 3 === 1 ? new Date(t) : new Date(t).toISOString()));
          const values = [id, label, amount, timestamps, n];
          const metadata = { 'sluice.pipeline': 'p' };
          // 'repeated': fifty records to a line (JSON records back to back), numbered within it.
          const lineIndexes = lines.map((_, i) => (order === 'repeated' ? (i % 50) + 1 : 1));
          const ours = writeParquetColumns(columns, values, lines, 's3://b/k.jsonl', metadata, {}, lineIndexes);
          const reference = new Uint8Array(parquetWriteBuffer({
            columnData: [
              { name: 'id', data: id, type: 'STRING' },
              { name: 'label', data: label, type: 'STRING' },
              { name: 'amount', data: amount, type: 'DOUBLE' },
              { name: 'ts', data: ts.map((t) => (t === null ? null : BigInt(t))), type: 'TIMESTAMP' },
              { name: 'n', data: n.map((v) => (v === null ? null : BigInt(v))), type: 'INT64' },
              { name: '_object', data: new Array<string>(rows).fill('s3://b/k.jsonl'), type: 'STRING' },
              { name: '_line', data: lines.map((l) => BigInt(l)), type: 'INT64' },
              { name: '_line_index', data: lineIndexes, type: 'INT32' },
            ],
            kvMetadata: [{ key: 'sluice.pipeline', value: 'p' }],
            rowGroupSize: 100_000,
          }));
          expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
