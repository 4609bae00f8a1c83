/**
 * Sums of doubles on several threads differ in their last bits from run to run (DuckDB takes
 * rows into threads as they come), so a re-run over the same inputs computed features that
 * differ only there, changed the partitions' content identity and rewrote them. A stored
 * partition equal to the new rows up to 1e-12 relative is now left as it is; any real change
 * (a value, a row more or less) still rewrites it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../../../sdk/src/engines/local/embedded-duckdb.js';
import { writePartitions } from '../../../sdk/src/engines/local/partition-writer.js';
import { storeFiles } from '../../../sdk/src/features/store-files.js';
import { fileTree } from '../../helpers/file-tree.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-rounding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 days × 50 entities; `v` is a double with all 53 bits used, `n` a count. */
const ROWS = `SELECT 'e' || (i % 50) AS entity_id, TIMESTAMP '2024-01-01' + INTERVAL (i // 50) DAY AS feature_ts, (i + 1) / 7.0 AS v, i AS n FROM range(150) r(i)`;

describe('a re-run whose doubles differ only in their last bits', () => {
  it('leaves the partitions as they are; a real change to one day rewrites that day only', async () => {
    const db = await openRunDatabase();
    const base = join(dir, 'store');
    const write = (table: string) => writePartitions(db.connection, {
      table, columns: ['entity_id', 'feature_ts', 'v', 'n'], dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
      base, files: storeFiles(base), metadata: { 'sluice.run_id': 'r1' },
    });
    try {
      await db.connection.run(`CREATE TABLE first AS ${ROWS}`);
      expect((await write('first')).written).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
      const before = fileTree(base);

      // One ulp up on every value of every day: the content identity changes, the features do not.
      await db.connection.run(`CREATE TABLE ulp AS SELECT entity_id, feature_ts, v * (1 + pow(2, -52)) AS v, n FROM first`);
      const [changedBits] = (await db.connection.runAndReadAll(`SELECT count(*) FROM first JOIN ulp USING (entity_id, feature_ts) WHERE first.v <> ulp.v`)).getRows();
      expect(Number(changedBits![0])).toBeGreaterThan(100);
      const rerun = await write('ulp');
      expect(rerun.written).toEqual([]);
      expect(rerun.unchanged).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
      expect(fileTree(base)).toEqual(before);

      // A change of 1e-9 relative on one row of day 2, a row fewer on day 3: those two are rewritten.
      await db.connection.run(`CREATE TABLE real AS SELECT entity_id, feature_ts, CASE WHEN entity_id = 'e7' AND feature_ts = TIMESTAMP '2024-01-02' THEN v * (1 + 1e-9) ELSE v END AS v, n FROM first WHERE NOT (entity_id = 'e9' AND feature_ts = TIMESTAMP '2024-01-03')`);
      const changed = await write('real');
      expect(changed.written).toEqual(['2024-01-02', '2024-01-03']);
      expect(changed.unchanged).toEqual(['2024-01-01']);

      // A count differing by one is a change, whatever its size.
      await db.connection.run(`CREATE TABLE counted AS SELECT entity_id, feature_ts, v, CASE WHEN entity_id = 'e1' AND feature_ts = TIMESTAMP '2024-01-01' THEN n + 1 ELSE n END AS n FROM real`);
      expect((await write('counted')).written).toEqual(['2024-01-01']);
    } finally {
      await db.close();
    }
  });

  it('a column given its own tolerance is compared within it; the others keep 1e-12', async () => {
    const db = await openRunDatabase();
    const base = join(dir, 'store-tolerance');
    const write = (table: string) => writePartitions(db.connection, {
      table, columns: ['entity_id', 'feature_ts', 'v', 'sd'], dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
      base, files: storeFiles(base), metadata: { 'sluice.run_id': 'r1' }, roundingTolerance: { sd: 1e-9 },
    });
    // `from` with one column scaled by `factor`.
    const scaled = (name: string, from: string, column: 'v' | 'sd', factor: string) =>
      db.connection.run(`CREATE TABLE ${name} AS SELECT entity_id, feature_ts, ${column === 'v' ? `v * ${factor}` : 'v'} AS v, ${column === 'sd' ? `sd * ${factor}` : 'sd'} AS sd FROM ${from}`);
    try {
      await db.connection.run(`CREATE TABLE first AS SELECT entity_id, feature_ts, v, v * 3 AS sd FROM (${ROWS})`);
      await write('first');
      await scaled('sd_noise', 'first', 'sd', '(1 + 1e-10)');
      expect((await write('sd_noise')).written).toEqual([]);
      await scaled('sd_change', 'first', 'sd', '(1 + 1e-8)');
      expect((await write('sd_change')).written).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
      await scaled('v_change', 'sd_change', 'v', '(1 + 1e-10)');
      expect((await write('v_change')).written).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    } finally {
      await db.close();
    }
  });
});

describe('staging folders left by a run killed mid-write', () => {
  it('are removed by the next write when their process is gone; a live run\'s folder is left alone', async () => {
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const db = await openRunDatabase();
    const base = join(dir, 'store-staging');
    const dead = join(base, '.sluice-staging-999999-abc');
    const live = join(base, `.sluice-staging-${process.pid}-def`);
    for (const folder of [dead, live]) {
      mkdirSync(join(folder, 'g0', '__dt=2024-01-01'), { recursive: true });
      writeFileSync(join(folder, 'g0', '__dt=2024-01-01', 'data_0.parquet'), 'PAR1'); // cut short
    }
    try {
      await db.connection.run(`CREATE TABLE rows AS ${ROWS}`);
      await writePartitions(db.connection, {
        table: 'rows', columns: ['entity_id', 'feature_ts', 'v', 'n'], dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
        base, files: storeFiles(base), metadata: { 'sluice.run_id': 'r1' },
      });
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
