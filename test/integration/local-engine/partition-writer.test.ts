/**
 * Partitions written by several writers side by side (one connection each) are the files one
 * writer writes: same names, same rows. Only the time it takes may differ.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openRunDatabase } from '../../../sdk/src/engines/local/embedded-duckdb.js';
import { writePartitions } from '../../../sdk/src/engines/local/partition-writer.js';
import { storeFiles } from '../../../sdk/src/features/store-files.js';
import { fileTree } from '../../helpers/file-tree.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-partition-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePartitions', () => {
  it('writers side by side write the files one writer writes: same names, same rows in each', async () => {
    const db = await openRunDatabase();
    try {
      // 40 days of very unequal size (day 7 holds half the rows), so the split is uneven.
      await db.connection.run(`CREATE TABLE t AS SELECT 'e' || (i % 97) AS entity_id, TIMESTAMP '2024-01-01' + INTERVAL (CASE WHEN i % 2 = 0 THEN 7 ELSE (i // 2) % 40 END) DAY + INTERVAL (i % 1440) MINUTE AS feature_ts, i * 0.5 AS v FROM range(20000) r(i)`);
      let opened = 0;
      const connect = async (): Promise<DuckDBConnection> => {
        opened++;
        return db.connect();
      };
      const write = (base: string, parallel: boolean) => writePartitions(db.connection, {
        table: 't', columns: ['entity_id', 'feature_ts', 'v'], dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
        base, files: storeFiles(base), metadata: { 'sluice.run_id': 'r1' }, ...(parallel ? { connect } : {}),
      });
      const one = await write(join(dir, 'one'), false);
      const two = await write(join(dir, 'two'), true);
      // Four writers: the first on the given connection, three opened (day 7 is one writer's
      // alone; the split still finds three more runs of neighbours).
      expect(opened).toBe(3);
      expect(two).toEqual(one);
      expect(one.written).toHaveLength(40);
      expect(Object.keys(fileTree(join(dir, 'two')))).toEqual(Object.keys(fileTree(join(dir, 'one'))));
      // The rows of each file, as a set (DuckDB may interleave a file's sorted batches).
      const rows = async (root: string) => (await db.connection.runAndReadAll(
        `SELECT filename, entity_id, feature_ts, v FROM read_parquet('${root}/*/*.parquet', filename = true) ORDER BY ALL`,
      )).getRows().map((r) => [relative(root, String(r[0])), String(r[1]), String(r[2]), String(r[3])]);
      const expected = await rows(join(dir, 'one'));
      expect(expected).toHaveLength(20000);
      expect(await rows(join(dir, 'two'))).toEqual(expected);
    } finally {
      await db.close();
    }
  });

  it('with writers side by side, a later write of changed days still replaces only those partitions', async () => {
    const db = await openRunDatabase();
    try {
      await db.connection.run(`CREATE TABLE t AS SELECT 'e' || (i % 7) AS entity_id, TIMESTAMP '2024-02-01' + INTERVAL (i % 10) DAY AS feature_ts, i AS v FROM range(1000) r(i)`);
      const base = join(dir, 'incremental');
      const write = () => writePartitions(db.connection, {
        table: 't', columns: ['entity_id', 'feature_ts', 'v'], dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
        base, files: storeFiles(base), metadata: {}, connect: db.connect,
      });
      await write();
      const before = fileTree(base);
      await db.connection.run(`UPDATE t SET v = v + 1 WHERE feature_ts IN (TIMESTAMP '2024-02-03', TIMESTAMP '2024-02-08')`);
      const second = await write();
      expect(second.written).toEqual(['2024-02-03', '2024-02-08']);
      const after = fileTree(base);
      const changed = Object.keys(after).filter((k) => before[k] !== after[k]).map((k) => k.split('/')[0]);
      expect([...new Set(changed)].sort()).toEqual(['dt=2024-02-03', 'dt=2024-02-08']);
      expect(Object.keys(after)).toHaveLength(10);
    } finally {
      await db.close();
    }
  });

  it('removing stale partitions, the span is bounded by dates only: an `unknown` partition (rows without a timestamp) widens nothing', async () => {
    const db = await openRunDatabase();
    try {
      const base = join(dir, 'stale-with-unknown');
      const write = () => writePartitions(db.connection, {
        table: 't', columns: ['ts', 'v'], dtExpression: `coalesce(strftime("ts", '%Y-%m-%d'), 'unknown')`, orderBy: ['v'],
        base, files: storeFiles(base), metadata: {},
      });
      await db.connection.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2024-01-01', 1), (TIMESTAMP '2024-01-03', 2), (TIMESTAMP '2024-01-05', 3), (TIMESTAMP '2024-01-09', 4)) AS r(ts, v)`);
      await write();
      // 2024-01-03 loses its rows (inside the span), 2024-01-09 too (after it); some rows have no timestamp.
      await db.connection.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2024-01-01', 1), (TIMESTAMP '2024-01-05', 3), (NULL, 5)) AS r(ts, v)`);
      const second = await write();
      expect(second.removed).toEqual(['2024-01-03']);
      expect(second.partitions).toEqual(['2024-01-01', '2024-01-05', '2024-01-09', 'unknown']);
      expect(Object.keys(fileTree(base)).map((k) => k.split('/')[0]).sort()).toEqual(['dt=2024-01-01', 'dt=2024-01-05', 'dt=2024-01-09', 'dt=unknown']);
    } finally {
      await db.close();
    }
  });
});
