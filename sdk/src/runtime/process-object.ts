/**
 * The event stage for one object: stream → records → validate/transform → segments of
 * Parquet (validated zone) and JSON lines (quarantine zone) → manifest, written last.
 *
 * Segments: every `segmentRows` input records (or `segmentBytes` of raw text, whichever
 * comes first) the buffered rows are written out, one Parquet file per `dt`, and a
 * checkpoint records how far the object got. Boundaries depend on the data only, so a
 * resumed or repeated run writes the same files with the same bytes. Memory is bounded by
 * one segment.
 *
 * `dt`: from the window's timestamp column when the plan aggregates (rows land in the
 * partition the aggregate stage reads for their time); otherwise — and for a row whose
 * timestamp is null — from the object's LastModified, which is the event time of the
 * notification and, unlike anything in the notification, identical in every delivery path.
 */
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import type { SourceNode } from '../plan/source-node.js';
import { writeParquetColumns, writeParquetSegment, type ValidRow } from './parquet-segment-writer.js';
import { formatOf, parserFor, recordBatches, type RawRecord } from './record-reader.js';
import type { RowIssue, RowTransformer } from './row-transformer.js';
import { decompressed, UnreadableObjectError, utf8Text } from './text-stream.js';
import { utcDate, zoneKeys, type ObjectIdentity } from './zone-keys.js';
import type { ZoneStore } from './zone-store.js';

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
  readonly object: { readonly bucket: string; readonly key: string; readonly version: string; readonly lastModified: string };
  /** `processed`: rows split into valid/quarantined; `quarantined`: a gate failed, the object went whole to quarantine; `unreadable`: it could not be decoded. */
  readonly status: 'processed' | 'quarantined' | 'unreadable';
  readonly rows: RowCounts;
  readonly outputs: { readonly validated: readonly string[]; readonly quarantine: readonly string[] };
  readonly gateFailures: readonly string[];
  readonly error?: string;
}

interface Checkpoint {
  readonly checkpointVersion: 1;
  readonly objectId: string;
  readonly recordsDone: number;
  readonly segment: number;
  /** Segment limits in force when the object was started: a resumed run keeps them, so its files match a clean run's. */
  readonly segmentRows: number;
  readonly segmentBytes: number;
  readonly rows: RowCounts;
  readonly outputs: { validated: string[]; quarantine: string[] };
  readonly gateViolations: Record<string, number>;
}

export interface ObjectTarget extends ObjectIdentity {
  readonly objectId: string;
  readonly versionId?: string;
  readonly lastModified: Date;
}

export interface ProcessDeps {
  readonly definition: PipelineDefinition;
  readonly transformer: RowTransformer;
  readonly store: ZoneStore;
  readonly zones: ZoneConfig;
  /** Asked after each segment: true means "checkpoint and stop now" (the invocation is running out of time). */
  readonly shouldYield: () => boolean;
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

  const saved = await store.getJson<Checkpoint>(zones.validatedBucket, keys.checkpoint(target.objectId));
  const state: Checkpoint = saved?.objectId === target.objectId
    ? { ...saved, segmentRows: saved.segmentRows ?? zones.segmentRows, segmentBytes: saved.segmentBytes ?? zones.segmentBytes }
    : {
        checkpointVersion: 1,
        objectId: target.objectId,
        recordsDone: 0,
        segment: 0,
        segmentRows: zones.segmentRows,
        segmentBytes: zones.segmentBytes,
        rows: { in: 0, valid: 0, quarantined: 0 },
        outputs: { validated: [], quarantine: [] },
        gateViolations: {},
      };
  const run = new SegmentRun(target, deps, structuredClone(state));
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

  const failures = gateFailures(run.state, deps.transformer);
  if (failures.length > 0) {
    deps.log?.('object failed its gates; quarantining it whole', { failures });
    const manifest = await quarantineWhole(target, deps, run.state, objectDate, 'quarantined', `gate failed: ${failures.join('; ')}`, failures);
    return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
  }
  const manifest = await finishObject(target, deps, { status: 'processed', rows: run.state.rows, outputs: run.state.outputs, gateFailures: [] });
  return { status: 'done', manifest, resumedAt: state.recordsDone, alreadyDone: false };
}

