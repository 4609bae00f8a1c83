/**
 * The local engine: both production stages in one process, on DuckDB, over the same data
 * layout production uses (validated and quarantine zones, feature store partitions).
 *
 *   list → read (sample-aware) → raw_rows → validate → transforms → zones → aggregate → store
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openRunDatabase } from './embedded-duckdb.js';
import { tracedConnection } from './traced-connection.js';
import type { PipelineDefinition } from '../../pipeline/pipeline-definition.js';
import type { BaseRunResult, ProgressEvent, RunOptions } from '../../pipeline/run-types.js';
import type { SourceNode } from '../../plan/source-node.js';
import type { ValidateNode } from '../../plan/validate-node.js';
import type { WindowNode } from '../../plan/window-node.js';
import type { FeatureStoreSinkNode } from '../../plan/sink-node.js';
import { EngineError, GateError, PlanError, SluiceError } from '../../errors.js';
import { compareKeys, listSourceObjects, readObject, type SourceObject } from '../../sources/index.js';
import type { ObjectOfUnknownFormat } from '../../sources/object-listing.js';
import { openObjectStream } from '../../sources/raw-object-stream.js';
import { fetchAhead, FETCH_AHEAD_OBJECTS, readAhead } from '../../sources/read-ahead.js';
import { describeSchema } from '../../quality/describe-schema.js';
import { groupPath } from '../../features/store-layout.js';
import { SDK_VERSION } from '../../version.js';
import { createTextRawTable, loadParquetRawTable, openRawRecordAppender, RAW_TABLE } from './raw-loader.js';
import { printerFor } from '../../sql/dialects.js';
import { readParquetObject } from './parquet-object-reader.js';
import { findUndecodableParquetFiles, type ParquetFileRef } from './undecodable-parquet.js';
import { applyDerive, applyMap, type MapFailure } from './transform-stage.js';
import { checkMapOutput } from '../../plan/map-output-check.js';
import { columnTypesAfterMaps } from '../../pipeline/map-returned-types.js';
import { runValidationStage } from './validation-stage.js';
import { materializeValidRows } from './validation/valid-table.js';
import { runAggregateStage } from './aggregate-stage.js';
import { outsideWindowsNote, rowsOutsideWindows } from './rows-outside-windows.js';
import { checkFeatureRowLimit, DEFAULT_MAX_FEATURE_ROWS, profileBounds } from './feature-row-limit.js';
import { writeFeatureGroup } from './feature-group-writer.js';
import { csvDecodingFor, type CsvDecoding } from '../../sources/csv-decoding.js';
import { writeZones } from './zone-writer.js';
import { queryArrow } from './duckdb-to-arrow.js';
import { buildRunResult } from './run-result.js';
import { mergeOutcome } from './merge-outcome.js';
import { saveProfile } from '../../quality/profile.js';
import { selectChartRows } from './chart-rows.js';
import { assertInputsUnchanged, stampInput, type InputStamp } from './input-stamps.js';
import type { QuarantineSpool } from './quarantine-spool.js';

const VALID_TABLE = 'valid_rows';

/** What the caller will display (index.ts sets it in a notebook); nothing of it changes what a run computes or writes. */
export interface LocalRunDisplay {
  /** Keep up to 10,000 rows for `run.plot()` and `run.plotDistribution()` (chart-rows.ts). */
  readonly keepChartRows?: boolean;
}

/**
 * Runs a pipeline definition locally.
 *
 * @example
 * ```ts
 * const result = await runLocal(engagement.definition, { sample: 10_000 });
 * ```
 */
