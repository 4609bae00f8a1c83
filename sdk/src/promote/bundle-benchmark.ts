/**
 * Measurements of the event stage for `npm run bench` and the promote summary: cold start
 * (loading the bundle in a fresh Node process, AWS SDK included, as Lambda does) and
 * throughput (jsonl → Parquet on one core, the object streamed from memory so the number is
 * the handler's, not the network's).
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';

export interface ColdStart {
  /** Median over the runs, milliseconds from `import()` to the module being ready (Lambda's init phase). */
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /**
   * Median milliseconds from `import()` to the end of the first invocation, on an
   * `s3:TestEvent` (no object, no network): adds what the handler defers to its first call
   * (loading the AWS SDK and Powertools idempotency, creating the clients).
   */
  readonly firstInvokeMedianMs: number;
  readonly firstInvokeRunsMs: readonly number[];
}

/**
 * Loads the bundle in `runs` fresh Node processes and reports the import time, and the time
 * to the end of a first (no-op) invocation.
 *
 * @example
 * ```ts
 * const { medianMs, firstInvokeMedianMs } = await measureColdStart('deploy/lambda/index.mjs'); // target <= 150 ms
 * ```
 */
export async function measureColdStart(bundleFile: string, runs = 5): Promise<ColdStart> {
  const script = [
    'const t = performance.now();',
    `const mod = await import(${JSON.stringify(pathToFileURL(bundleFile).href)});`,
    'const loaded = performance.now() - t;',
    "await mod.handler({ Event: 's3:TestEvent' }, { getRemainingTimeInMillis: () => 900000 });",
    "console.log('sluice-cold-start ' + JSON.stringify([loaded, performance.now() - t]));",
  ].join(' ');
  const runsMs: number[] = [];
  const firstInvokeRunsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        // The handler reads its configuration at the first invocation; these only satisfy the check.
        env: { ...process.env, VALIDATED_BUCKET: 'bench', QUARANTINE_BUCKET: 'bench', IDEMPOTENCY_TABLE: 'bench', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`loading the bundle failed: ${err.slice(-500)}`))));
    });
    const line = output.split('\n').find((l) => l.startsWith('sluice-cold-start '));
    if (!line) throw new Error(`the cold-start probe printed no timing: ${output.slice(-500)}`);
    const [loaded, invoked] = JSON.parse(line.slice('sluice-cold-start '.length)) as [number, number];
    runsMs.push(loaded);
    firstInvokeRunsMs.push(invoked);
  }
  return { medianMs: median(runsMs), runsMs, firstInvokeMedianMs: median(firstInvokeRunsMs), firstInvokeRunsMs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface Throughput {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Process CPU time (user + system, all threads) spent on the rows: steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
  readonly parquetBytes: number;
}

/**
 * Runs the event stage of `definition` over `rows` records produced by `makeRow`, as one jsonl
 * object or one Parquet object (columns typed from the first row's values: text, numbers,
 * booleans, Dates as timestamps; 100k-row groups), read from memory, with outputs discarded
 * after encoding.
 *
 * @example
 * ```ts
 * const t = await measureThroughput(engagement.definition, 200_000, (i) => ({ event_id: `e${i}`, ... }));
 * t.rowsPerSecond // target >= 200k
 * ```
 */
export async function measureThroughput(definition: PipelineDefinition, rows: number, makeRow: (i: number) => Record<string, unknown>, format: 'jsonl' | 'parquet' = 'jsonl'): Promise<Throughput> {
  const { processObject } = await import('../runtime/process-object.js');
  const { createRowTransformer } = await import('../runtime/row-transformer.js');
  const body = format === 'jsonl' ? jsonLines(rows, makeRow) : await parquetFile(rows, makeRow);
  let parquetBytes = 0;
  const store = {
    getJson: async () => undefined,
    getBytes: async () => undefined,
    putJson: async () => {},
    delete: async () => {},
    list: async () => [],
    copy: async () => {},
    head: async () => ({ key: `bench.${format}`, etag: 'v', lastModified: new Date(0), size: body.length }),
    put: async (_bucket: string, key: string, data: Uint8Array | string) => {
      if (key.endsWith('.parquet')) parquetBytes += data.length;
    },
    range: async (_bucket: string, _key: string, start: number, end: number) => body.subarray(start, end),
    body: async () =>
      (async function* () {
        for (let offset = 0; offset < body.length; offset += 64 * 1024) yield body.subarray(offset, offset + 64 * 1024);
      })(),
  };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await processObject(
    { bucket: 'bench', key: `bench.${format}`, version: 'v', planHash: definition.hash, objectId: 'bench', lastModified: new Date(0), size: body.length },
    {
      definition,
      transformer: createRowTransformer(definition),
      store,
      zones: { validatedBucket: 'bench', quarantineBucket: 'bench', segmentRows: 50_000, segmentBytes: 16 * 1024 * 1024 },
      shouldYield: () => false,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  return { rows, seconds, rowsPerSecond: Math.round(rows / seconds), cpuSeconds: (cpu.user + cpu.system) / 1e6, parquetBytes };
}

function jsonLines(rows: number, makeRow: (i: number) => Record<string, unknown>): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify(makeRow(i)));
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function parquetFile(rows: number, makeRow: (i: number) => Record<string, unknown>): Promise<Buffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const records = Array.from({ length: rows }, (_, i) => makeRow(i));
  const names = Object.keys(records[0] ?? {});
  const typeOf = (name: string) => {
    const sample = records.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
    return sample instanceof Date ? 'TIMESTAMP' : typeof sample === 'number' ? 'DOUBLE' : typeof sample === 'boolean' ? 'BOOLEAN' : 'STRING';
  };
  const columnData = names.map((name) => ({ name, type: typeOf(name), data: records.map((r) => r[name] ?? null) }) as const);
  return Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize: 100_000 }));
}
