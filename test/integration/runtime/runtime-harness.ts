/**
 * s3rver + dynalite + the built bundle of the test pipeline, and helpers to run the bundled
 * handler in this process or in a child process (to kill it, or to limit its heap).
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundlePipeline, type BundleResult } from '../../../sdk/src/promote/bundle.js';
import { startDynalite, type DynaliteHandle } from '../../helpers/dynalite.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { s3CreatedEvent } from '../../helpers/s3-events.js';

export const ZONES = ['validated', 'quarantine'] as const;
export const TABLE = 'idempotency';

export type Handler = (
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
) => Promise<{ batchItemFailures: { itemIdentifier: string }[]; objects: { status: string; key: string; resumedAt?: number; rows?: { in: number; valid: number; quarantined: number } }[] }>;

export interface ChildResult {
  loadMs: number;
  handleMs: number;
  /** RSS once the bundle has loaded, before the invocation. */
  loadedRss: number;
  peakRss: number;
  peakHeap: number;
  result?: Awaited<ReturnType<Handler>>;
  error?: string;
  stdout: string;
}

export interface Harness {
  readonly s3: S3rverHandle;
  readonly ddb: DynaliteHandle;
  readonly bundle: BundleResult;
  readonly env: Record<string, string>;
  /** The bundled handler, loaded in this process (env applied to process.env). */
  handler(): Promise<Handler>;
  /** An AWS-form S3 event for an object in `landing` (ETag read from the object). */
  eventFor(key: string): Promise<ReturnType<typeof s3CreatedEvent>>;
  /** Starts the handler on `event` in a child process; `kill()` ends it with SIGKILL. */
  spawnChild(event: unknown, options?: { remainingMs?: number; nodeArgs?: string[]; env?: Record<string, string> }): { done: Promise<ChildResult>; kill(): void };
  stop(): Promise<void>;
}

export async function startHarness(settings: Record<string, string> = {}): Promise<Harness> {
  const [s3, ddb] = await Promise.all([startS3rver({ buckets: ['landing', ...ZONES] }), startDynalite({ tables: [TABLE] })]);
  const outDir = resolve(`node_modules/.cache/sluice-runtime-test/harness-${process.pid}-${Date.now()}`);
  const bundle = await bundlePipeline({ pipelineModule: resolve('test/integration/runtime/fixtures/events-pipeline.mjs'), outDir });
  const env: Record<string, string> = {
    VALIDATED_BUCKET: 'validated',
    QUARANTINE_BUCKET: 'quarantine',
    IDEMPOTENCY_TABLE: TABLE,
    SLUICE_S3_ENDPOINT: s3.endpoint,
    SLUICE_DYNAMODB_ENDPOINT: ddb.endpoint,
    // s3rver checks signatures against its default key pair; dynalite accepts any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...settings,
  };
  let loaded: Handler | undefined;
  let children = 0;
  return {
    s3,
    ddb,
    bundle,
    env,
    async handler() {
      Object.assign(process.env, env);
      loaded ??= (await import(pathToFileURL(bundle.file).href)).handler as Handler;
      return loaded;
    },
    async eventFor(key) {
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'landing', Key: key }));
      return s3CreatedEvent({ bucket: 'landing', key, etag: head.ETag!.replace(/"/g, ''), size: head.ContentLength });
    },
    spawnChild(event, options = {}) {
      const eventFile = join(outDir, `event-${children++}.json`);
      let child: ReturnType<typeof spawn> | undefined;
      let killed = false;
      const done = (async () => {
        await writeFile(eventFile, JSON.stringify(event));
        child = spawn(
          process.execPath,
          [...(options.nodeArgs ?? []), resolve('test/integration/runtime/fixtures/handler-child.mjs'), bundle.file, eventFile, String(options.remainingMs ?? 600_000)],
          { env: { ...process.env, ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        if (killed) child.kill('SIGKILL');
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d) => (stdout += d));
        child.stderr!.on('data', (d) => (stderr += d));
        const code = await new Promise<number | null>((r) => child!.on('close', (c) => r(c)));
        const line = stdout.split('\n').find((l) => l.startsWith('SLUICE_CHILD_RESULT '));
        if (!line) {
          if (killed) return { loadMs: 0, handleMs: 0, loadedRss: 0, peakRss: 0, peakHeap: 0, error: 'killed', stdout };
          throw new Error(`child exited with ${code} without a result:\n${stderr.slice(-3000)}`);
        }
        return { ...(JSON.parse(line.slice('SLUICE_CHILD_RESULT '.length)) as Omit<ChildResult, 'stdout'>), stdout };
      })();
      return {
        done,
        kill() {
          killed = true;
          child?.kill('SIGKILL');
        },
      };
    },
    async stop() {
      await Promise.all([s3.stop(), ddb.stop()]);
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Delivers an event until the handler accepts it, as SQS/Lambda retries would. */
export async function deliverUntilDone(handler: Handler, event: unknown, context = { getRemainingTimeInMillis: () => 600_000 }): Promise<Awaited<ReturnType<Handler>>> {
  let last: unknown;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const r = await handler(event, context);
      if (r.batchItemFailures.length === 0) return r;
      last = r.objects;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never accepted: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
