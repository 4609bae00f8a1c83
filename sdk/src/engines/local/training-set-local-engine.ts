/**
 * The local (DuckDB) engine for training sets. Reads only the pruned partitions' files — from
 * disk, or downloaded from S3 through the AWS SDK (DuckDB's httpfs is not available offline) —
 * and runs one query per (time chunk, group): DuckDB's ASOF JOIN by default, or the portable
 * range-join form that Athena runs (`strategy: 'range'`), which is how the two are compared.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuckDBDateValue,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBVector,
} from '@duckdb/node-api';
import { EngineError, PlanError } from '../../errors.js';
import { rejectUnknownKeys } from '../../plan/unknown-options.js';
import { storeFiles } from '../../features/store-files.js';
import { printSql } from '../../sql/dialects.js';
import { chunkCovers } from '../../retrieval/time-chunk-planner.js';
import { pointInTimeQuery } from '../../retrieval/point-in-time-query.js';
import type { EngineOutput, EngineRunOptions, RetrievalJob, TrainingSetEngine, TypedColumn } from '../../retrieval/training-set-types.js';
import { asofChunkSql } from './training-set-asof-sql.js';
import { featureSourceViewSql } from './training-set-feature-source.js';
import { missingFeatureWarnings } from './training-set-missing-features.js';
import { keepLeadingByteOrderMarks } from './duckdb-text-decoding.js';

export interface LocalEngineOptions {
  /** `asof` (default): DuckDB's ASOF JOIN. `range`: the portable form Athena runs. */
  readonly strategy?: 'asof' | 'range';
}

const LABELS = 'label_keys';

/** What one (chunk, group) runs: the view of its feature rows, then the join. */
interface ChunkStatements {
  readonly view: string;
  readonly query: string;
}

/**
 * @example
 * ```ts
 * const table = await trainingSet(store, { ... }).fetch({ engine: localEngine({ strategy: 'range' }) });
 * ```
 */
export function localEngine(options: LocalEngineOptions = {}): TrainingSetEngine {
  rejectUnknownKeys(options, ['strategy'], 'localEngine(options)', 'localEngine');
  const strategy = options.strategy ?? 'asof';
  if (strategy !== 'asof' && strategy !== 'range') {
    throw new PlanError('INVALID_OPTIONS', 'localEngine.strategy', `localEngine({ strategy }) is 'asof' (DuckDB's ASOF JOIN, the default) or 'range' (the portable form Athena runs); got ${JSON.stringify(strategy)}.`);
  }
  // Two statements per (chunk, group): the view of the group's feature rows over the chunk's
  // files, then the join reading it.
  const chunkSql = (job: RetrievalJob, chunkIndex: number, groupIndex: number, files: readonly string[]): ChunkStatements => {
    const chunk = job.chunks[chunkIndex]!;
    const group = job.groups[groupIndex]!;
    const rowRange = positionRange(job, chunkIndex);
    const source = `g${groupIndex}_source`;
    const view = featureSourceViewSql(source, group, files);
    if (strategy === 'asof') return { view, query: asofChunkSql({ labelsTable: LABELS, chunk, group, source, ttlMs: job.ttlMs, rowRange }) };
    return { view, query: printSql(
      pointInTimeQuery({
        labels: {
          kind: 'subquery',
          alias: 'label_chunk',
          query: {
            kind: 'select',
            columns: [{ expr: { kind: 'star' } }],
            from: { kind: 'table', name: LABELS },
            where: { kind: 'between', operand: { kind: 'column', name: '_sluice_row' }, low: { kind: 'literal', value: rowRange[0] }, high: { kind: 'literal', value: rowRange[1] }, negated: false },
          },
        },
        groups: [{
          source: { kind: 'table', name: source },
          features: group.features,
          tieBreakColumns: group.tieBreakColumns,
        }],
        bounded: job.ttlMs !== null,
        ordered: true,
      }),
      'duckdb',
    ) };
  };
  const filesOf = (job: RetrievalJob, chunkIndex: number, groupIndex: number): string[] =>
    job.groups[groupIndex]!.files.filter((f) => chunkCovers(job.chunks[chunkIndex]!, f.dt)).map((f) => f.path);

  return {
    name: `local (DuckDB, ${strategy})`,
    dialect: 'duckdb',
    sql(job) {
      const parts: string[] = [];
      const shown = Math.min(job.chunks.length, 3);
      for (let c = 0; c < shown; c++) {
        for (let g = 0; g < job.groups.length; g++) {
          const { view, query } = chunkSql(job, c, g, filesOf(job, c, g));
          parts.push(`-- chunk ${c + 1}/${job.chunks.length}, group ${job.groups[g]!.group}\n${view};\n${query}`);
        }
      }
      if (job.chunks.length > shown) parts.push(`-- … ${job.chunks.length - shown} more chunk(s) of the same shape`);
      return parts.join(';\n\n');
    },
    async execute(job, runOptions) {
      return executeLocal(job, runOptions, chunkSql, filesOf);
    },
  };
}

