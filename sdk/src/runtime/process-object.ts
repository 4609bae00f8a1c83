/**
 * The event stage for one object: stream (JSON lines, CSV; a Parquet object by ranged reads) →
 * records → validate/transform → segments of Parquet (validated zone) and JSON lines
 * (quarantine zone) → manifest, written last.
 *
 * Segments: every `segmentRows` input records (or `segmentBytes` of raw text, whichever
 * comes first) the buffered rows are written out, one Parquet file per `dt`, and a
 * checkpoint records how far the object got. Boundaries depend on the data only, so a
 * resumed or repeated run writes the same files with the same bytes. Memory is bounded by
 * one segment (and, for a Parquet object, the row group being read: parquet-records.ts). A
 * Parquet row's raw text, which segmentBytes counts, is its share of its row group's bytes.
 *
 * `dt`: from the window's timestamp column when the plan aggregates (rows land in the
 * partition the aggregate stage reads for their time); otherwise — and for a row whose
 * timestamp is null — from the object's LastModified, which is the event time of the
 * notification and, unlike anything in the notification, identical in every delivery path.
 *
 * Gates (`row-gates.ts`) are judged on the whole object, after its last record. What a
 * verdict depends on survives a crash with the checkpoint: the violation counts and the
 * Parquet types decided for undeclared columns are in it, and the hashes of the `unique` keys
 * seen are stored beside it, one small file per segment holding only that segment's new keys.
 * (Re-reading the written segments instead would need a Parquet reader in the bundle, and
 * would not work when a map() replaces a key column; keeping all hashes in the checkpoint
 * would rewrite every earlier key at every segment.) A resumed object therefore rebuilds the
 * exact key set a clean run has at that point, and reaches the same verdict.
 */
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import type { SourceNode } from '../plan/source-node.js';
import { undeclaredKeysOf, type MapOutputState } from './map-output-columns.js';
import { writeParquetColumns, writeParquetSegment, type ObjectColumnTypes, type ValidRow } from './parquet-segment-writer.js';
import { formatOf, parserFor, recordBatches, type RawRecord } from './record-reader.js';
import { landingParquetFile } from './landing-parquet-file.js';
import { parquetRecordBatches } from './parquet-records.js';
import { createRowGates, type RowGates } from './row-gates.js';
import type { RowIssue, RowTransformer } from './row-transformer.js';
import { decompressed, firstBytesOf, UnreadableObjectError, utf8Text } from './text-stream.js';
import { keyIdOf } from './current-versions.js';
import { utcDate, zoneKeys, type ObjectIdentity } from './zone-keys.js';
import type { ZoneStore } from './zone-store.js';
import type { CoercionState } from '../quality/coercion-surprises.js';

export interface ZoneConfig {
  readonly validatedBucket: string;
  readonly quarantineBucket: string;
  readonly segmentRows: number;
  readonly segmentBytes: number;
}

export interface RowCounts {
  in: number;
  valid: number;
  quarantined: number;
}

/** Written last for every finished object; readers trust only outputs listed in a manifest. */
export interface ObjectManifest {
  readonly manifestVersion: 1;
  readonly pipeline: string;
  readonly planHash: string;
  readonly objectId: string;
  /** `keyId`: the key's folder in the current-version index (runtime/current-versions.ts), which decides whether this version is read. */
  readonly object: { readonly bucket: string; readonly key: string; readonly version: string; readonly lastModified: string; readonly keyId: string };
  /** `processed`: rows split into valid/quarantined; `quarantined`: a gate failed, or a map() dropped a column a later step reads, and the object went whole to quarantine; `unreadable`: it could not be decoded. */
  readonly status: 'processed' | 'quarantined' | 'unreadable';
  readonly rows: RowCounts;
  readonly outputs: { readonly validated: readonly string[]; readonly quarantine: readonly string[] };
  readonly gateFailures: readonly string[];
  readonly error?: string;
  /** Keys a declared `.map()` returned beyond the columns the plan knows: not written (a local run names them in its notes). */
  readonly undeclaredMapKeys?: readonly string[];
  /** Values z.coerce made of nulls (or true of text that reads as false) in valid rows, worded as a local run's notes. */
  readonly coercionNotes?: readonly string[];
}