function describeObject(target: ObjectTarget) {
  return { bucket: target.bucket, key: target.key, version: target.version, lastModified: target.lastModified.toISOString() };
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

  constructor(
    private readonly target: ObjectTarget,
    private readonly deps: ProcessDeps,
    readonly state: { -readonly [K in keyof Checkpoint]: Checkpoint[K] },
  ) {
    this.objectUri = `s3://${target.bucket}/${target.key}`;
    this.objectDate = utcDate(target.lastModified);
    this.keys = zoneKeys(deps.definition.plan.name);
  }

  /** Returns true when it stopped early at a checkpoint. */
  async consume(): Promise<boolean> {
    const source = this.deps.definition.plan.steps.find((s): s is SourceNode => s.kind === 'source');
    const detected = formatOf(this.target.key, source);
    if (detected === undefined) {
      throw new UnreadableObjectError(`cannot tell the format of "${this.target.key}": give the source a format, or use a .jsonl/.csv key (optionally .gz)`);
    }
    if (detected.format === 'parquet') throw new UnreadableObjectError('Parquet landing objects are not read by the event stage yet; land JSON lines or CSV');
    const body = await this.deps.store.body(this.target.bucket, this.target.key, this.target.versionId);
    // Beyond the extension, a gzip body is recognised by its magic number (unless the source says 'none').
    const compression = source?.compression === 'none' ? 'none' : detected.compression === 'gzip' ? 'gzip' : 'auto';
    const parser = parserFor(this.target.key, detected.format, source, this.deps.transformer.inputColumnTypes);
    const records = recordBatches(utf8Text(decompressed(body, compression)), parser);
    let seen = 0;
    const skip = this.state.recordsDone;
    for await (const batch of records) {
      for (const record of batch) {
        // Resuming: records before the checkpoint were written by an earlier invocation.
        if (seen++ < skip) continue;
        this.take(record);
        if (this.segmentRecords >= this.state.segmentRows || this.segmentBytes >= this.state.segmentBytes) {
          await this.flush(seen);
          if (this.deps.shouldYield()) return true;
        }
      }
    }
    if (this.segmentRecords > 0) await this.flush(seen, false);
    return false;
  }

  private take(record: RawRecord): void {
    this.segmentRecords++;
    this.segmentBytes += record.raw.length;
    this.state.rows.in++;
    const outcome = this.deps.transformer.transform(record);
    if (!outcome.ok) {
      this.quarantine(record, outcome.issues);
      return;
    }
    this.checkRowGates(outcome.row);
    const dt = this.dtOf(outcome.row);
    let bucket = this.validByDt.get(dt);
    if (!bucket) this.validByDt.set(dt, (bucket = newDtBuffer(this.deps.transformer.columns)));
    if (bucket.kind === 'columns') {
      const { names, values } = bucket;
      for (let c = 0; c < names.length; c++) values[c]!.push(outcome.row[names[c]!]);
      bucket.lines.push(record.line);
    } else {
      bucket.rows.push({ line: record.line, row: outcome.row });
    }
    this.state.rows.valid++;
  }

  private quarantine(record: RawRecord, issues: readonly RowIssue[]): void {
    this.state.rows.quarantined++;
    this.quarantined.push(JSON.stringify({ object: this.objectUri, line: record.line, raw: record.raw, issues }));
  }

  private checkRowGates(row: Record<string, unknown>): void {
    const gates = this.deps.transformer.gates;
    for (const column of gates.notNull ?? []) {
      if (row[column] === null || row[column] === undefined) bump(this.state.gateViolations, `notNull:${column}`);
    }
    for (const ref of gates.references ?? []) {
      const v = row[ref.column];
      if (v !== null && v !== undefined && !ref.values.includes(v as string | number)) bump(this.state.gateViolations, `references:${ref.column}`);
    }
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
        ? writeParquetColumns(this.deps.transformer.columns!, bucket.values, bucket.lines, this.objectUri, metadata)
        : writeParquetSegment(bucket.rows, this.deps.transformer.columns, this.objectUri, metadata);
      await store.put(zones.validatedBucket, key, bytes, 'application/vnd.apache.parquet');
      if (!this.state.outputs.validated.includes(key)) this.state.outputs.validated.push(key);
    }
    if (this.quarantined.length > 0) {
      const key = this.keys.quarantineRows(this.objectDate, this.target.objectId, segment);
      await store.put(zones.quarantineBucket, key, this.quarantined.join('\n') + '\n', 'application/x-ndjson');
      if (!this.state.outputs.quarantine.includes(key)) this.state.outputs.quarantine.push(key);
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
  | { readonly kind: 'columns'; readonly names: readonly string[]; readonly values: unknown[][]; readonly lines: number[] }
  | { readonly kind: 'rows'; readonly rows: ValidRow[] };

function newDtBuffer(columns: RowTransformer['columns']): DtBuffer {
  if (!columns) return { kind: 'rows', rows: [] };
  return { kind: 'columns', names: columns.map((c) => c.name), values: columns.map(() => []), lines: [] };
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

function gateFailures(state: Checkpoint, transformer: RowTransformer): string[] {
  const failures: string[] = [];
  const { maxInvalidRatio } = transformer.gates;
  if (maxInvalidRatio !== undefined && state.rows.in > 0) {
    const ratio = state.rows.quarantined / state.rows.in;
    if (ratio > maxInvalidRatio) failures.push(`maxInvalidRatio: ${state.rows.quarantined}/${state.rows.in} rows invalid (${ratio.toFixed(4)} > ${maxInvalidRatio})`);
  }
  for (const [gate, count] of Object.entries(state.gateViolations)) failures.push(`${gate}: ${count} valid rows violate it`);
  return failures;
}

/**
 * Sends the object whole to quarantine (with an error document), removes the segments this
 * object already wrote, and records the outcome. Conservation still holds: every record seen
 * counts as quarantined.
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
  await store.copy({ bucket: target.bucket, key: target.key, versionId: target.versionId }, { bucket: zones.quarantineBucket, key: objectKey });
  await store.putJson(zones.quarantineBucket, errorKey, { object: `s3://${target.bucket}/${target.key}`, version: target.version, status, error, gateFailures: failures, rowsSeen: state.rows.in });
  return finishObject(target, deps, {
    status,
    rows: { in: state.rows.in, valid: 0, quarantined: state.rows.in },
    outputs: { validated: [], quarantine: [objectKey, errorKey] },
    gateFailures: failures,
    error,
  });
}

/**
 * The last step for every object, whatever became of it: its manifest (which makes a
 * redelivery a no-op) is written, then the checkpoint a retry would have resumed from goes.
 */
async function finishObject(
  target: ObjectTarget,
  deps: ProcessDeps,
  outcome: Pick<ObjectManifest, 'status' | 'rows' | 'outputs' | 'gateFailures' | 'error'>,
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
  await store.delete(zones.validatedBucket, keys.checkpoint(target.objectId));
  return manifest;
}
