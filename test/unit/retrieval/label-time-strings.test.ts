/**
 * Label times given as text (CSV and JSON labels): ISO-8601 and the way databases print a
 * TIMESTAMP WITH TIME ZONE (DuckDB and PostgreSQL write `2024-01-05 10:00:00+00`, an offset of
 * hours only). Each expectation is written out with Date.UTC, never through the parser under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { toEpochMs } from '../../../sdk/src/retrieval/label-frame.js';
import { file } from '../../../sdk/src/sources/index.js';
import { trainingSet } from '../../../sdk/src/retrieval/training-set.js';
import { localEngine } from '../../../sdk/src/engines/local/training-set-local-engine.js';
import { tempDir, writeStore } from './store-fixture.js';

const AT = Date.UTC(2024, 0, 5, 10, 0, 0);

describe('label time strings', () => {
  const cases: [string, number][] = [
    ['2024-01-05T10:00:00Z', AT],
    ['2024-01-05 10:00:00', AT], // no offset: UTC, never the machine's zone
    ['2024-01-05 10:00:00+00', AT],
    ['2024-01-05 10:00:00.5+00', AT + 500],
    ['2024-01-05 15:30:00+05:30', AT],
    ['2024-01-05 15:30:00+0530', AT],
    ['2024-01-05 15:00:00+05', AT],
    ['2024-01-05 02:00:00-08', AT],
    ['2024-01-05T10:00:00.123456+00', AT + 123], // sub-millisecond digits floor
    ['2024-01-05', Date.UTC(2024, 0, 5)],
    ['2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['2024-01-05t10:00:00z', AT],
    ['2024-01-05 10:00:00 +00:00', AT],
    ['0099-01-05T10:00:00Z', Date.UTC(2000, 0, 5, 10) - Date.UTC(2000, 0, 1) + Date.parse('0099-01-01T00:00:00Z')],
  ];
  for (const [text, ms] of cases) {
    it(`${JSON.stringify(text)} is ${new Date(ms).toISOString()}`, () => {
      expect(toEpochMs(text, 0, 'ts')).toBe(ms);
    });
  }

  it('text that is not a time is refused with the row and the column', () => {
    for (const text of ['yesterday', '2024-01-05 10:00:00+', '2024-13-05']) {
      expect(() => toEpochMs(text, 3, 'ts')).toThrow(expect.objectContaining({ code: 'LABEL_TS_INVALID', path: 'labels[3].ts' }));
    }
  });

  it('a date that does not exist, or one only a guess could read, is refused rather than read a day or months off', () => {
    // Date.parse reads these as 2024-03-01, 2023-03-01, 2024-01-06, January 5th, 2024-01-01 and so on.
    for (const text of ['2024-02-30', '2023-02-29T00:00:00Z', '2024-01-05T24:00:00Z', '01/05/2024', '2024/01/05', 'Jan 5, 2024', '2024', '2024-1-5', 'Fri Jan 05 2024 10:00:00 GMT+0100']) {
      expect(() => toEpochMs(text, 3, 'ts')).toThrow(expect.objectContaining({ code: 'LABEL_TS_INVALID', path: 'labels[3].ts' }));
    }
  });
});

describe('labels exported by DuckDB as CSV, TIMESTAMPTZ column', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'v', type: 'DOUBLE' }], rows: [{ entity_id: 'u', feature_ts: AT, values: [7] }] }]);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  for (const zone of ['UTC', 'Asia/Kolkata']) {
    it(`exported with TimeZone ${zone}: each label sees the features as they were at its instant`, async () => {
      const path = join(root, `labels-${zone.replace('/', '-')}.csv`);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run(`SET TimeZone = '${zone}'`);
      // One label a millisecond before the feature row, one at it.
      await c.run(`COPY (SELECT * FROM (VALUES ('u', TIMESTAMPTZ '2024-01-05 09:59:59.999+00'), ('u', TIMESTAMPTZ '2024-01-05 10:00:00+00')) AS t(entity_id, ts)) TO '${path}' (HEADER)`);
      c.closeSync();
      db.closeSync();
      expect(await readFile(path, 'utf8')).toMatch(zone === 'UTC' ? /\+00\n/ : /\+05:30\n/);
      const table = await trainingSet(root, { labels: file(path), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine() });
      expect(table.toArray().map((r) => r.toJSON().g__v)).toEqual([null, 7]);
    });
  }
});