/** 2: gate names as in local reports, decided column types, unique-key files. 3: map outputs. 4: coercions. An older checkpoint is not resumed: the object starts over. */
const CHECKPOINT_VERSION = 4;

interface Checkpoint {
  readonly checkpointVersion: typeof CHECKPOINT_VERSION;
  readonly objectId: string;
  readonly recordsDone: number;
  readonly segment: number;
  /** Segment limits in force when the object was started: a resumed run keeps them, so its files match a clean run's. */
  readonly segmentRows: number;
  readonly segmentBytes: number;
  readonly rows: RowCounts;
  readonly outputs: { validated: string[]; quarantine: string[] };
  readonly gateViolations: Record<string, number>;
  /** Parquet types decided so far for columns of undeclared type: every file of the object uses them. */
  readonly columnTypes: ObjectColumnTypes;
  /** Files holding the hashes of the unique keys seen, one per checkpointed segment (deleted when the object is finished). */
  readonly gateKeyFiles: string[];
  /** The columns each map() returned in the segments done so far, for the map-output check. */
  readonly mapOutputs: MapOutputState;
  /** Values z.coerce made of nulls and the like in the segments done so far (quality/coercion-surprises.ts). */
  readonly coercions: CoercionState;
}

export interface ObjectTarget extends ObjectIdentity {
  readonly objectId: string;
  readonly versionId?: string;
  readonly lastModified: Date;
  /** Bytes, from the object's head: a whole object quarantined above 5 GiB is copied in parts. */
  readonly size?: number;
}

