/**
 * Label times from Arrow tables, for every Arrow time unit and both date types: the instant a
 * label row means is written out here as an ISO string, and the raw column values are built
 * from it by hand (seconds, ms, µs, ns since the epoch), so the expectation never goes through
 * apache-arrow's own conversion. Also: times before 1970 floor (never round toward zero), a
 * nanosecond before a cadence boundary stays before it, and a whole training set over labels
 * in seconds finds its features (it read every label 54,000 years late before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import {
  DateDay, DateMillisecond, Table, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond,
  makeData, makeVector, vectorFromArray, type DataType,
} from 'apache-arrow';
import { loadLabels, timestampToEpochMs } from '../../../sdk/src/retrieval/label-frame.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

/** A label table whose `ts` column holds `raw` in the given Arrow type (null where raw is null). */
function labelsWith(type: DataType, raw: readonly (bigint | number | null)[]): Table {
  const valid = new Uint8Array(Math.ceil(raw.length / 8));
  raw.forEach((v, i) => { if (v !== null) valid[i >> 3]! |= 1 << (i % 8); });
  const wide = typeof raw.find((v) => v !== null) === 'bigint';
  const data = wide ? BigInt64Array.from(raw, (v) => (v ?? 0n) as bigint) : Int32Array.from(raw, (v) => (v ?? 0) as number);
  // makeData's overloads are per concrete type; this helper takes any time type, so it is cast once here.
  const ts = makeVector(makeData({ type, length: raw.length, nullCount: raw.filter((v) => v === null).length, nullBitmap: valid, data } as never));
  const entity = vectorFromArray(raw.map((_, i) => `u${i}`));
  return new Table({ entity_id: entity, ts });
}

async function labelMs(table: Table): Promise<number[]> {
  return [...(await loadLabels(table, 'entity_id', 'ts')).keys.tsMs];
}

const iso = (text: string): number => Date.parse(text);

describe('label times from Arrow columns', () => {
  // 2024-01-05T12:30:15.123456789Z, spelled out in each unit.
  const sec = 1_704_457_815n;
  const cases = [
    { unit: 'SECOND', type: new TimestampSecond(), raw: sec, at: '2024-01-05T12:30:15.000Z' },
    { unit: 'MILLISECOND', type: new TimestampMillisecond(), raw: sec * 1000n + 123n, at: '2024-01-05T12:30:15.123Z' },
    { unit: 'MICROSECOND', type: new TimestampMicrosecond(), raw: sec * 1_000_000n + 123_456n, at: '2024-01-05T12:30:15.123Z' },
    { unit: 'NANOSECOND', type: new TimestampNanosecond(), raw: sec * 1_000_000_000n + 123_456_789n, at: '2024-01-05T12:30:15.123Z' },
    { unit: 'SECOND, UTC zone', type: new TimestampSecond('UTC'), raw: sec, at: '2024-01-05T12:30:15.000Z' },
  ];
  for (const c of cases) {
    it(`Timestamp<${c.unit}> is read as the instant it names`, async () => {
      expect(await labelMs(labelsWith(c.type, [c.raw, null]))).toEqual([iso(c.at), Number.NaN]);
    });
  }

  it('Date32<DAY> and Date64<MILLISECOND> are midnight UTC of their day', async () => {
    expect(await labelMs(labelsWith(new DateDay(), [19_727]))).toEqual([iso('2024-01-05T00:00:00Z')]); // 19,727 days after 1970-01-01
    expect(await labelMs(labelsWith(new DateMillisecond(), [1_704_412_800_000n]))).toEqual([iso('2024-01-05T00:00:00Z')]);
    expect(await labelMs(labelsWith(new DateDay(), [-1]))).toEqual([iso('1969-12-31T00:00:00Z')]);
  });

  it('before 1970, sub-millisecond times floor to the earlier millisecond', async () => {
    // 1.5 ms before the epoch is inside the millisecond that starts at -2 ms.
    expect(await labelMs(labelsWith(new TimestampMicrosecond(), [-1_500n]))).toEqual([-2]);
    expect(await labelMs(labelsWith(new TimestampNanosecond(), [-1_500_000n]))).toEqual([-2]);
    expect(await labelMs(labelsWith(new TimestampNanosecond(), [-1n]))).toEqual([-1]);
    expect(await labelMs(labelsWith(new TimestampMicrosecond(), [-86_400_000_000n * 365n - 1n]))).toEqual([iso('1968-12-31T23:59:59.999Z')]);
    expect(await labelMs(labelsWith(new TimestampSecond(), [-1n]))).toEqual([iso('1969-12-31T23:59:59Z')]);
    expect(timestampToEpochMs(-1_500n, 2)).toBe(-2);
    expect(timestampToEpochMs(-1_000n, 2)).toBe(-1);
  });

  it('a nanosecond before a cadence boundary stays before it (a float would round onto the boundary)', async () => {
    const boundaryNs = BigInt(iso('2024-01-06T00:00:00Z')) * 1_000_000n;
    expect(await labelMs(labelsWith(new TimestampNanosecond(), [boundaryNs - 1n, boundaryNs]))).toEqual([iso('2024-01-05T23:59:59.999Z'), iso('2024-01-06T00:00:00Z')]);
    const boundaryUs = BigInt(iso('2024-01-06T00:00:00Z')) * 1000n;
    expect(await labelMs(labelsWith(new TimestampMicrosecond(), [boundaryUs - 1n]))).toEqual([iso('2024-01-05T23:59:59.999Z')]);
  });
});