export async function runLocal(definition: PipelineDefinition, options: RunOptions = {}, display: LocalRunDisplay = {}): Promise<BaseRunResult> {
  const { plan } = definition;
  const source = plan.steps.find((s): s is SourceNode => s.kind === 'source');
  const validate = plan.steps.find((s): s is ValidateNode => s.kind === 'validate');
  const windowNode = plan.steps.find((s): s is WindowNode => s.kind === 'window');
  const sink = plan.steps.find((s): s is FeatureStoreSinkNode => s.kind === 'featureStore');
  if (!source) throw new PlanError('NO_SOURCE', 'steps', 'The pipeline has no source: start with pipeline("x").from(file("data/*.jsonl")).');
  if (!validate || !definition.schema) throw new PlanError('NO_SCHEMA', 'steps', 'The pipeline must validate() its rows with a zod schema before it can run.');

  const timings: Record<string, number> = {};
  const progress = (event: ProgressEvent): void => options.onProgress?.(event);
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const started = performance.now();
  const database = await openRunDatabase();
  /** Temporary copies of s3 or gzip Parquet objects: the raw_rows view reads them until the run ends. */
  const fetchedFolders: string[] = [];
  const connection = process.env.SLUICE_TRACE_SQL ? tracedConnection(database.connection) : database.connection;
  /** The run's quarantined rows until the zone is written (a large quarantine waits in a temporary file). */
  let quarantine: QuarantineSpool | undefined;
  try {
    progress({ stage: 'list', done: 0, total: 1 });
    // An object whose format cannot be told is quarantined whole, as the event stage does (a
    // stray README beside the data must not stop the run, nor be read as data).
    const unknownFormat: ObjectOfUnknownFormat[] = [];
    const objects = await time('list', () => listSourceObjects(source, { onUnknownFormat: (object) => unknownFormat.push(object) }));
    progress({ stage: 'list', done: 1, total: 1, message: `${objects.length} objects` });

    const schemaColumns = describeSchema(definition.schema).columns;
    const csv = csvDecodingFor(schemaColumns);
    const read = await time('read', () => readSource(connection, source, objects, options.sample, csv, schemaColumns.map((c) => c.name), progress, fetchedFolders));
    for (const object of unknownFormat) {
      read.objectFailures.push({ object: object.key, error: object.error });
      read.identities.push([object.key, object.etag ?? `size:${object.size}`]);
    }
    read.identities.sort(([a], [b]) => compareKeys(a, b));

    progress({ stage: 'validate', done: 0, total: 1 });
    const validateRows = () =>
      runValidationStage(connection, {
        schema: definition.schema!,
        gates: validate.gates,
        representation: read.representation,
        absentColumns: read.absentColumns,
        originalNames: read.originalNames,
        rawTable: RAW_TABLE,
        validTable: VALID_TABLE,
        profile: options.profile !== false || options.saveProfile !== undefined,
        // zod's share can be long (a schema that does not fit rejects every row in SQL): say how far it is.
        onZodProgress: (done, total) => progress({ stage: 'validate', done, total, message: `zod: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows SQL did not accept` }),
        onDeferredProgress: (done, total, fields) => progress({ stage: 'validate', done, total, message: `zod: ${fields.join(', ')} in ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows SQL accepted` }),
        // Bins and frequencies serve only a saved drift baseline; the report needs the summary.
        distributions: options.saveProfile !== undefined,
        ...(windowNode ? { windowColumns: { entity: windowNode.entity, timestamp: windowNode.timestamp } } : {}),
      });
    const validation = await time('validate', async () => {
      for (;;) {
        try {
          return await validateRows();
        } catch (error) {
          // The validation scan is the first read of Parquet data pages: a damaged one fails it.
          // Such objects are quarantined whole, like any unreadable object, and the rest re-run.
          if (error instanceof SluiceError || read.parquetFiles.length === 0) throw error;
          const undecodable = await findUndecodableParquetFiles(connection, read.parquetFiles);
          if (undecodable.length === 0) throw error;
          read.objectFailures.push(...undecodable);
          const failed = new Set(undecodable.map((u) => u.object));
          read.parquetFiles = read.parquetFiles.filter((f) => !failed.has(f.object));
          const loaded = await loadParquetRawTable(connection, read.parquetFiles, options.sample, schemaColumns.map((c) => c.name));
          read.objectFailures.push(...loaded.conflicts);
          const conflicted = new Set(loaded.conflicts.map((c) => c.object));
          read.parquetFiles = read.parquetFiles.filter((f) => !conflicted.has(f.object));
          read.absentColumns = loaded.absentColumns;
          read.originalNames = loaded.originalNames;
        }
      }
    });
    quarantine = validation.quarantined;
    progress({ stage: 'validate', done: 1, total: 1 });
    // With typed input, validate.sql includes the column profile taken in the same scan.
    timings['validate.sql'] = Math.round(validation.timings.sqlMs);
    timings['validate.zod'] = Math.round(validation.timings.zodMs);
    timings['validate.gates'] = Math.round(validation.timings.gatesMs);
    timings['validate.profile'] = Math.round(validation.timings.profileMs);

    const notes: string[] = validation.fastPath.reason ? [`Validation: ${validation.fastPath.reason}`] : [];
    notes.push(...validation.coercionNotes);
    if (validation.profile?.sampleRows !== undefined) {
      notes.push(`The saved profile's distributions (bins, frequencies) come from a ${validation.profile.sampleRows.toLocaleString('en-US')}-row sample (every k-th row) of ${validation.profile.rowCount.toLocaleString('en-US')} valid rows; its counts, nulls, distinct counts, min/max, mean and stddev describe every row.`);
    }
    const transformed = plan.steps.some((step) => step.kind === 'derive' || step.kind === 'map');
    const mapFailures: MapFailure[] = [];
    await time('transform', async () => {
      // Typed input leaves valid_rows a view over the source; derive and map replace a table.
      if (transformed) await materializeValidRows(connection, VALID_TABLE);
      let mapIndex = 0;
      const typesAfterMaps = columnTypesAfterMaps(definition);
      for (const [index, step] of plan.steps.entries()) {
        if (step.kind === 'derive') await applyDerive(connection, VALID_TABLE, step, `steps[${index}]`);
        if (step.kind === 'map') {
          const declared = definition.mapColumnTypes?.[mapIndex];
          const fn = definition.mapFunctions[mapIndex++];
          if (!fn) throw new EngineError('MAP_FUNCTION_MISSING', `The plan has a map() at steps[${index}] but no function travelled with it.`);
          const known = typesAfterMaps[mapIndex - 1];
          const { failures, returned, returnedKeys, millis, undeclared } = await applyMap(connection, VALID_TABLE, fn, `steps[${index}].map`, { ...(declared ? { declared } : {}), ...(known ? { known } : {}) });
          // A map that returned no row (none reached it, or it threw on each) showed no columns to
          // judge: its empty table carries the declared ones. The event stage does the same.
          if (returned > 0) checkMapOutput(plan.steps, index, returnedKeys);
          mapFailures.push(...failures);
          notes.push(`steps[${index}].map() ran per row in JS, outside the vectorised path (${Math.round(millis)} ms). Prefer derive() where an expression will do.`);
          if (undeclared.length > 0) {
            const names = undeclared.map((n) => JSON.stringify(n)).join(', ');
            notes.push(`steps[${index}].map() returned ${undeclared.length === 1 ? 'a key' : 'keys'} its columns do not name (${names}): not kept, here or in AWS, where the event stage writes the columns the plan knows. Add ${undeclared.length === 1 ? 'it' : 'them'} to .map(fn, { columns }) to keep ${undeclared.length === 1 ? 'it' : 'them'}.`);
          }
        }
      }
    });

    const runId = createHash('sha256')
      .update(JSON.stringify([definition.hash, options.sample ?? null, read.identities]))
      .digest('hex')
      .slice(0, 16);
    const lineage = {
      'sluice.pipeline': plan.name,
      'sluice.plan_hash': definition.hash,
      'sluice.run_id': runId,
      'sluice.sdk_version': SDK_VERSION,
      'sluice.sources': JSON.stringify(read.identities.slice(0, 200).map(([key]) => key)),
      'sluice.source_count': String(read.identities.length),
    };

    const outcome = mergeOutcome(validation, mapFailures, read.objectFailures, validate.gates, read.identities.map(([key]) => key));
    const gatesPassed = outcome.gates.every((g) => g.passed);
    // A sample's windows see only part of the data: its partitions would replace complete ones.
    const partialSample = options.sample !== undefined && options.writeSample !== true;
    const writeOutputs = !options.dryRun && gatesPassed && !partialSample;
    if (partialSample && !options.dryRun && (sink || options.writeZones !== false)) {
      notes.push(`A sample run: the ${sink ? 'feature store and the ' : ''}validated zone were not written (a sample sees only part of the data, and its partitions would replace complete ones). Run without a sample to write them, or pass writeSample: true.`);
    }
    const zonesRoot = resolveZonesRoot(options.zones, sink, plan.name);

    if (writeOutputs) await assertInputsUnchanged(read.stamps, 'the validated zone');
    const zones = await time('zones', () =>
      writeZones(connection, {
        table: VALID_TABLE,
        root: zonesRoot,
        timestampColumn: windowNode?.timestamp,
        quarantined: outcome.quarantined,
        objectFailures: read.objectFailures,
        reopen: (key) => {
          // The bytes as stored: opening a stream reads no format.
          const unknown = unknownFormat.find((o) => o.key === key);
          const object = objects.find((o) => o.key === key) ?? (unknown ? { ...unknown, format: 'jsonl' as const, compression: 'none' as const } : undefined);
          if (!object) return undefined;
          const identity = read.identities.find(([k]) => k === key)?.[1] ?? object.etag ?? 'unknown';
          return { identity, open: () => openObjectStream(source, object, {}) };
        },
        runId,
        metadata: lineage,
        write: !options.dryRun,
        writeValidated: writeOutputs && options.writeZones !== false,
        ...(read.representation === 'json' ? { rawTable: RAW_TABLE } : {}),
      }),
    );

    let featureRows = 0;
    const partitions = { written: [] as string[], unchanged: [] as string[], removed: [] as string[] };
    let previewTable = VALID_TABLE;
    if (windowNode) {
      progress({ stage: 'aggregate', done: 0, total: 1 });
      const aggregated = await time('aggregate', async () => {
        await checkFeatureRowLimit(connection, windowNode, VALID_TABLE, {
          inputRows: validation.counts.valid,
          // The profile describes the validated columns: a derive or map may have replaced them since.
          ...(transformed ? {} : profileBounds(validation.profile, windowNode, validation.windowBounds)),
          limit: options.maxFeatureRows ?? DEFAULT_MAX_FEATURE_ROWS,
          ...(options.sample !== undefined ? { sample: options.sample } : {}),
        });
        return runAggregateStage(connection, windowNode, { table: VALID_TABLE, orderColumns: ['_row_id'] });
      });
      featureRows = aggregated.rows;
      previewTable = aggregated.table;
      const outside = await rowsOutsideWindows(connection, windowNode, VALID_TABLE, { columns: schemaColumns, transformed });
      if (outside > 0) notes.push(outsideWindowsNote(outside, windowNode));
      progress({ stage: 'aggregate', done: 1, total: 1 });
      if (sink && writeOutputs) {
        await assertInputsUnchanged(read.stamps, 'the feature store');
        progress({ stage: 'write', done: 0, total: 1 });
        const written = await time('write', () =>
          writeFeatureGroup(connection, {
            table: aggregated.table, sink, window: windowNode, definition, metadata: lineage, connect: database.connect,
            onLockWait: (holder) => progress({ stage: 'write', done: 0, total: 1, message: `waiting for another run writing ${sink.entity}/${sink.group} (${holder})` }),
          }),
        );
        partitions.written.push(...written.written);
        partitions.unchanged.push(...written.unchanged);
        partitions.removed.push(...written.removed);
        notes.push(...written.notes);
        progress({ stage: 'write', done: 1, total: 1 });
      }
    }

    const previewRows = options.previewRows ?? 20;
    const order = windowNode ? 'ORDER BY entity_id, feature_ts' : 'ORDER BY _row_id';
    const preview = await queryArrow(connection, `SELECT * ${windowNode ? '' : 'EXCLUDE (_row_id, _object, _line)'} FROM ${previewTable} ${order} LIMIT ${Math.trunc(previewRows)}`);
    const chartRows = display.keepChartRows ? await selectChartRows(connection, previewTable, { windowed: windowNode !== undefined }) : undefined;

    if (options.saveProfile && validation.profile) {
      // A baseline must come from data that passed: saved after a failed gate (a drift gate
      // reading the same file, above all), the next run would compare bad data with itself.
      if (gatesPassed) await saveProfile(options.saveProfile, validation.profile);
      else notes.push(`The column profile was not saved to ${options.saveProfile}: a gate failed, and a drift baseline must come from data that passed. Fix the data (or the gate) and run again to save it.`);
    }
    timings.total = Math.round(performance.now() - started);
    progress({ stage: 'done', done: 1, total: 1 });

    const result = buildRunResult({
      pipeline: plan.name,
      planHash: definition.hash,
      runId,
      counts: outcome.counts,
      perObject: outcome.perObject,
      quality: outcome.report,
      gatesPassed,
      preview,
      ...(chartRows ? { chartRows } : {}),
      featureRows,
      timings,
      outputs: {
        ...(zones.validated ? { validated: zones.validated } : {}),
        ...(zones.quarantine ? { quarantine: zones.quarantine } : {}),
        ...(sink && windowNode && writeOutputs ? { featureStore: groupPath(sink.root, sink.entity, sink.group) } : {}),
        partitionsWritten: partitions.written,
        partitionsUnchanged: partitions.unchanged,
        partitionsRemoved: partitions.removed,
      },
      notes,
    }, { dryRun: options.dryRun === true });
    if (!gatesPassed && options.failOnGate !== false) {
      const failed = outcome.report.gates.filter((g) => !g.passed).map((g) => `${g.gate}: ${g.detail}`).join('; ');
      throw new GateError(`Quality gates failed, so nothing was written to the feature store: ${failed}. Inspect error.result.quality, fix the data or relax the gate.`, result);
    }
    return result;
  } finally {
    quarantine?.dispose();
    await database.close();
    for (const folder of fetchedFolders) await rm(folder, { recursive: true, force: true });
  }
}