export interface ProcessDeps {
  readonly definition: PipelineDefinition;
  readonly transformer: RowTransformer;
  readonly store: ZoneStore;
  readonly zones: ZoneConfig;
  /**
   * Asked after each segment, with how long that segment took (from its first record taken to
   * its checkpoint written; a resumed object's re-reading of the records before its checkpoint
   * is not part of it): true means "checkpoint and stop now" (the invocation is running out of time).
   */
  readonly shouldYield: (segmentMs: number) => boolean;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export type ProcessResult =
  | { readonly status: 'done'; readonly manifest: ObjectManifest; readonly resumedAt: number; readonly alreadyDone: boolean }
  | { readonly status: 'yielded'; readonly recordsDone: number; readonly rows: RowCounts };

/**
 * Processes one object version completely, or up to a checkpoint when time runs out.
 *
 * @example
 * ```ts
 * const result = await processObject(target, deps);
 * if (result.status === 'yielded') reportRetry(); else metrics(result.manifest.rows);
 * ```
 */
export async function processObject(target: ObjectTarget, deps: ProcessDeps): Promise<ProcessResult> {
  const { definition, store, zones } = deps;
  const keys = zoneKeys(definition.plan.name);
  const existing = await store.getJson<ObjectManifest>(zones.validatedBucket, keys.manifest(target.objectId));
  if (existing) return { status: 'done', manifest: existing, resumedAt: 0, alreadyDone: true };

  let gates = createRowGates(deps.transformer.gates);
  const saved = await store.getJson<Checkpoint>(zones.validatedBucket, keys.checkpoint(target.objectId));
  let state: Checkpoint;
  if (saved?.checkpointVersion === CHECKPOINT_VERSION && saved.objectId === target.objectId && (await restoreGateKeys(saved, gates, deps))) {
    state = saved;
  } else {
    // Nothing (usable) to resume from: a clean start, with gates that hold no restored key.
    gates = createRowGates(deps.transformer.gates);
    state = {
      checkpointVersion: CHECKPOINT_VERSION,
      objectId: target.objectId,
      recordsDone: 0,
      segment: 0,
      segmentRows: zones.segmentRows,
      segmentBytes: zones.segmentBytes,
      rows: { in: 0, valid: 0, quarantined: 0 },
      outputs: { validated: [], quarantine: [] },
      gateViolations: {},
      columnTypes: {},
      gateKeyFiles: [],
      mapOutputs: {},
      coercions: {},
    };
  }
  const run = new SegmentRun(target, deps, gates, structuredClone(state));
  const objectDate = utcDate(target.lastModified);

  try {
    const yielded = await run.consume();
    if (yielded) return { status: 'yielded', recordsDone: run.state.recordsDone, rows: run.state.rows };
  } catch (error) {
    if (!(error instanceof UnreadableObjectError)) throw error;
    deps.log?.('object is unreadable; quarantining it whole', { error: error.message });
    const manifest = await quarantineWhole(target, deps, run.state, objectDate, 'unreadable', error.message, []);
    return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
  }

  const failures = gates.failures(run.state.rows, run.state.gateViolations);
  // A map() whose rows lack a column a later step reads is a mistake in the pipeline, not in
  // the data, and every row of the object went through it: written anyway, the column would be
  // null (or missing) in the validated zone, and the aggregate stage would compute zeros and
  // nulls from it (or fail inside Spark). Judging row by row would keep the rows that happen to
  // carry the column and reject the same rows a local run keeps (there, a column any row
  // returned is a column of the map's table). So the object goes whole to quarantine with the
  // local run's error, like an object that fails a gate: nothing is lost, and it can be landed
  // again once the map is fixed.
  const dropped = deps.transformer.mapOutputProblem(run.state.mapOutputs);
  if (dropped) {
    deps.log?.('a map() dropped a column a later step reads; quarantining the object whole', { error: dropped.message });
    const manifest = await quarantineWhole(target, deps, run.state, objectDate, 'quarantined', `${dropped.code}: ${dropped.message}`, failures);
    return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
  }
  if (failures.length > 0) {
    deps.log?.('object failed its gates; quarantining it whole', { failures });
    const manifest = await quarantineWhole(target, deps, run.state, objectDate, 'quarantined', `gate failed: ${failures.join('; ')}`, failures);
    return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
  }
  const undeclared = undeclaredKeysOf(run.state.mapOutputs);
  const coercionNotes = deps.transformer.coercionNotes(run.state.coercions);
  const manifest = await finishObject(target, deps, run.state, {
    status: 'processed', rows: run.state.rows, outputs: run.state.outputs, gateFailures: [],
    ...(undeclared.length > 0 ? { undeclaredMapKeys: undeclared } : {}),
    ...(coercionNotes.length > 0 ? { coercionNotes } : {}),
  });
  return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
}

/**
 * Loads the unique keys a checkpoint's segments stored into `gates`; false when one of those
 * files is gone or unreadable (then the object starts over: its outputs are rewritten with the
 * same bytes, so nothing is lost but time).
 */
async function restoreGateKeys(saved: Checkpoint, gates: RowGates, deps: ProcessDeps): Promise<boolean> {
  if (!gates.keepsKeys) return true;
  if (!Array.isArray(saved.gateKeyFiles) || saved.gateKeyFiles.length !== saved.segment) return false;
  for (const key of saved.gateKeyFiles) {
    const bytes = await deps.store.getBytes(deps.zones.validatedBucket, key);
    if (!bytes) return false;
    try {
      gates.restoreKeys(bytes);
    } catch (error) {
      deps.log?.('stored unique keys are unreadable; starting the object over', { key, error: (error as Error).message });
      return false;
    }
  }
  return true;
}

function describeObject(target: ObjectTarget) {
  return { bucket: target.bucket, key: target.key, version: target.version, lastModified: target.lastModified.toISOString(), keyId: keyIdOf(target.bucket, target.key) };
}

/** Streams the object from the checkpoint on, writing one segment at a time. */
class SegmentRun {
  private validByDt = new Map<string, DtBuffer>();
  private quarantined: string[] = [];
  private segmentRecords = 0;
  private segmentBytes = 0;
  private readonly dtByDay = new Map<number, string>();
  private readonly objectUri: string;
  private readonly objectDate: string;
  private readonly keys: ReturnType<typeof zoneKeys>;
  /** By output column: declared a timestamp (buffered as epoch milliseconds). */
  private readonly timestampAt: readonly boolean[];