describe('a training set over Arrow labels in seconds', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    await writeStore(root, 'user', [
      { group: 'engagement', columns: [{ name: 'clicks_7d', type: 'BIGINT' }], rows: [
        { entity_id: 'u0', feature_ts: iso('2024-01-05T00:00:00Z'), values: [5n] },
        { entity_id: 'u0', feature_ts: iso('2024-01-06T00:00:00Z'), values: [6n] },
      ] },
    ]);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('finds the feature row at or before each label time', async () => {
    const seconds = (text: string): bigint => BigInt(iso(text) / 1000);
    const labels = labelsWith(new TimestampSecond(), [seconds('2024-01-05T12:00:00Z'), seconds('2024-01-06T00:00:00Z'), seconds('2024-01-05T23:59:59Z')]);
    const withIds = new Table({ entity_id: vectorFromArray(['u0', 'u0', 'u0']), ts: labels.getChild('ts')! });
    const table = await trainingSet(root, { labels: withIds, entity: 'user', features: ['engagement:clicks_7d'], ttl: '7d' }).fetch({ engine: localEngine() });
    expect(table.getChild('engagement__clicks_7d')!.toArray()).toEqual(BigInt64Array.from([5n, 6n, 5n]));
  });
});

describe('label times from a Parquet labels file', () => {
  it('before 1970, sub-millisecond TIMESTAMP (µs) and TIMESTAMP_NS values floor, as every other label path does', async () => {
    // hyparquet's own conversion divides toward zero: …59.9995 before 1970 read as 1970-01-01T00:00:00.000,
    // a moment after the label, and a point-in-time lookup then took a row from its future.
    const dir = await tempDir('sluice-parquet-labels-');
    try {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const { file } = await import('../../../sdk/src/sources/index.js');
      const { readLabelSource } = await import('../../../sdk/src/retrieval/label-source-reader.js');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const path = `${dir}/labels.parquet`;
      await connection.run(`COPY (SELECT * FROM (VALUES
        (CAST('1969-12-31 23:59:59.9995' AS TIMESTAMP), CAST('1969-12-31 23:59:59.9995' AS TIMESTAMP_NS)),
        (CAST('1969-12-31 23:59:59.999999' AS TIMESTAMP), CAST('1969-12-31 23:59:59.999999999' AS TIMESTAMP_NS)),
        (CAST('2024-03-01 23:59:59.9995' AS TIMESTAMP), CAST('2024-03-01 23:59:59.9995' AS TIMESTAMP_NS))) t(us, ns)) TO '${path}' (FORMAT PARQUET)`);
      connection.closeSync();
      instance.closeSync();
      const { rows } = await readLabelSource(file(path).node);
      const ms = (column: string) => rows.map((r) => (r[column] as Date).getTime());
      const expected = [iso('1969-12-31T23:59:59.999Z'), iso('1969-12-31T23:59:59.999Z'), iso('2024-03-01T23:59:59.999Z')];
      expect(ms('us')).toEqual(expected);
      expect(ms('ns')).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
