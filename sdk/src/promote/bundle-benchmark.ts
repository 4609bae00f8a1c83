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
 * Runs the event stage of `definition` over `rows` jsonl records produced by `makeRow`,
 * streamed from memory, with outputs discarded after encoding.
 *
 * @example
 * ```ts
 * const t = await measureThroughput(engagement.definition, 200_000, (i) => ({ event_id: `e${i}`, ... }));
 * t.rowsPerSecond // target >= 200k
 * ```
 */
export async function measureThroughput(definition: PipelineDefinition, rows: number, makeRow: (i: number) => unknown): Promise<Throughput> {
  const { processObject } = await import('../runtime/process-object.js');
  const { createRowTransformer } = await import('../runtime/row-transformer.js');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify(makeRow(i)));
  const body = Buffer.from(`${lines.join('\n')}\n`);
  lines.length = 0;
  let parquetBytes = 0;
  const store = {
    getJson: async () => undefined,
    getBytes: async () => undefined,
    putJson: async () => {},
    delete: async () => {},
    list: async () => [],
    copy: async () => {},
    head: async () => {
      throw new Error('not used');
    },
    put: async (_bucket: string, key: string, data: Uint8Array | string) => {
      if (key.endsWith('.parquet')) parquetBytes += data.length;
    },
    range: async () => {
      throw new Error('not used: the benchmark object is JSON lines');
    },
    body: async () =>
      (async function* () {
        for (let offset = 0; offset < body.length; offset += 64 * 1024) yield body.subarray(offset, offset + 64 * 1024);
      })(),
  };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await processObject(
    { bucket: 'bench', key: 'bench.jsonl', version: 'v', planHash: definition.hash, objectId: 'bench', lastModified: new Date(0) },
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