async function executeLocal(
  job: RetrievalJob,
  options: EngineRunOptions,
  chunkSql: (job: RetrievalJob, c: number, g: number, files: readonly string[]) => ChunkStatements,
  filesOf: (job: RetrievalJob, c: number, g: number) => string[],
): Promise<EngineOutput> {
  const started = Date.now();
  const remote = job.store.root.startsWith('s3://');
  const temp = remote ? await mkdtemp(join(tmpdir(), 'sluice-training-set-')) : undefined;
  const localPath = new Map<string, string>();
  keepLeadingByteOrderMarks();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const onAbort = (): void => connection.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    // The SQL compares feature_ts with UTC TIMESTAMP literals. A store whose feature_ts is
    // TIMESTAMP WITH TIME ZONE would have them cast in the session's zone (the machine's by
    // default), shifting every label by its offset: features from the future leak in.
    await connection.run(`SET TimeZone = 'UTC'`);
    throwIfAborted(options.signal);
    const needed = [...new Set(job.groups.flatMap((_, g) => job.chunks.flatMap((__, c) => filesOf(job, c, g))))];
    let bytesRead = 0;
    if (remote) {
      // Only the pruned partitions' objects are downloaded.
      const files = storeFiles(job.store.root, { endpoint: job.store.endpoint, region: job.store.region, client: job.s3Client });
      let done = 0;
      await Promise.all(
        needed.map((path, i) => (async () => {
          const bytes = await files.read(path);
          if (!bytes) throw new EngineError('STORE_FILE_VANISHED', `${path} was listed but is gone: a pipeline run replaced the partition meanwhile. Run the training set again.`);
          const target = join(temp!, `${i}.parquet`);
          await writeFile(target, bytes);
          localPath.set(path, target);
          bytesRead += bytes.byteLength;
          options.onProgress?.({ stage: 'download', done: ++done, total: needed.length });
        })()),
      );
    } else {
      for (const g of job.groups) for (const f of g.files) if (needed.includes(f.path)) bytesRead += f.size;
    }
    const timings = { download: 0, labels: 0, query: 0, place: 0 };
    let mark = Date.now();
    const lap = (phase: keyof typeof timings): void => {
      const now = Date.now();
      timings[phase] += now - mark;
      mark = now;
    };
    lap('download');
    // Footers only: 20–40 ms for 200 files.
    const warnings = await missingFeatureWarnings(connection, job.groups, (p) => localPath.get(p) ?? p, new Set(needed));
    const positionToLabel = await loadLabelKeys(connection, job);
    lap('labels');
    const columns = job.groups.flatMap((g) => g.features.map((feature) => ({ feature, values: emptyColumn(feature.type, job.keys.count) })));
    let queries = 0;
    const total = job.chunks.length * job.groups.length;
    for (let c = 0; c < job.chunks.length; c++) {
      let offset = 0;
      for (let g = 0; g < job.groups.length; g++) {
        throwIfAborted(options.signal);
        const files = filesOf(job, c, g).map((p) => localPath.get(p) ?? p);
        const { view, query } = chunkSql(job, c, g, files);
        await connection.run(view);
        const result = await connection.run(query);
        queries++;
        lap('query');
        const n = job.groups[g]!.features.length;
        for (let ci = 0; ci < result.chunkCount; ci++) {
          const chunk = result.getChunk(ci);
          const rowVector = chunk.getColumnVector(0);
          const at = new Int32Array(chunk.rowCount);
          for (let r = 0; r < chunk.rowCount; r++) at[r] = positionToLabel[rowVector.getItem(r) as number]!;
          for (let k = 0; k < n; k++) placeVector(columns[offset + k]!.values, at, chunk.getColumnVector(k + 1), chunk.rowCount);
        }
        lap('place');
        offset += n;
        options.onProgress?.({ stage: 'join', done: queries, total });
      }
    }
    return {
      columns,
      stats: { engine: 'local', queries, filesRead: needed, bytesRead, elapsedMs: Date.now() - started, timings },
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } catch (error) {
    if (options.signal?.aborted) throw new EngineError('ABORTED', 'The training-set query was cancelled.', { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    connection.closeSync();
    instance.closeSync();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Loads the label keys in chunk order: two appended columns per label (entity, ts). The row's
 * position (DuckDB's `rowid` of a freshly appended table, 0..n-1 in append order) identifies it;
 * `positionToLabel` maps positions back to input rows, and chunk k is a contiguous position range.
 */
async function loadLabelKeys(connection: DuckDBConnection, job: RetrievalJob): Promise<Int32Array> {
  const positionToLabel = new Int32Array(job.chunks.reduce((s, c) => s + c.rows.length, 0));
  // Integral milliseconds fit a DOUBLE exactly (< 2^53); numbers avoid a BigInt per value.
  await connection.run(`CREATE TABLE "label_input" ("_sluice_entity" VARCHAR, "_sluice_ts_ms" DOUBLE)`);
  const appender = await connection.createAppender('label_input');
  let position = 0;
  for (const chunk of job.chunks) {
    for (const i of chunk.rows) {
      appender.appendVarchar(job.keys.entity[i]!);
      appender.appendDouble(job.keys.tsMs[i]!);
      appender.endRow();
      positionToLabel[position++] = i;
    }
  }
  appender.closeSync();
  const lo = job.ttlMs === null ? 'CAST(NULL AS DOUBLE)' : `"_sluice_ts_ms" - ${job.ttlMs}`;
  await connection.run(`CREATE VIEW "${LABELS}" AS SELECT CAST(rowid AS INTEGER) AS "_sluice_row", "_sluice_entity", "_sluice_ts_ms", ${lo} AS "_sluice_lo_ms" FROM "label_input"`);
  return positionToLabel;
}

/** Chunk k's labels occupy positions [first, last] (chunks are appended in order). */
function positionRange(job: RetrievalJob, chunkIndex: number): [number, number] {
  let first = 0;
  for (let c = 0; c < chunkIndex; c++) first += job.chunks[c]!.rows.length;
  return [first, first + job.chunks[chunkIndex]!.rows.length - 1];
}

function emptyColumn(catalogType: string, count: number): unknown[] | TypedColumn {
  const t = catalogType.toUpperCase();
  if (t === 'DOUBLE') return { data: new Float64Array(count), valid: new Uint8Array(count) };
  if (t === 'BIGINT') return { data: new BigInt64Array(count), valid: new Uint8Array(count) };
  return new Array<unknown>(count).fill(null);
}

/** Copies one result vector into the column at the rows `_sluice_row` names. */
function placeVector(target: unknown[] | TypedColumn, rows: Int32Array, values: DuckDBVector, count: number): void {
  if (!Array.isArray(target)) {
    const typed = target as TypedColumn;
    const wantBigInt = typed.data instanceof BigInt64Array;
    for (let r = 0; r < count; r++) {
      const v = values.getItem(r);
      if (v === null) continue;
      const at = rows[r]!;
      // The file's type normally matches the catalog; if it drifted (e.g. HUGEINT stored as DOUBLE), convert.
      typed.data[at] = (wantBigInt ? (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))) : typeof v === 'number' ? v : Number(v)) as never;
      typed.valid[at] = 1;
    }
    return;
  }
  for (let r = 0; r < count; r++) {
    const v = values.getItem(r);
    if (v !== null) target[rows[r]!] = toJs(v);
  }
}

function toJs(value: unknown): unknown {
  // Every temporal type becomes the instant it names (the assembler makes a Timestamp<ms> of it),
  // as Athena's results do; String() would give text such as '2020-01-02', which is NaN as a time.
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return new Date(floorDiv(value.micros, 1000n));
  if (value instanceof DuckDBTimestampNanosecondsValue) return new Date(floorDiv(value.nanos, 1_000_000n));
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBDateValue) return new Date(value.days * 86_400_000);
  if (typeof value === 'object' && value !== null) return String(value);
  return value;
}

/** Floor division (BigInt `/` rounds toward zero, i.e. later, before 1970). */
function floorDiv(value: bigint, per: bigint): number {
  const quotient = value / per;
  return Number(value % per < 0n ? quotient - 1n : quotient);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('ABORTED', 'The training-set query was cancelled.', { cause: signal.reason });
}

