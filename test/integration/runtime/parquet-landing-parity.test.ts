/**
 * Parquet landing objects in the event stage, against a local run of the same pipeline over the
 * same file (the oracle: DuckDB reads it there, hyparquet here): the same rows valid and
 * quarantined, with the same issues and raw content, and the same values stored — for every
 * type DuckDB writes, for every page codec, across row groups and checkpoints, gzip-wrapped; a
 * damaged file is unreadable in both, and an S3 failure while reading is not taken for one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { parquetRecordBatches } from '../../../sdk/src/runtime/parquet-records.js';
import { duckValueToJs, duckValueToRaw } from '../../../sdk/src/engines/local/validation/duckdb-row-values.js';
import { rowToRawJson } from '../../../sdk/src/quality/typed-row-raw.js';
import { keepLeadingByteOrderMarks } from '../../../sdk/src/engines/local/duckdb-text-decoding.js';
import { query } from '../../helpers/duckdb-query.js';
import { eventStageDecision, localDecision, type PipelineFor } from './parity-decisions.js';
import { invoke, invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';
import { memoryAsyncBuffer } from '../../helpers/memory-async-buffer.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-parquet-landing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Parquet file DuckDB writes from `select` (its bytes). */
async function parquetOf(name: string, select: string, options = 'COMPRESSION snappy'): Promise<Uint8Array> {
  const path = join(dir, 'made', name);
  mkdirSync(join(dir, 'made'), { recursive: true });
  await query(`COPY (${select}) TO '${path}' (FORMAT PARQUET, ${options})`);
  return new Uint8Array(readFileSync(path));
}

/** Scalars of every kind DuckDB writes, with rows each check rejects. */
const SCALARS = `SELECT * FROM (VALUES
  (1, 5::BIGINT, 7::UBIGINT, 1.5::FLOAT, 2.25::DOUBLE, 'x', '\uFEFFbom', DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05.678912', TIMESTAMP_NS '1969-12-31 23:59:59.9999995', TIMESTAMPTZ '2024-01-02 03:04:05+00', TIMESTAMP_MS '2024-01-02 03:04:05.123', 12.34::DECIMAL(10,2), 123456789012345678901234.5::DECIMAL(38,1), true, '550e8400-e29b-41d4-a716-446655440000'::UUID, TIME '12:34:56.789', '\\x00\\xFFa''"b'::BLOB, 3::TINYINT, 4::USMALLINT, INTERVAL '1 year 2 months 3 days 04:05:06.007', '12:00:00.123456789'::TIME_NS),
  (2, 9007199254740993::BIGINT, 18446744073709551615::UBIGINT, 'NaN'::FLOAT, 'Infinity'::DOUBLE, '', 'no bom', DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.9995', TIMESTAMP_NS '2024-01-01 00:00:00.000000001', NULL, NULL, -0.01::DECIMAL(10,2), NULL, false, NULL, TIME '00:00:00', ''::BLOB, -3::TINYINT, NULL, INTERVAL '30 hours', '00:00:00'::TIME_NS),
  (3, NULL, 0::UBIGINT, NULL, '-Infinity'::DOUBLE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, -9007199254740991::BIGINT, 1::UBIGINT, -0.0::FLOAT, 0.1::DOUBLE, 'ok', '\uFEFF', DATE '2262-04-11', TIMESTAMP '2000-02-29 12:00:00', TIMESTAMP_NS '1970-01-01 00:00:00', TIMESTAMPTZ '1999-12-31 23:59:59.999999+00', TIMESTAMP_MS '1970-01-01 00:00:00.001', 99999999.99::DECIMAL(10,2), -1.5::DECIMAL(38,1), NULL, '00000000-0000-0000-0000-000000000000'::UUID, TIME '23:59:59.999999', 'plain'::BLOB, 127::TINYINT, 65535::USMALLINT, INTERVAL '0 seconds', '23:59:59.999999999'::TIME_NS)
) t(id, big, ubig, f, d, s, bom, day, ts, tns, tstz, tms, dec, wide, flag, uid, clock, bytes, tiny, usmall, span, clock_ns)`;

