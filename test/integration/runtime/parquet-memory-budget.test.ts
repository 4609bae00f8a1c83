/**
 * Bounded memory for Parquet too: the BUILT handler, its V8 heap capped at HEAP_BUDGET, reads an
 * object that is one row group of 400,000 rows in many pages — decoded at once, its columns
 * alone would fill the heap several times over (Kinesis Data Firehose writes such objects: one row
 * group of up to 256 MB). The row group is read in slices, so the child finishes; running out of
 * memory would kill it — as it does when the group is decoded at once (SLICE_ROWS set past the
 * group's rows: measured, the child runs out of memory at this budget).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query } from '../../helpers/duckdb-query.js';
import { PIPELINE } from './fixtures/landing-objects.js';
import { startHarness, type Harness } from './runtime-harness.js';
import { manifestsByKey } from './zone-inspection.js';

const HEAP_BUDGET_MB = 48;
const ROWS = 400_000;
const KEY = 'events/big/one-row-group.parquet';

let h: Harness;
let dir: string;
let path: string;

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-memory-'));
  path = join(dir, 'big.parquet');
  // One row group, in pages of 64 KB: memory follows the pages decoded at once (writers choose
  // their size; parquet-mr's and Arrow's default is 1 MB, which holds 100k+ rows of a narrow column).
  // Every 1000th row has a negative amount (quarantined), so rejected rows are part of it too.
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'event_id', type: 'STRING', data: Array.from({ length: ROWS }, (_, i) => `m${i}`) },
      { name: 'user_id', type: 'STRING', data: Array.from({ length: ROWS }, (_, i) => `u${i % 97}`) },
      { name: 'event_type', type: 'STRING', data: Array.from({ length: ROWS }, () => 'view') },
      { name: 'amount', type: 'DOUBLE', data: Array.from({ length: ROWS }, (_, i) => (i % 1000 === 999 ? -1 : i % 1000)) },
      { name: 'ts', type: 'TIMESTAMP', data: Array.from({ length: ROWS }, (_, i) => new Date(Date.UTC(2024, 2, 1) + i * 1000)) },
    ],
    rowGroupSize: ROWS,
    pageSize: 64 * 1024,
  });
  await writeFile(path, new Uint8Array(bytes));
  await h.s3.client.send(new PutObjectCommand({ Bucket: 'landing', Key: KEY, Body: new Uint8Array(bytes) }));
}, 300_000);

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it(`reads a Parquet object of one ${ROWS}-row group within a ${HEAP_BUDGET_MB} MB heap`, async () => {
  const [groups] = await query(`SELECT count(*) AS n FROM parquet_metadata('${path}') WHERE column_id = 0`);
  expect(Number(groups!.n)).toBe(1);
  const child = h.spawnChild(await h.eventFor(KEY), { nodeArgs: [`--max-old-space-size=${HEAP_BUDGET_MB}`] });
  const result = await child.done;
  expect(result.error).toBeUndefined();
  const quarantined = ROWS / 1000;
  expect(result.result!.objects[0]).toMatchObject({ status: 'processed', rows: { in: ROWS, valid: ROWS - quarantined, quarantined } });
  // The cap binds the old generation; heapUsed also counts the young one, which holds a slice's
  // decoded pages and rows between collections (up to ~12 MB measured here).
  expect(result.peakHeap).toBeLessThan((HEAP_BUDGET_MB + 16) * 1024 * 1024);
  const manifest = (await manifestsByKey(h.s3.client, 'validated', PIPELINE)).get(KEY)!;
  expect(manifest.rows).toEqual({ in: ROWS, valid: ROWS - quarantined, quarantined });
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`parquet memory: ${ROWS} rows in one row group, --max-old-space-size=${HEAP_BUDGET_MB}: peak heap ${mb(result.peakHeap)} MB, peak RSS ${mb(result.peakRss)} MB; ${Math.round(ROWS / (result.handleMs / 1000))} rows/s`);
}, 600_000);