interface ReadOutcome {
  representation: 'json' | 'typed';
  /** [object key, content identity] in key order: the run's inputs. */
  identities: [string, string][];
  objectFailures: { object: string; error: string }[];
  /** The Parquet files `raw_rows` reads (empty for text sources). */
  parquetFiles: (ParquetFileRef & { rows: number })[];
  /** Size and modification time of each Parquet file read where it lies, checked before each write (input-stamps.ts). */
  stamps: InputStamp[];
  /** Columns of `raw_rows` that some Parquet files lack (column → objects): missing there, not null. */
  absentColumns: Record<string, string[]>;
  /** Columns of `raw_rows` named otherwise in their Parquet files (view name → the file's name). */
  originalNames: Readonly<Record<string, string>>;
}

async function readSource(
  connection: DuckDBConnection,
  source: SourceNode,
  objects: readonly SourceObject[],
  sample: number | undefined,
  csv: CsvDecoding,
  /** The schema's field names: a Parquet column spelled so keeps its name when files differ in case. */
  schemaNames: readonly string[],
  progress: (event: ProgressEvent) => void,
  fetchedFolders: string[],
): Promise<ReadOutcome> {
  const formats = new Set(objects.map((o) => (o.format === 'parquet' ? 'parquet' : 'text')));
  if (formats.size > 1) {
    throw new PlanError('MIXED_FORMATS', 'steps[0]', `The source ${source.uri} lists both Parquet and text (jsonl/csv) objects. Point it at one kind, e.g. with a narrower glob ("*.parquet").`);
  }
  const identities: [string, string][] = [];
  const objectFailures: { object: string; error: string }[] = [];
  if (formats.has('parquet')) {
    const files: { object: string; path: string; rows: number }[] = [];
    const stamps: InputStamp[] = [];
    let rows = 0;
    // S3 (and gzip) objects download a few ahead; a sample downloads none it may not need.
    const downloads = fetchAhead(source, objects, sample === undefined ? FETCH_AHEAD_OBJECTS : 0);
    try {
      for (const [i, object] of objects.entries()) {
        // As for text: a sample reads objects in key order until it has enough rows, no further.
        if (sample !== undefined && rows >= sample) break;
        const file = await readParquetObject(connection, source, object, fetchedFolders, () => downloads.fetch(i));
        if (file.ok) {
          files.push({ object: object.key, path: file.path, rows: file.rows });
          stamps.push(await stampInput(object.key, file.path));
          rows += file.rows;
        } else {
          objectFailures.push({ object: object.key, error: file.error });
        }
        identities.push([object.key, file.identity]);
        progress({ stage: 'read', done: i + 1, total: objects.length, message: object.key });
      }
    } finally {
      // Downloads started ahead and never probed (the loop failed) are removed with the run's.
      for (const path of await downloads.settle()) fetchedFolders.push(dirname(path));
    }
    const loaded = await loadParquetRawTable(connection, files, sample, schemaNames);
    objectFailures.push(...loaded.conflicts);
    const conflicted = new Set(loaded.conflicts.map((c) => c.object));
    return { representation: 'typed', identities, objectFailures, parquetFiles: files.filter((f) => !conflicted.has(f.object)), absentColumns: loaded.absentColumns, originalNames: loaded.originalNames, stamps };
  }

  await createTextRawTable(connection);
  let remaining = sample ?? Infinity;
  let rowId = 1;
  const appender = openRawRecordAppender(connection);
  const ahead = readAhead(source, objects);
  try {
    for (const [i, object] of objects.entries()) {
      if (remaining <= 0) break;
      // Appended batch by batch as they are read: an object is never held whole in memory (a
      // 1 GB JSONL file once ran the process out of heap).
      let appended = 0;
      const result = await readObject(source, object, {
        ...(Number.isFinite(remaining) ? { limit: remaining } : {}),
        csvColumnTypes: csv.columnTypes,
        csvNullColumns: csv.nullColumns,
        open: () => ahead.open(i),
        onRecords: async (batch) => {
          await appender.append(object.key, batch, rowId + appended);
          appended += batch.length;
        },
      });
      if (!result.ok) {
        // Unreadable as a whole after all (a gzip stream cut short): none of its rows count.
        if (appended > 0) {
          appender.close(); // the DELETE runs with no appender of this connection open
          await connection.run(`DELETE FROM ${RAW_TABLE} WHERE _object = ${printerFor('duckdb').stringLiteral(object.key)}`);
        }
        objectFailures.push({ object: object.key, error: result.error });
        identities.push([object.key, result.contentHash ?? object.etag ?? 'unreadable']);
      } else {
        await appender.append(object.key, result.records, rowId + appended);
        appended += result.records.length;
        rowId += appended;
        remaining -= appended;
        identities.push([object.key, result.contentHash]);
      }
      progress({ stage: 'read', done: i + 1, total: objects.length, message: object.key });
    }
  } finally {
    appender.close();
  }
  return { representation: 'json', identities, objectFailures, parquetFiles: [], absentColumns: {}, originalNames: {}, stamps: [] };
}

function resolveZonesRoot(explicit: string | undefined, sink: FeatureStoreSinkNode | undefined, pipeline: string): string {
  if (explicit) return explicit.startsWith('s3://') ? explicit : resolve(explicit);
  if (sink && !sink.root.startsWith('s3://')) return join(dirname(resolve(sink.root)), 'zones', pipeline);
  return resolve('.sluice', 'zones', pipeline);
}