const Scalars = z.object({
  id: z.number().int(),
  big: z.number().int().nullable(),
  ubig: z.number().int(),
  f: z.number().nullable(),
  d: z.number().finite(),
  s: z.string().min(1).nullable(),
  bom: z.string().nullable(),
  day: z.date().nullable(),
  ts: z.date().nullable(),
  tns: z.date().nullable(),
  tstz: z.date().nullable(),
  tms: z.date().nullable(),
  dec: z.number().nullable(),
  wide: z.number().nullable(),
  flag: z.boolean().nullable(),
  uid: z.string().uuid().nullable(),
  clock: z.string().regex(/^\d\d:\d\d:\d\d(\.\d+)?$/).nullable(),
  tiny: z.number().int().nullable(),
  usmall: z.number().int().nullable(),
  span: z.string().nullable(),
  clock_ns: z.string().nullable(),
});

/** The same columns as a schema that rejects every row, each for values only its own type has. */
const Strict = z.object({
  id: z.number().int().max(0),
  bom: z.string().regex(/^[^\uFEFF]+$/).nullable(),
  tns: z.date().min(new Date(0)).nullable(),
  bytes: z.string().nullable(),
  d: z.number().max(1),
});

describe('a Parquet landing object in the event stage, against a local run of the same file', () => {
  let scalars: Uint8Array;
  beforeAll(async () => {
    scalars = await parquetOf('scalars.parquet', SCALARS);
  });

  it('decides every row of every scalar type as the local run does, raw content included', async () => {
    for (const [i, schema] of [Scalars, Strict].entries()) {
      const pipelineFor = (path: string) => pipeline('typed').from(file(path)).validate(schema);
      const local = await localDecision(dir, pipelineFor, `scalars-${i}.parquet`, scalars, { raw: true });
      const event = await eventStageDecision(pipelineFor, `scalars-${i}.parquet`, scalars, { raw: true });
      expect(event).toEqual(local);
      expect(local.counts).toEqual(schema === Scalars ? { in: 4, valid: 2, quarantined: 2 } : { in: 4, valid: 0, quarantined: 4 });
    }
  });

  it('stores the same values in the validated zone', async () => {
    const pipelineFor = (path: string) => pipeline('typed').from(file(path)).validate(Scalars);
    const { local, event } = await storedBothWays(pipelineFor, 'stored.parquet', scalars);
    expect(event).toEqual(local);
    expect(local.map((r) => r._line)).toEqual([1n, 4n]);
    // What hyparquet alone gets wrong, right here too: the pre-1970 instant floored, the BOM kept, the TIME as text.
    expect(local[0]).toMatchObject({ tns: new Date(-1), bom: '\uFEFFbom', clock: '12:34:56.789', ubig: 7n, span: '1 year 2 months 3 days 04:05:06.007', clock_ns: '12:00:00.123456789' });
  });

  it('reads pages of every codec DuckDB writes', async () => {
    const rows = `SELECT i AS id, 'name ' || (i % 97) AS name, (i * 7919) % 1000 - 3 AS score, TIMESTAMP '2024-03-01' + INTERVAL (i) MINUTE AS at FROM range(2000) t(i)`;
    const Row = z.object({ id: z.number().int(), name: z.string(), score: z.number().int().nonnegative(), at: z.date() });
    const pipelineFor = (path: string) => pipeline('codecs').from(file(path)).validate(Row);
    for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4']) {
      const bytes = await parquetOf(`codec-${codec}.parquet`, rows, `COMPRESSION ${codec}`);
      const local = await localDecision(dir, pipelineFor, `codec-${codec}.parquet`, bytes);
      const event = await eventStageDecision(pipelineFor, `codec-${codec}.parquet`, bytes);
      expect({ codec, ...event }).toEqual({ codec, ...local });
      expect(local.counts).toEqual({ in: 2000, valid: 2000 - 6, quarantined: 6 });
    }
  });

  it('reads nested columns (lists, structs, maps in their own order) as DuckDB gives them to zod', async () => {
    const bytes = await parquetOf('nested.parquet', `SELECT * FROM (VALUES
      (1, [1, 2, NULL], {'a': 1, 'b': 'x'}, MAP {'b': 1, '2': 2, '__proto__': 3}, MAP {2: 'two', 1: 'one'}, [{'q': [1.5]}], ['\\x00\\x01'::BLOB]),
      (2, [], NULL, MAP {}, NULL, NULL, []),
      (3, NULL, {'a': NULL, 'b': NULL}, NULL, MAP {7: NULL}, [NULL, {'q': []}], NULL)
    ) t(id, list, struct, tags, byNumber, deep, blobs)`);
    // The values zod sees, both ways: DuckDB's (the local engine's conversion) and the event stage's.
    const path = join(dir, 'made', 'nested.parquet');
    keepLeadingByteOrderMarks(); // as the local engine reads text
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const result = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
    const names = result.columnNames();
    const local = result.getRows().map((row) => Object.fromEntries(names.map((n, i) => [n, duckValueToJs(row[i]!)])));
    const localRaw = result.getRows().map((row) => rowToRawJson(Object.fromEntries(names.map((n, i) => [n, duckValueToRaw(row[i]!)]))));
    connection.closeSync();
    db.closeSync();
    const records = [];
    const buffer = memoryAsyncBuffer(bytes);
    for await (const batch of parquetRecordBatches(buffer, 0)) records.push(...batch);
    expect(records.map((r) => r.value)).toEqual(local);
    expect(records.map((r) => r.raw)).toEqual(localRaw);
    expect(local[0]!.tags).toEqual([{ key: 'b', value: 1 }, { key: '2', value: 2 }, { key: '__proto__', value: 3 }]);
    expect(local[0]!.byNumber).toEqual([{ key: 2, value: 'two' }, { key: 1, value: 'one' }]);
    expect(local[1]!.struct).toBeNull();
  });

  it('decides rows with a struct column (stored flattened) as the local run does', async () => {
    const bytes = await parquetOf('struct.parquet', `SELECT * FROM (VALUES
      (1, {'a': 1, 'b': 'x'}), (2, NULL), (3, {'a': NULL, 'b': 'y'}), (4, {'a': -5, 'b': ''})
    ) t(id, user)`);
    const Row = z.object({ id: z.number().int(), user: z.object({ a: z.number().int().nonnegative(), b: z.string().min(1) }) });
    const pipelineFor = (path: string) => pipeline('struct').from(file(path)).validate(Row);
    const local = await localDecision(dir, pipelineFor, 'struct.parquet', bytes, { raw: true });
    const event = await eventStageDecision(pipelineFor, 'struct.parquet', bytes, { raw: true });
    expect(event).toEqual(local);
    expect(local.counts).toEqual({ in: 4, valid: 1, quarantined: 3 });
    const stored = await storedBothWays(pipelineFor, 'struct-stored.parquet', bytes);
    expect(stored.event).toEqual(stored.local);
    expect(stored.local).toEqual([{ id: 1n, user_a: 1n, user_b: 'x', _line: 1n }]);
  });

  it('reads a file with columns whose names differ only in case under their own names', async () => {
    // DuckDB reads the second spelling as `ID_1`; zod must see `ID`, as the file has it.
    const bytes = new Uint8Array(parquetWriteBuffer({
      columnData: [{ name: 'id', data: [1, 2, 3], type: 'INT32' }, { name: 'ID', data: ['a', '', 'c'], type: 'STRING' }, { name: 'Id', data: [true, false, null], type: 'BOOLEAN' }],
    }));
    const Row = z.object({ ID: z.string().min(1) });
    const pipelineFor = (path: string) => pipeline('cases').from(file(path)).validate(Row);
    const local = await localDecision(dir, pipelineFor, 'cases.parquet', bytes, { raw: true });
    const event = await eventStageDecision(pipelineFor, 'cases.parquet', bytes, { raw: true });
    expect(event).toEqual(local);
    expect(local.counts).toEqual({ in: 3, valid: 2, quarantined: 1 });
    expect(local.quarantined[0]!.raw).toBe('{"id":2,"ID":"","Id":false}');
    const stored = await storedBothWays(pipelineFor, 'cases-stored.parquet', bytes);
    expect(stored.event).toEqual(stored.local);
    expect(stored.local.map((r) => r.ID)).toEqual(['a', 'c']);
  });

  it('crosses row groups and checkpoints: a resumed invocation starts at its row group, rows once each', async () => {
    const bytes = await parquetOf('groups.parquet', `SELECT i AS id, CASE WHEN i % 1000 = 0 THEN NULL ELSE 'u' || (i % 300) END AS user FROM range(10000) t(i)`, 'ROW_GROUP_SIZE 2048');
    const Row = z.object({ id: z.number().int(), user: z.string() });
    const pipelineFor = (path: string) => pipeline('groups').from(file(path)).validate(Row);
    const local = await localDecision(dir, pipelineFor, 'groups.parquet', bytes);
    expect(local.counts).toEqual({ in: 10000, valid: 9990, quarantined: 10 });

    const definition = toPipelineDefinition(pipelineFor('/unused/groups.parquet'));
    const s3 = newMemoryS3();
    const target = landObject(s3, 'in/groups.parquet', bytes, definition);
    const ranges: string[][] = [];
    s3.onCall = (call) => {
      if (call.operation === 'GetObject' && call.input.Key === 'in/groups.parquet') ranges.at(-1)!.push(String(call.input.Range));
    };
    let result;
    do {
      ranges.push([]);
      result = await invoke(s3, target, definition, { segmentRows: 3000, yieldAfterSegments: 1 });
    } while (result.status === 'yielded');
    expect(result.manifest.rows).toEqual(local.counts);
    expect(ranges.length).toBe(4); // 3,000 rows an invocation
    // Every read is a range, none the whole object; a resumed invocation reads the footer and
    // the row groups from its checkpoint's on (row 6,000 is in the third group of 2,048 rows).
    expect(ranges.flat().every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
    // (Each invocation's first read is the footer's, the file's last 512 KiB: here all of it.)
    const firstByte = (invocation: string[]) => Math.min(...invocation.slice(1).map((r) => Number(/=(\d+)/.exec(r)![1])));
    expect(firstByte(ranges[0]!)).toBe(4); // the first row group, after the magic number
    expect(firstByte(ranges[2]!)).toBeGreaterThan(firstByte(ranges[1]!));
    expect(firstByte(ranges[1]!)).toBeGreaterThan(firstByte(ranges[0]!));
    const stored = await eventStoredRows(s3, result.manifest.outputs.validated);
    expect(stored.map((r) => Number(r.id))).toEqual([...Array(10000).keys()].filter((i) => i % 1000 !== 0));

    // The same files, byte for byte, as one invocation that never stopped writes.
    const clean = newMemoryS3();
    const once = await invokeUntilDone(clean, landObject(clean, 'in/groups.parquet', bytes, definition), definition, { segmentRows: 3000 });
    expect(once.manifest.outputs).toEqual(result.manifest.outputs);
    for (const key of [...once.manifest.outputs.validated]) expect(Buffer.from(clean.bytes('validated', key)!).equals(Buffer.from(s3.bytes('validated', key)!)), key).toBe(true);
    for (const key of [...once.manifest.outputs.quarantine]) expect(Buffer.from(clean.bytes('quarantine', key)!).equals(Buffer.from(s3.bytes('quarantine', key)!)), key).toBe(true);
  });

  it('reads a gzip-wrapped file (.parquet.gz) as the local run does', async () => {
    const bytes = gzipSync(scalars);
    const pipelineFor = (path: string) => pipeline('gz').from(file(path)).validate(Scalars);
    const local = await localDecision(dir, pipelineFor, 'wrapped.parquet.gz', bytes, { raw: true });
    const event = await eventStageDecision(pipelineFor, 'wrapped.parquet.gz', bytes, { raw: true });
    expect(event).toEqual(local);
    expect(local.counts).toEqual({ in: 4, valid: 2, quarantined: 2 });
  });

  it('reads a file without rows (as Spark writes for an empty partition) as no rows, not as unreadable', async () => {
    const bytes = await parquetOf('empty-rows.parquet', `SELECT 1::INTEGER AS id, 'x' AS user WHERE false`);
    const Row = z.object({ id: z.number().int(), user: z.string() });
    const pipelineFor = (path: string) => pipeline('no-rows').from(file(path)).validate(Row);
    const local = await localDecision(dir, pipelineFor, 'empty-rows.parquet', bytes);
    const event = await eventStageDecision(pipelineFor, 'empty-rows.parquet', bytes);
    expect(event).toEqual(local);
    expect(local).toEqual({ unreadable: false, counts: { in: 0, valid: 0, quarantined: 0 }, quarantined: [] });
  });

  it('makes a damaged file unreadable in both, counting none of its rows', async () => {
    const pipelineFor = (path: string) => pipeline('damaged').from(file(path)).validate(Scalars);
    const cases: Record<string, Uint8Array> = {
      'truncated.parquet': scalars.subarray(0, scalars.length - 100),
      'not-parquet.parquet': new TextEncoder().encode('{"id":1}\n'),
      'empty.parquet': new Uint8Array(0),
      // A page's bytes flipped inside the data (not the footer): the file opens, a page does not decode.
      'corrupt-page.parquet': Uint8Array.from(scalars, (b, i) => (i > 8 && i < 200 ? b ^ 0x5a : b)),
      // A text column holding bytes that are not UTF-8 (DuckDB: "Invalid string encoding found in Parquet file").
      'not-utf8.parquet': new Uint8Array(parquetWriteBuffer({
        columnData: [{ name: 'id', data: [1, 2], type: 'INT32' }, { name: 's', data: [new Uint8Array([0x61]), new Uint8Array([0xff, 0x61])], type: 'STRING' }],
      })),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const local = await localDecision(dir, pipelineFor, name, bytes);
      const event = await eventStageDecision(pipelineFor, name, bytes);
      expect({ name, ...event }).toEqual({ name, ...local });
      expect({ name, unreadable: local.unreadable }).toEqual({ name, unreadable: true });
    }
  });

  it('does not take an S3 failure for a damaged file: the object changed since its ETag was read', async () => {
    const pipelineFor = (path: string) => pipeline('changed').from(file(path)).validate(Scalars);
    const definition = toPipelineDefinition(pipelineFor('/unused/changed.parquet'));
    const s3 = newMemoryS3();
    const target = landObject(s3, 'in/changed.parquet', scalars, definition);
    s3.onCall = (call) => {
      // Overwritten after the footer was read, before the row group is.
      if (call.operation === 'GetObject' && s3.calls.filter((c) => c.operation === 'GetObject').length === 1) s3.putObject('landing', 'in/changed.parquet', scalars.slice().reverse());
    };
    const error = await invoke(s3, target, definition, { segmentRows: 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OBJECT_CHANGED' });
    expect(s3.keys('validated').filter((k) => k.includes('manifest'))).toEqual([]);
    expect(s3.keys('quarantine')).toEqual([]);
  });
});

/** The event stage's validated-zone rows of `keys`, read back by DuckDB, in line order. */
async function eventStoredRows(s3: ReturnType<typeof newMemoryS3>, keys: readonly string[]): Promise<Record<string, unknown>[]> {
  const folder = mkdtempSync(join(dir, 'event-out-'));
  keys.forEach((key, i) => writeFileSync(join(folder, `${i}.parquet`), s3.bytes('validated', key)!));
  if (keys.length === 0) return [];
  return query(`SELECT * EXCLUDE (_object, _line_index) FROM read_parquet('${folder}/*.parquet', union_by_name = true) ORDER BY _line`);
}

/** The rows each side stores in its validated zone for the object, read back by DuckDB. */
async function storedBothWays(pipelineFor: PipelineFor, name: string, body: Uint8Array) {
  const inDir = join(dir, 'stored-in');
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, name), body);
  const zones = join(dir, 'stored-zones', name);
  await pipelineFor(join(inDir, name)).run({ zones });
  // The local zone's own columns (its row ids, the dt= folder) aside: the values and lines.
  const local = await query(`SELECT * EXCLUDE (_object, _line_index, _row_id, dt) FROM read_parquet('${zones}/validated/**/*.parquet', union_by_name = true) ORDER BY _line`);
  const definition = toPipelineDefinition(pipelineFor(`/unused/${name}`));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, `in/${name}`, body, definition), definition, { segmentRows: 2 });
  return { local, event: await eventStoredRows(s3, manifest.outputs.validated) };
}