  constructor(
    private readonly target: ObjectTarget,
    private readonly deps: ProcessDeps,
    private readonly gates: RowGates,
    readonly state: { -readonly [K in keyof Checkpoint]: Checkpoint[K] },
  ) {
    this.objectUri = `s3://${target.bucket}/${target.key}`;
    this.objectDate = utcDate(target.lastModified);
    this.keys = zoneKeys(deps.definition.plan.name);
    this.timestampAt = (deps.transformer.columns ?? []).map((c) => c.type === 'timestamp');
  }

  /** Returns true when it stopped early at a checkpoint. */
  async consume(): Promise<boolean> {
    const source = this.deps.definition.plan.steps.find((s): s is SourceNode => s.kind === 'source');
    const detected = formatOf(this.target.key, source);
    if (detected === undefined) {
      throw new UnreadableObjectError(`cannot tell the format of "${this.target.key}": give the source a format, or use a .jsonl, .csv or .parquet key (optionally .gz)`);
    }
    // Compression as a local run decides it (the source's, else the key's .gz), never sniffed:
    // a gzip body named .jsonl is unreadable in both, so both put the same rows in the same place.
    const compression = detected.compression;
    const head: { bytes?: Uint8Array } = {};
    const skip = this.state.recordsDone;
    let records: AsyncIterable<RawRecord[]>;
    // Records before `seen` are not read again (a Parquet file starts at the checkpoint's row).
    let seen = 0;
    if (detected.format === 'parquet') {
      records = parquetRecordBatches(await landingParquetFile(this.deps.store, this.target, compression), skip);
      seen = skip;
    } else {
      // Unversioned: `version` is the ETag the identity was made of, and the read is pinned to it.
      const body = await this.deps.store.body(this.target.bucket, this.target.key, this.target.versionId, this.target.versionId ? undefined : this.target.version);
      const parser = parserFor(this.target.key, detected.format, source, this.deps.transformer.csvDecoding);
      records = recordBatches(utf8Text(decompressed(firstBytesOf(body, head), compression)), parser);
    }
    let segmentStarted = 0;
    /** The line of the record before, and that record's place among those starting on it (counted over skipped records too, so a resumed object numbers as a clean run). */
    let previousLine = 0;
    let lineIndex = 0;
    try {
      for await (const batch of records) {
        for (const record of batch) {
          lineIndex = record.line === previousLine ? lineIndex + 1 : 1;
          previousLine = record.line;
          // Resuming: records before the checkpoint were written by an earlier invocation.
          if (seen++ < skip) continue;
          if (this.segmentRecords === 0) segmentStarted = Date.now();
          this.take(record, lineIndex);
          if (this.segmentRecords >= this.state.segmentRows || this.segmentBytes >= this.state.segmentBytes) {
            await this.flush(seen);
            if (this.deps.shouldYield(Date.now() - segmentStarted)) return true;
          }
        }
      }
    } catch (error) {
      if (error instanceof UnreadableObjectError && compression === 'none' && head.bytes?.[0] === 0x1f && head.bytes[1] === 0x8b) {
        throw new UnreadableObjectError(`${error.message}. The object starts like gzip data: name it with .gz or give the source compression: 'gzip'.`, { cause: error });
      }
      throw error;
    }
    if (this.segmentRecords > 0) await this.flush(seen, false);
    return false;
  }

