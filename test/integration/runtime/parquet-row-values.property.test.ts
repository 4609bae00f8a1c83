/**
 * The values the event stage reads from a Parquet file are the values a local run gives zod for
 * it: random rows are written by DuckDB, then read through DuckDB with the local engine's
 * conversion (duckValueToJs, the oracle) and through parquetRecordBatches (hyparquet and
 * parquet-row-values.ts). Integers around ±2^53 and to ±2^63, doubles with NaN, ±Infinity and
 * -0, text with a BOM, astral characters and quotes, instants before 1970 with sub-millisecond
 * digits, dates, decimals (18 and 38 digits), lists with nulls, structs (one within another), and nulls anywhere;
 * several row groups; DuckDB's V1 encodings (PLAIN, dictionary) and its V2 ones (DELTA, byte
 * stream split), which parquet-flat-column.ts decodes itself where it can.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckValueToJs, duckValueToRaw } from '../../../sdk/src/engines/local/validation/duckdb-row-values.js';
import { keepLeadingByteOrderMarks } from '../../../sdk/src/engines/local/duckdb-text-decoding.js';
import { rowToRawJson } from '../../../sdk/src/quality/typed-row-raw.js';
import { parquetRecordBatches } from '../../../sdk/src/runtime/parquet-records.js';
import { memoryAsyncBuffer } from '../../helpers/memory-async-buffer.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-parquet-values-'));
let db: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  // As the local engine reads text (embedded-duckdb.ts): a leading U+FEFF kept.
  keepLeadingByteOrderMarks();
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
});
afterAll(() => {
  connection?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const nullable = <T>(arb: fc.Arbitrary<T>, sql: (v: T) => string) => fc.option(arb.map(sql), { nil: 'NULL', freq: 6 });

const MAX_SAFE = 2n ** 53n;
const bigint = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -MAX_SAFE - 3n, max: -MAX_SAFE + 3n }),
  fc.bigInt({ min: MAX_SAFE - 3n, max: MAX_SAFE + 3n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
);
const double = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0.1, 5e-324));
const doubleSql = (d: number) => (Number.isNaN(d) ? "'NaN'::DOUBLE" : d === Infinity ? "'Infinity'::DOUBLE" : d === -Infinity ? "'-Infinity'::DOUBLE" : Object.is(d, -0) ? "'-0.0'::DOUBLE" : `(${d.toPrecision(17)})::DOUBLE`);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('\uFEFF', '\uFEFFid', "it's", '"q"', '😀', 'ß\u0301', ''),
).filter((s) => !s.includes('\u0000'));
// Microseconds within DuckDB's and JS's shared range, often with sub-millisecond digits.
const micros = fc.oneof(fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }), fc.bigInt({ min: -5000n, max: 5000n }));
const nanos = fc.oneof(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), fc.bigInt({ min: -5_000_000n, max: 5_000_000n }));

const row = fc.record({
  // Literals in parentheses: `-2147483648::INTEGER` casts 2147483648 first, then negates.
  big: nullable(bigint, (b) => `(${b})::BIGINT`),
  int: nullable(fc.integer(), (i) => `(${i})::INTEGER`),
  dbl: nullable(double, doubleSql),
  txt: nullable(text, (s) => `${sqlText(s)}::VARCHAR`),
  ts: nullable(micros, (m) => `make_timestamp((${m})::BIGINT)`),
  tsns: nullable(nanos, (n) => `make_timestamp_ns((${n})::BIGINT)`),
  day: nullable(fc.integer({ min: -100_000, max: 100_000 }), (d) => `(DATE '1970-01-01' + ${d})`),
  dec: nullable(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (b) => `((${b})::DECIMAL(18,0) / 1000)::DECIMAL(18,3)`),
  wide: nullable(fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }), (b) => `((${b})::DECIMAL(38,0) / 1000000)::DECIMAL(38,6)`),
  flag: nullable(fc.boolean(), (b) => String(b)),
  list: nullable(fc.array(fc.option(fc.integer(), { nil: null }), { maxLength: 4 }), (xs) => `[${xs.map((x) => (x === null ? 'NULL' : String(x))).join(', ')}]::INTEGER[]`),
  pair: nullable(fc.tuple(fc.option(text, { nil: null }), fc.option(bigint, { nil: null })), ([s, b]) => `{'s': ${s === null ? 'NULL' : sqlText(s)}::VARCHAR, 'b': ${b === null ? 'NULL' : `(${b})`}::BIGINT}`),
  // A struct within a struct, null at either level or in a field.
  deep: nullable(
    fc.tuple(fc.option(fc.tuple(fc.option(text, { nil: null }), fc.option(micros, { nil: null })), { nil: null }), fc.option(double, { nil: null })),
    ([u, k]) =>
      `{'u': ${u === null ? 'NULL' : `{'id': ${u[0] === null ? 'NULL' : sqlText(u[0])}::VARCHAR, 'seen': ${u[1] === null ? 'NULL::TIMESTAMP' : `make_timestamp((${u[1]})::BIGINT)`}}`}::STRUCT(id VARCHAR, seen TIMESTAMP), 'k': ${k === null ? 'NULL::DOUBLE' : doubleSql(k)}}`,
  ),
});
const COLUMNS = ['big', 'int', 'dbl', 'txt', 'ts', 'tsns', 'day', 'dec', 'wide', 'flag', 'list', 'pair', 'deep'] as const;

let file = 0;
describe('Parquet row values in the event stage', () => {
  it('are the values a local run gives zod, and quarantine the same raw text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), fc.constantFrom(2048, 100_000), fc.constantFrom('V1', 'V2'), async (rows, rowGroupSize, version) => {
        const path = join(dir, `${file++}.parquet`);
        const values = rows.map((r) => `(${COLUMNS.map((c) => r[c]).join(', ')})`).join(',\n');
        // DuckDB's smallest row group is a vector (2,048 rows): repeat the rows to span several.
        const copies = rowGroupSize === 2048 ? Math.ceil(2100 / rows.length) : 1;
        await connection.run(`COPY (SELECT t.* FROM (VALUES ${values}) t(${COLUMNS.join(', ')}), range(${copies}) r(i) ORDER BY i) TO '${path}' (FORMAT PARQUET, ROW_GROUP_SIZE ${rowGroupSize}, PARQUET_VERSION ${version})`);
        const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
        const names = read.columnNames();
        const oracle = read.getRows().map((r) => Object.fromEntries(names.map((n, i) => [n, duckValueToJs(r[i]!)])));
        const oracleRaw = read.getRows().map((r) => rowToRawJson(Object.fromEntries(names.map((n, i) => [n, duckValueToRaw(r[i]!)]))));
        const bytes = new Uint8Array(readFileSync(path));
        const buffer = memoryAsyncBuffer(bytes);
        const records = [];
        for await (const batch of parquetRecordBatches(buffer, 0)) records.push(...batch);
        expect(records.map((r) => r.line)).toEqual(oracle.map((_, i) => i + 1));
        expect(records.map((r) => r.raw)).toEqual(oracleRaw);
        // toStrictEqual tells -0 from 0 and a bigint from a number; NaN equals NaN.
        expect(records.map((r) => r.value)).toStrictEqual(oracle);
      }),
      { numRuns: Number(process.env.PARQUET_VALUES_RUNS ?? 25), ...(process.env.PARQUET_VALUES_SEED ? { seed: Number(process.env.PARQUET_VALUES_SEED) } : {}) },
    );
  }, 120_000);
});
