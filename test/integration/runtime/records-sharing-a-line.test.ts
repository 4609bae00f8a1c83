/**
 * JSON records that share a line (back to back, or an array's elements) and an instant: first
 * and last by time break the tie by source order. A local run orders its rows as it read them;
 * production orders the validated zone by `_object, _line, _line_index`. The aggregate SQL run
 * over the zone the event stage wrote (DuckDB's dialect of the plan the Glue job runs, with the
 * order columns it uses) must give the local run's features, and both the source order's.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, first, last, pipeline, window } from '../../../sdk/src/index.js';
import { runAggregateStage } from '../../../sdk/src/engines/local/aggregate-stage.js';
import { VALIDATED_ORDER_COLUMNS } from '../../../sdk/src/promote/compile-aggregate.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import type { WindowNode } from '../../../sdk/src/plan/window-node.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const Event = z.object({ user: z.string(), ts: z.coerce.date(), v: z.number() });
const at = (day: number) => `2024-01-0${day}T12:00:00.000Z`;
const rec = (user: string, day: number, v: number) => JSON.stringify({ user, ts: at(day), v });

// Day 1: three records of u1 at one instant on line 1, then u2's on line 2 (an array, two at one instant).
// Day 2: u1 again, one record per line and two on line 4, all at one instant.
// Line 5: u3's second record is quarantined; the third keeps its place (3) on the line.
const TEXT = [
  `${rec('u1', 1, 10)}${rec('u1', 1, 20)}${rec('u1', 1, 30)}`,
  `[${rec('u2', 1, 7)}, ${rec('u2', 1, 8)}]`,
  rec('u1', 2, 40),
  `${rec('u1', 2, 50)} ${rec('u1', 2, 60)}`,
  `${rec('u3', 1, 1)}{"user":"u3","ts":"never","v":2}${rec('u3', 1, 3)}`,
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'sluice-line-ties-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineFor(path: string) {
  return pipeline('ties')
    .from(file(path))
    .validate(Event)
    .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count(), first_v: first('v'), last_v: last('v') } }));
}

type Row = { entity_id: string; feature_ts: number; n_1d: number; first_v_1d: number | null; last_v_1d: number | null };
const byKey = (rows: Row[]) => [...rows].sort((a, b) => a.entity_id.localeCompare(b.entity_id) || a.feature_ts - b.feature_ts);

describe('records that share a line and an instant', () => {
  it('first and last follow source order, locally and over the event stage\'s zone', async () => {
    mkdirSync(join(dir, 'in'), { recursive: true });
    const path = join(dir, 'in', 'firehose.json');
    writeFileSync(path, TEXT);
    const local = await pipelineFor(path).run({ zones: join(dir, 'zones'), previewRows: 100 });
    const localRows = byKey(local.preview.toArray().map((r) => ({ ...(r.toJSON() as Row), feature_ts: Number(r.feature_ts), n_1d: Number(r.n_1d) })));

    const day = (d: number) => Date.parse(`2024-01-0${d}T00:00:00.000Z`);
    // The source order's answer, written out: u1 on day 1 read 10, 20, 30; on day 2 read 40, 50, 60.
    expect(localRows.filter((r) => r.n_1d > 0).map((r) => [r.entity_id, r.feature_ts, r.n_1d, r.first_v_1d, r.last_v_1d])).toEqual([
      ['u1', day(2), 3, 10, 30],
      ['u1', day(3), 3, 40, 60],
      ['u2', day(2), 2, 7, 8],
      ['u3', day(2), 2, 1, 3],
    ]);

    const definition = toPipelineDefinition(pipelineFor(`/unused/firehose.json`));
    const s3 = newMemoryS3();
    await invokeUntilDone(s3, landObject(s3, 'in/firehose.json', TEXT, definition), definition, { segmentRows: 2 });
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const files: string[] = [];
      for (const key of s3.keys('validated', 'validated/').filter((k) => k.endsWith('.parquet'))) {
        const target = join(dir, `zone-${files.length}.parquet`);
        writeFileSync(target, s3.bytes('validated', key)!);
        files.push(target);
      }
      await connection.run(`CREATE TABLE valid_rows AS SELECT * FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}], union_by_name = true)`);
      const lineIndexes = (await connection.runAndReadAll('SELECT _line, _line_index FROM valid_rows ORDER BY _line, _line_index')).getRows().map(([l, i]) => [Number(l), Number(i)]);
      const expectedIndexes = [[1, 1], [1, 2], [1, 3], [2, 1], [2, 2], [3, 1], [4, 1], [4, 2], [5, 1], [5, 3]];
      expect(lineIndexes).toEqual(expectedIndexes);
      // The local run's validated zone numbers the rows the same way, quarantined records counted.
      const localZone = (await connection.runAndReadAll(`SELECT _line, _line_index FROM read_parquet('${join(dir, 'zones', 'validated')}/**/*.parquet') ORDER BY _line, _line_index`)).getRows().map(([l, i]) => [Number(l), Number(i)]);
      expect(localZone).toEqual(expectedIndexes);
      const window = definition.plan.steps.find((s) => s.kind === 'window') as WindowNode;
      const { table } = await runAggregateStage(connection, window, { table: 'valid_rows', orderColumns: VALIDATED_ORDER_COLUMNS });
      const zoneRows = byKey((await connection.runAndReadAll(`SELECT entity_id, epoch_ms(feature_ts) AS feature_ts, n_1d, first_v_1d, last_v_1d FROM ${table}`)).getRowObjectsJS()
        .map((r) => ({ entity_id: String(r.entity_id), feature_ts: Number(r.feature_ts), n_1d: Number(r.n_1d), first_v_1d: r.first_v_1d as number | null, last_v_1d: r.last_v_1d as number | null })));
      expect(zoneRows).toEqual(localRows);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
