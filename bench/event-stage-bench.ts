/**
 * Issue 4's benchmark: the Lambda handler's throughput turning jsonl (and, beside it, Parquet
 * landing objects) into Parquet (one core),
 * its cold start (loading the bundle in a fresh process, AWS SDK included), the bundle size,
 * and peak memory while processing a large object.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundlePipeline } from '../sdk/src/promote/bundle.js';
import { measureColdStart, measureThroughput } from '../sdk/src/promote/bundle-benchmark.js';
import { mulberry32 } from '../sdk/src/cli/demo-data.js';
import engagement from '../examples/engagement.js';

export interface EventStageBenchResult {
  readonly bundleBytes: number;
  readonly coldStartMedianMs: number;
  /** Import plus a first (no-op) invocation: what the handler defers from its init phase is paid here. */
  readonly coldStartFirstInvokeMedianMs: number;
  /**
   * A warm handler's throughput: the median over the next WARM_OBJECTS objects of the same size
   * in this process, as a Lambda container that has served one object serves the next (DESIGN:
   * one container handles a stream of S3 events). The first object's figure, JIT warm-up
   * included, is beside it. One object's figure moved by ±25% between runs on this project's
   * shared 2-core machine; the median of five moves less.
   */
  readonly rowsPerSecond: number;
  /** The warm objects' figures, in order. */
  readonly warmRowsPerSecond: string;
  /** Rows per second of process CPU time, warm, median (steadier than wall time on a shared machine). */
  readonly rowsPerCpuSecond: number;
  /** The first object in a fresh handler: compilation of the hot paths included. */
  readonly firstObjectRowsPerSecond: number;
  /**
   * The same rows landed as one Parquet object (typed columns, 100k-row groups, read by ranges
   * from memory): warm median over WARM_PARQUET_OBJECTS objects, and those figures. No target:
   * it shows what reading Parquet costs next to JSON lines.
   */
  readonly parquetRowsPerSecond: number;
  readonly parquetWarmRowsPerSecond: string;
  readonly rows: number;
  readonly peakRssMb: number;
  readonly heapUsedPeakMb: number;
}

const WARM_OBJECTS = 5;
const WARM_PARQUET_OBJECTS = 3;

export async function runEventStageBench(rows = 200_000): Promise<EventStageBenchResult> {
  // Inside the checkout, not the OS temp folder: the bundle leaves `@aws-sdk/*` external (as
  // Lambda provides it), and Node resolves those imports from the bundle's own folder upwards.
  const cache = resolve(import.meta.dirname, '../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'sluice-bench-lambda-'));
  try {
    const bundle = await bundlePipeline({ pipelineModule: resolve(import.meta.dirname, '../examples/engagement.ts'), outDir: dir });
    const cold = await measureColdStart(bundle.file, 5);
    const random = mulberry32(1);
    const types = ['view', 'click', 'purchase'] as const;
    let heapPeak = 0;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
    const makeRow = (i: number) => {
      const type = types[Math.floor(random() * 3)]!;
      return {
        event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        user_id: `u${Math.floor(random() * 2000)}`,
        event_type: type,
        amount: type === 'purchase' ? Math.round(random() * 10_000) / 100 : null,
        ts: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 60 * 86_400_000)).toISOString(),
      };
    };
    const first = await measureThroughput(engagement.definition, rows, makeRow);
    const warm: Awaited<ReturnType<typeof measureThroughput>>[] = [];
    for (let i = 0; i < WARM_OBJECTS; i++) warm.push(await measureThroughput(engagement.definition, rows, makeRow));
    // Typed as a Parquet writer would store them: the instant as a timestamp, not text.
    const typedRow = (i: number) => {
      const row = makeRow(i);
      return { ...row, ts: new Date(row.ts) };
    };
    await measureThroughput(engagement.definition, rows, typedRow, 'parquet'); // warms the Parquet path
    const parquet: Awaited<ReturnType<typeof measureThroughput>>[] = [];
    for (let i = 0; i < WARM_PARQUET_OBJECTS; i++) parquet.push(await measureThroughput(engagement.definition, rows, typedRow, 'parquet'));
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    clearInterval(sampler);
    return {
      bundleBytes: bundle.bytes,
      coldStartMedianMs: Math.round(cold.medianMs),
      coldStartFirstInvokeMedianMs: Math.round(cold.firstInvokeMedianMs),
      rowsPerSecond: median(warm.map((w) => w.rowsPerSecond)),
      warmRowsPerSecond: warm.map((w) => w.rowsPerSecond).join(' '),
      rowsPerCpuSecond: median(warm.map((w) => Math.round(rows / w.cpuSeconds))),
      firstObjectRowsPerSecond: first.rowsPerSecond,
      parquetRowsPerSecond: median(parquet.map((p) => p.rowsPerSecond)),
      parquetWarmRowsPerSecond: parquet.map((p) => p.rowsPerSecond).join(' '),
      rows,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      heapUsedPeakMb: Math.round(heapPeak / 1024 / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