  private take(record: RawRecord, lineIndex: number): void {
    this.segmentRecords++;
    this.segmentBytes += record.size ?? record.raw.length;
    this.state.rows.in++;
    const outcome = this.deps.transformer.transform(record, this.state.mapOutputs, this.state.coercions);
    if (!outcome.ok) {
      // A row validate() accepted and a transform rejected: the local gates (over the validated
      // rows, before any map()) count it, so these do too.
      if (outcome.gated) this.gates.check(outcome.gated, this.state.gateViolations);
      this.quarantine(record, outcome.issues);
      return;
    }
    if (this.gates.columns.length > 0) this.gates.check(outcome.gated ?? outcome.row, this.state.gateViolations);
    const dt = this.dtOf(outcome.row);
    let bucket = this.validByDt.get(dt);
    if (!bucket) this.validByDt.set(dt, (bucket = newDtBuffer(this.deps.transformer.columns)));
    if (bucket.kind === 'columns') {
      const { names, values } = bucket;
      const row = outcome.row;
      for (let c = 0; c < names.length; c++) {
        const v = row[names[c]!];
        // A Date held until the segment is written survives young-generation collections and is
        // copied by each; its milliseconds (all the file stores) sit unboxed in a number array.
        values[c]!.push(this.timestampAt[c] && v instanceof Date ? v.getTime() : v);
      }
      bucket.lines.push(record.line);
      bucket.lineIndexes.push(lineIndex);
    } else {
      bucket.rows.push({ line: record.line, lineIndex, row: outcome.row });
    }
    this.state.rows.valid++;
  }

  private quarantine(record: RawRecord, issues: readonly RowIssue[]): void {
    this.state.rows.quarantined++;
    this.quarantined.push(JSON.stringify({ object: this.objectUri, line: record.line, raw: record.raw, issues }));
  }

  private dtOf(row: Record<string, unknown>): string {
    const column = this.deps.transformer.timestampColumn;
    if (!column) return this.objectDate;
    const v = row[column];
    const date = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
    const ms = date ? date.getTime() : NaN;
    if (Number.isNaN(ms)) return this.objectDate;
    // toISOString per row was a visible share of the time; the date depends on the UTC day only.
    const day = Math.floor(ms / 86_400_000);
    let dt = this.dtByDay.get(day);
    if (dt === undefined) this.dtByDay.set(day, (dt = utcDate(date!)));
    return dt;
  }

  private async flush(recordsDone: number, checkpoint = true): Promise<void> {
    const { store, zones, definition } = this.deps;
    const segment = this.state.segment;
    const metadata = {
      'sluice.pipeline': definition.plan.name,
      'sluice.plan_hash': definition.hash,
      'sluice.object': this.objectUri,
      'sluice.object_version': this.target.version,
      'sluice.segment': String(segment),
    };
    for (const dt of [...this.validByDt.keys()].sort()) {
      const key = this.keys.validated(dt, this.target.objectId, segment);
      const bucket = this.validByDt.get(dt)!;
      const bytes = bucket.kind === 'columns'
        ? writeParquetColumns(this.deps.transformer.columns!, bucket.values, bucket.lines, this.objectUri, metadata, this.state.columnTypes, bucket.lineIndexes)
        : writeParquetSegment(bucket.rows, this.deps.transformer.columns, this.objectUri, metadata, this.state.columnTypes);
      await store.put(zones.validatedBucket, key, bytes, 'application/vnd.apache.parquet');
      if (!this.state.outputs.validated.includes(key)) this.state.outputs.validated.push(key);
    }
    if (this.quarantined.length > 0) {
      const key = this.keys.quarantineRows(this.objectDate, this.target.objectId, segment);
      await store.put(zones.quarantineBucket, key, this.quarantined.join('\n') + '\n', 'application/x-ndjson');
      if (!this.state.outputs.quarantine.includes(key)) this.state.outputs.quarantine.push(key);
    }
    // The keys this segment saw first, stored before the checkpoint that counts them (the last segment needs none: no checkpoint follows).
    if (checkpoint && this.gates.keepsKeys) {
      const key = this.keys.gateKeys(this.target.objectId, segment);
      await store.put(zones.validatedBucket, key, this.gates.takeNewKeys(), 'application/octet-stream');
      if (!this.state.gateKeyFiles.includes(key)) this.state.gateKeyFiles.push(key);
    }
    this.validByDt = new Map();
    this.quarantined = [];
    this.segmentRecords = 0;
    this.segmentBytes = 0;
    this.state.segment = segment + 1;
    this.state.recordsDone = recordsDone;
    if (checkpoint) await store.putJson(zones.validatedBucket, this.keys.checkpoint(this.target.objectId), this.state);
    this.deps.log?.('segment written', { segment, recordsDone, rows: { ...this.state.rows } });
  }
}

/**
 * The valid rows of one dt in the current segment: column by column when the plan knows the
 * output columns (row objects then die young), else whole rows (their columns are decided
 * from the values when the segment is written).
 */
type DtBuffer =
  | { readonly kind: 'columns'; readonly names: readonly string[]; readonly values: unknown[][]; readonly lines: number[]; readonly lineIndexes: number[] }
  | { readonly kind: 'rows'; readonly rows: ValidRow[] };

function newDtBuffer(columns: RowTransformer['columns']): DtBuffer {
  if (!columns) return { kind: 'rows', rows: [] };
  return { kind: 'columns', names: columns.map((c) => c.name), values: columns.map(() => []), lines: [], lineIndexes: [] };
}

/**
 * Sends the object whole to quarantine (with an error document), removes the segments this
 * object already wrote, and records the outcome. An object that failed a gate was read to the
 * end: every record counts as in and quarantined. An unreadable one was not, so it counts no
 * rows (its share of a batch is the objects that could not be read, as in a local run); the
 * records decoded before the error are named in its error document as `rowsSeen`.
 */
async function quarantineWhole(
  target: ObjectTarget,
  deps: ProcessDeps,
  state: Checkpoint,
  objectDate: string,
  status: 'quarantined' | 'unreadable',
  error: string,
  failures: string[],
): Promise<ObjectManifest> {
  const { store, zones, definition } = deps;
  const keys = zoneKeys(definition.plan.name);
  for (const key of state.outputs.validated) await store.delete(zones.validatedBucket, key);
  for (const key of state.outputs.quarantine) await store.delete(zones.quarantineBucket, key);
  const objectKey = keys.quarantineObject(objectDate, target.objectId, target.key);
  const errorKey = keys.quarantineError(objectDate, target.objectId);
  await store.copy(
    { bucket: target.bucket, key: target.key, ...(target.versionId ? { versionId: target.versionId } : { etag: target.version }), ...(target.size !== undefined ? { size: target.size } : {}) },
    { bucket: zones.quarantineBucket, key: objectKey },
  );
  await store.putJson(zones.quarantineBucket, errorKey, { object: `s3://${target.bucket}/${target.key}`, version: target.version, status, error, gateFailures: failures, rowsSeen: state.rows.in });
  return finishObject(target, deps, state, {
    status,
    rows: status === 'unreadable' ? { in: 0, valid: 0, quarantined: 0 } : { in: state.rows.in, valid: 0, quarantined: state.rows.in },
    outputs: { validated: [], quarantine: [objectKey, errorKey] },
    gateFailures: failures,
    error,
  });
}

/**
 * The last step for every object, whatever became of it: its manifest (which makes a
 * redelivery a no-op) is written, then the checkpoint a retry would have resumed from goes,
 * with the unique-key files it named.
 */
async function finishObject(
  target: ObjectTarget,
  deps: ProcessDeps,
  state: Pick<Checkpoint, 'gateKeyFiles'>,
  outcome: Pick<ObjectManifest, 'status' | 'rows' | 'outputs' | 'gateFailures' | 'error' | 'undeclaredMapKeys' | 'coercionNotes'>,
): Promise<ObjectManifest> {
  const { store, zones, definition } = deps;
  const keys = zoneKeys(definition.plan.name);
  const manifest: ObjectManifest = {
    manifestVersion: 1,
    pipeline: definition.plan.name,
    planHash: definition.hash,
    objectId: target.objectId,
    object: describeObject(target),
    ...outcome,
  };
  await store.putJson(zones.validatedBucket, keys.manifest(target.objectId), manifest);
  for (const key of state.gateKeyFiles) await store.delete(zones.validatedBucket, key);
  await store.delete(zones.validatedBucket, keys.checkpoint(target.objectId));
  return manifest;
}
