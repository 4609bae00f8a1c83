/**
 * The local validation stage: SQL fast path first, zod for everything SQL did not accept.
 *
 * 1. The schema's SQL-expressible checks (quality/compile-checks.ts) select the rows SQL can
 *    accept straight into `valid_rows`, as typed columns.
 * 2. Every other row is read back and given to zod (`safeParse`), which has the final word:
 *    accepted → appended to `valid_rows` with zod's output; rejected → quarantined with zod's
 *    issues. Undecodable records (`_error`) are quarantined as `malformed_record`, and a row zod
 *    accepted with a value its column cannot hold (a bigint beyond 64 bits) as `not_storable`.
 * 3. The conservation law `in = valid + quarantined` is checked per object and overall.
 * 4. Gates, the column profile and the quality report are computed over `valid_rows`.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import { EngineError, PlanError } from '../../errors.js';
import type { GateSpec } from '../../plan/validate-node.js';
import { printExpr, printerFor, printSql } from '../../sql/dialects.js';
import type { FromItem, Query, SelectItem, SelectQuery, SqlExpr, Statement } from '../../sql/sql-node.js';
import { agg, as, asc, bin, caseWhen, col, eq, fn, isNull, lit, select, table } from '../../sql/sql-builders.js';
import { compileChecks, describeFastPath, POSITION_COLUMNS } from '../../quality/compile-checks.js';
import type { CompiledChecks, CompiledField, Representation } from '../../quality/compile-checks.js';
import type { ColumnType } from '../../quality/describe-schema.js';
import { describeSchema } from '../../quality/describe-schema.js';
import type { ColumnDescription } from '../../quality/describe-schema.js';
import { evaluateGates } from '../../quality/gates/evaluate-gates.js';
import type { GateResult } from '../../quality/gates/gate-result.js';
import { coercionSurprises, type CoercionState } from '../../quality/coercion-surprises.js';
import { jsonIntegerPrecision } from '../../quality/json-integer-precision.js';
import { rowFlattener, storedRow } from '../../quality/nested-fields.js';
import { kindFieldsOnly } from '../../quality/kind-fields.js';
import type { RoundedInteger } from '../../sources/json-integer-literals.js';
import { computeProfile, profileSummaryItems, readProfileSummary, runProfileSummary } from '../../quality/profile.js';
import type { Profile, ProfileSummary } from '../../quality/profile.js';
import { buildQualityReport } from '../../quality/quality-report.js';
import type { QualityReport } from '../../quality/quality-report.js';
import { MALFORMED_RECORD, rowIssues } from '../../quality/quarantine.js';
import type { QuarantinedRow, RowCounts } from '../../quality/quarantine.js';
import type { SqlRunner } from '../../quality/sql-runner.js';
import { duckValueToJs, duckValueToRaw, rowToRawJson } from './validation/duckdb-row-values.js';
import { openValidRowSink } from './validation/valid-row-appender.js';
import {
  checkDeferredFields, dropDeferredValues, jsonInput, jsonPending, jsonRowInput, jsonRowPending, readJsonRow, replaceDeferredValues, typedInput, typedPending,
  type DeferredFieldsResult, type TypedDeferredField,
} from './validation/deferred-fields.js';
import { inUtc } from './utc-time-zone.js';
import { QuarantineSpool } from './quarantine-spool.js';

export interface ValidationStageOptions {
  readonly schema: z.ZodType;
  readonly gates?: GateSpec;
  /** 'json': `raw_rows(_row_id, _object, _line, _raw, _json, _error)`; 'typed': `_row_id, _object, _line` + typed columns. */
  readonly representation: 'json' | 'typed';
  readonly rawTable?: string;
  readonly validTable?: string;
  /** Compute the column profile (needed by the report's column table); default true. */
  readonly profile?: boolean;
  /** Called after each page of rows zod checked (rows SQL did not accept): how many of how many. */
  readonly onZodProgress?: (done: number, total: number) => void;
  /** Called after each page of rows SQL accepted that zod checked (deferred-fields.ts): how many of how many, and what zod checks (those fields; "the row's refinements"). */
  readonly onDeferredProgress?: (done: number, total: number, fields: readonly string[]) => void;
  /**
   * Also compute the profile's distributions (bins, frequencies: what a drift baseline needs).
   * Default true; a run that does not save its profile passes false and saves the sorts.
   */
  readonly distributions?: boolean;
  /**
   * `_json` was written by `JSON.stringify` (the engine's raw loader does this, through
   * `exactJson`, which spells ±Infinity and -0 so that they read back exactly), so the checks
   * for hazards of hand-written JSON text (repeated keys, NaN, trailing commas, `-0`) can be
   * skipped. Default true; pass false for JSON text from anywhere else.
   */
  readonly canonicalJson?: boolean;
  /**
   * Typed rows only: columns that some objects do not have (column → those objects), as
   * `loadParquetRawTable` reports them. In those objects' rows the column is missing, not null.
   */
  readonly absentColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * Typed rows only: columns of the raw table named otherwise in their files (view name → the
   * file's name), as `loadParquetRawTable` reports them. zod sees, and raw content shows, the
   * file's own name.
   */
  readonly originalNames?: Readonly<Record<string, string>>;
  /**
   * A window's entity and timestamp columns. A run without the profile then still learns, in
   * the same scan (typed rows only), what bounds its feature rows (ValidationStageResult.windowBounds).
   */
  readonly windowColumns?: { readonly entity: string; readonly timestamp: string };
}

/**
 * Over every row read (valid or not, so an upper bound for the valid ones): the distinct
 * entities and the first and last timestamp, in epoch milliseconds.
 */
export interface WindowInputBounds {
  readonly entities: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface FastPathInfo {
  /** Every check of every field ran in SQL. */
  readonly compiled: boolean;
  /** Why rows or checks left the vectorised path, e.g. "the object schema has a check SQL cannot express (overwrite)". */
  readonly reason?: string;
  /** Rows SQL accepted without zod. */
  readonly sqlRows: number;
  /** Rows given to zod (SQL did not accept them and they were decodable). */
  readonly zodRows: number;
  readonly fields: readonly CompiledField[];
  /** Why SQL left the rows zod then accepted (see leftToZod). */
  readonly zodAccepted?: readonly LeftToZod[];
  /**
   * Fields with checks SQL cannot run, which zod checked on their own in `rows` rows SQL
   * accepted otherwise (deferred-fields.ts); those of them zod refused are among `zodRows`.
   */
  readonly deferred?: {
    readonly fields: readonly string[];
    readonly rows: number;
    /** zod parsed each of those rows whole, for the object's own refinements (CompiledChecks.objectChecks). */
    readonly wholeRows?: true;
    /** Of a union, the kinds whose rows those were (CompiledChecks.zodKinds); absent: every row SQL accepted. */
    readonly kinds?: readonly string[];
  };
}

/** A reason SQL did not read rows that zod then accepted: a field (or `(row)`), how many, an example. */
export interface LeftToZod {
  readonly field: string;
  readonly rows: number;
  readonly example?: string;
}

export interface ValidationStageResult {
  readonly validTable: string;
  /** Valid columns in schema order (then `_row_id, _object, _line`). */
  readonly columns: readonly ColumnDescription[];
  /** The quarantined rows (their JSON lines, counts per object and per rule); dispose() it when done. */
  readonly quarantined: QuarantineSpool;
  readonly counts: RowCounts;
  readonly perObject: Readonly<Record<string, RowCounts>>;
  readonly fastPath: FastPathInfo;
  readonly gates: readonly GateResult[];
  readonly profile?: Profile;
  readonly report: QualityReport;
  /** Values z.coerce made in valid rows that their input did not hold (of nulls; true of "false"), a note per field (see coercion-surprises.ts). */
  readonly coercionNotes: readonly string[];
  /** Taken when `windowColumns` was given, no profile was asked for and the rows were typed. */
  readonly windowBounds?: WindowInputBounds;
  /**
   * Milliseconds per phase. For typed rows the profile's summary is usually taken inside the SQL
   * scan: its cost is then part of `sqlMs`, and `profileMs` covers only what was left (the
   * distributions of a saved baseline, or a profile after zod).
   */
  readonly timings: { readonly sqlMs: number; readonly zodMs: number; readonly gatesMs: number; readonly profileMs: number };
}

const RESERVED = ['_row_id', '_object', '_line'];

/**
 * Validates `raw_rows` into `valid_rows` and a quarantine list.
 *
 * @example
 * ```ts
 * const result = await runValidationStage(connection, { schema: Event, gates: { maxInvalidRatio: 0.01 }, representation: 'json' });
 * result.counts // { in: 200000, valid: 198012, quarantined: 1988 }
 * ```
 */
export async function runValidationStage(connection: DuckDBConnection, options: ValidationStageOptions): Promise<ValidationStageResult> {
  const quarantined = new QuarantineSpool();
  try {
    return await validateInto(connection, options, quarantined);
  } catch (error) {
    quarantined.dispose(); // a spilled quarantine's temporary file goes with the failed stage
    throw error;
  }
}

async function validateInto(connection: DuckDBConnection, options: ValidationStageOptions, quarantined: QuarantineSpool): Promise<ValidationStageResult> {
  const rawTable = options.rawTable ?? 'raw_rows';
  const validTable = options.validTable ?? 'valid_rows';
  const schema = options.schema;
  const columns = describeSchema(schema).columns;
  for (const c of columns) {
    if (RESERVED.includes(c.name)) {
      throw new PlanError('RESERVED_COLUMN', `validate.schema.${c.name}`, `The schema field "${c.name}" collides with a column sluice adds to every row (${RESERVED.join(', ')}). Rename the field.`);
    }
  }
  const runRows: SqlRunner = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

  const t0 = performance.now();
  const representation: Representation =
    options.representation === 'json'
      ? { kind: 'json' }
      : { kind: 'typed', columnTypes: await describeTable(runRows, rawTable), ...(options.absentColumns ? { absentFrom: options.absentColumns } : {}) };
  const absentIn = columnsAbsentIn(options.absentColumns ?? {});
  const compile = async (canonicalJson: boolean): Promise<CompiledChecks> => {
    // A field SQL cannot check is zod's in the rows SQL accepts (deferred-fields.ts), not a reason to give zod every row.
    const first = compileChecks(schema, representation, { canonicalJson, deferUncompiledFields: true });
    const refused = await refusedPatterns(connection, first.patterns);
    return refused.size ? compileChecks(schema, representation, { canonicalJson, deferUncompiledFields: true, refusedPatterns: refused }) : first;
  };
  let checks = await compile(options.canonicalJson ?? true);
  const typed = options.representation === 'typed';
  const count = async (name: string): Promise<number> => Number((await runRows(printSql(select([as(agg('count_star', []), 'n')], { from: table(name) }), 'duckdb')))[0]!.n);
  await dropRelation(connection, validTable);
  let sqlRows: number;
  let rejectedRows = 0;
  /** Rows SQL accepted only once their instants were floored to the millisecond (typed rows). */
  let floored = 0;
  /** The rows SQL did not accept (a temporary table of them), for zod; false when there are none. */
  let leftover = false;
  const wantProfile = options.profile !== false;
  let summary: ProfileSummary | undefined;
  let windowBounds: WindowInputBounds | undefined;
  if (typed) {
    // With fields zod fills in (deferred), the scan's values of those are not the valid rows',
    // and with the row's refinements zod may still refuse rows the scan counted: the profile
    // is then taken over the valid rows, and no bounds are read from the scan.
    const scanned = !zodsPart(checks);
    const bounded = wantProfile || !scanned ? undefined : boundedColumns(columns, options.windowColumns);
    const scan = await scanTypedRows(runRows, checks, rawTable, columns, wantProfile && scanned, bounded);
    windowBounds = scan.windowBounds;
    rejectedRows = scan.rejected;
    sqlRows = scan.rows - scan.rejected;
    summary = scan.summary;
    if (rejectedRows > 0) {
      await createZodTable(connection, checks, rawTable, validTable);
      // A second pass keeps the (usually few) rows SQL did not accept, for zod.
      await connection.run(printSql({ kind: 'createTableAs', name: REJECTED_TABLE, orReplace: true, temporary: true, query: select([{ expr: { kind: 'star' } }], { from: table(rawTable), where: notAccepted(checks) }) }, 'duckdb'));
      leftover = true;
      floored = await acceptFlooredInstants(connection, checks, schema, representation, zodTable(validTable));
      sqlRows += floored;
    }
  } else {
    try {
      await selectValidRows(connection, checks, rawTable, validTable);
    } catch (error) {
      // Text that was not written by JSON.stringify after all: DuckDB's JSON reader threw. Redo the
      // selection with the guards for hand-written JSON, which never let malformed text through.
      if (options.representation !== 'json' || options.canonicalJson === false || !/json/i.test((error as Error).message)) throw error;
      checks = await compile(false);
      await selectValidRows(connection, checks, rawTable, validTable);
    }
    sqlRows = await count(validTable);
    const rawCount = await count(rawTable);
    rejectedRows = rawCount - sqlRows;
    // When SQL accepted every row there is nothing left for zod: skip the anti-join.
    if (sqlRows < rawCount) {
      await connection.run(printSql({ kind: 'createTableAs', name: REJECTED_TABLE, orReplace: true, temporary: true, query: rejectedRowsQuery(rawTable, validTable) }, 'duckdb'));
      leftover = true;
    }
  }
  const sqlMs = performance.now() - t0;

  const t1 = performance.now();
  const coerced = coercionSurprises(schema);
  const precision = jsonIntegerPrecision(schema);
  const flatten = storedRow(kindFieldsOnly(schema), rowFlattener(columns));
  const coercions: CoercionState = {};
  /** zod's values of the deferred fields in the rows SQL accepted (deferred-fields.ts). */
  let deferred: DeferredFieldsResult | undefined;
  if (zodsPart(checks) && sqlRows > 0) {
    const accepted = sqlRows;
    const whole = checks.wholeRows;
    // With the row's refinements zod reads the whole row, as the whole-row path gives it (every
    // column: a passthrough object's refinement sees the unknown ones), else the deferred fields.
    const read = whole ? typedDataColumns(representation) : checks.deferred;
    const typedFields = typed ? read.map((name) => typedDeferredField(name, representation, options.originalNames)) : [];
    // Of a union, only the rows of the kinds zod has a part in (CompiledChecks.zodKinds).
    const kinds = checks.zodKinds ? kindRows(checks, typed, validTable, rawTable) : undefined;
    const accept = printExpr(checks.accept, 'duckdb');
    const pending = typed
      ? typedPending(rawTable, kinds ? `(${accept}) AND ${kinds.parsed}` : accept, typedFields)
      : whole ? jsonRowPending(validTable, rawTable, kinds?.parsed) : jsonPending(validTable, rawTable, checks.deferred);
    const input = typed ? typedInput(typedFields) : whole ? jsonRowInput(precision) : jsonInput(checks.deferred, precision);
    deferred = await checkDeferredFields(connection, {
      schema, deferred: checks.deferred, whole, columns, rawTable, rejectedTable: REJECTED_TABLE, rejectedTableExists: leftover, pending, jsonText: !typed, input,
      ...(kinds ? { unparsed: kinds.unparsed } : {}),
      observe: (input, output) => {
        coerced.observe(input.value, output, coercions);
        precision.observe(input.rounded, input.value, output, coercions);
      },
      onProgress: (done) => options.onDeferredProgress?.(done, accepted, zodsFields(checks)),
    });
    sqlRows -= deferred.backToZod;
    rejectedRows += deferred.backToZod;
    if (deferred.backToZod > 0 && typed && !leftover) await createZodTable(connection, checks, rawTable, validTable);
    leftover ||= deferred.backToZod > 0;
    if (!typed) {
      // zod accepted every row SQL did and gave no values: the valid rows stand as they are.
      if (deferred.valueColumns.length > 0 || deferred.backToZod > 0) await replaceDeferredValues(connection, validTable, columns, deferred);
      await dropDeferredValues(connection);
    }
  }
  let zodRows = 0;
  let zodAccepted = 0;
  let zodAcceptedWhy: LeftToZod[] | undefined;
  /** Rows of the pages read so far (zod's and the undecodable ones). */
  let checked = 0;
  try {
    // A page at a time, in source order: the rows SQL did not accept can be every row of the
    // input (a schema that does not fit the data), more than memory holds at once.
    for await (const page of rejectedRowPages(connection, leftover)) {
      // An appender per page, closed before the next page is queried: no query of this
      // connection runs while one of its appenders is open.
      const sink = await openValidRowSink(connection, typed ? zodTable(validTable) : validTable, columns);
      const names = page.columnNames();
      const json = options.representation === 'json';
      // Typed rows have no _raw/_json/_error of the engine's: columns of those names are the data's own.
      const dataColumns = names.filter((n) => !POSITION_COLUMNS.has(n));
      let object = '';
      try {
        // zod in UTC, as Lambda runs it: z.coerce.date() reads zone-less text ('2024-01-01 10:00') alike on any machine.
        inUtc(() => {
          for (let c = 0; c < page.chunkCount; c++) {
            // Column by column, and only the columns a row needs: decoding text is most of what
            // reading a row costs (the raw text is read for quarantined rows only).
            const chunk = page.getChunk(c);
            const vector = (name: string) => chunk.getColumnVector(names.indexOf(name));
            const ids = vector('_row_id');
            const objects = vector('_object');
            const lines = vector('_line');
            const text = json ? { raws: vector('_raw'), jsons: vector('_json'), errors: vector('_error') } : undefined;
            const data = json ? [] : dataColumns.map((name) => ({ name: options.originalNames?.[name] ?? name, column: name, values: vector(name) }));
            for (let r = 0; r < chunk.rowCount; r++) {
              const rowId = ids.getItem(r) as bigint;
              // NULL where the row before had the same object (rejectedRowPages).
              object = (objects.getItem(r) as string | null) ?? object;
              const line = lines.getItem(r) as bigint;
              let input: unknown;
              let rounded: readonly RoundedInteger[] | undefined;
              /** The raw content, for a quarantined row only. */
              let rawOf: () => string;
              if (text) {
                const jsonText = text.jsons.getItem(r) as string | null;
                rawOf = () => ((text.raws.getItem(r) as string | null) ?? jsonText ?? '');
                const error = text.errors.getItem(r) as string | null;
                if (error !== null) {
                  quarantined.add(malformed(object, line, rawOf(), error));
                  continue;
                }
                try {
                  ({ value: input, rounded } = readJsonRow(jsonText as string, precision));
                } catch (error) {
                  quarantined.add(malformed(object, line, rawOf(), `not valid JSON: ${(error as Error).message}`));
                  continue;
                }
              } else {
                const absent = absentIn.get(object);
                const present = absent ? data.filter((d) => !absent.has(d.column)) : data;
                // fromEntries defines own properties: a column named "__proto__" stays a plain key.
                input = Object.fromEntries(present.map((d) => [d.name, duckValueToJs(d.values.getItem(r))]));
                rawOf = () => rowToRawJson(Object.fromEntries(present.map((d) => [d.name, duckValueToRaw(d.values.getItem(r))])));
              }
              zodRows++;
              const parsed = schema.safeParse(input);
              if (parsed.success) {
                const output = parsed.data as Record<string, unknown>;
                const unstorable = sink.append(flatten ? flatten(output) : output, rowId, object, line);
                if (unstorable) quarantined.add({ object, line: Number(line), raw: rawOf(), issues: [unstorable] });
                else {
                  zodAccepted++;
                  coerced.observe(input, output, coercions);
                  precision.observe(rounded, input as Record<string, unknown>, output, coercions);
                }
              } else {
                quarantined.add({ object, line: Number(line), raw: rawOf(), issues: rowIssues(parsed.error.issues) });
              }
            }
          }
        });
      } finally {
        sink.close();
      }
      checked += page.rowCount;
      options.onZodProgress?.(checked, rejectedRows - floored);
    }
    if (zodAccepted > 0 && checks.vectorised) {
      // A diagnosis, not a result: should DuckDB refuse to read these rows again, the run goes on without it.
      zodAcceptedWhy = await leftToZod(runRows, checks, typed ? zodTable(validTable) : validTable).catch(() => undefined);
    }
  } finally {
    if (leftover) await connection.run(printSql({ kind: 'dropTable', name: REJECTED_TABLE, ifExists: true }, 'duckdb'));
  }
  // zod gave no values and refused no row SQL accepted (only the row's refinements ran): the
  // rows SQL accepted stand, as the view below selects them.
  const unchanged = deferred !== undefined && deferred.valueColumns.length === 0 && deferred.backToZod === 0;
  if (typed && unchanged) await dropDeferredValues(connection);
  if (typed && deferred && !unchanged) {
    // A table, in source order: the raw rows that have zod's deferred values (the accepted ones
    // zod did not send back) with SQL's values beside them, then zod's whole rows. The join
    // selects the rows, so the accept condition is not evaluated once more.
    const deferredColumns = new Set(deferred.valueColumns.map((c) => c.name));
    const accepted = select(
      [...checks.values.map((v) => as(deferredColumns.has(v.name) ? col(v.name, 'd') : v.expr, v.name)), ...RESERVED.map((name) => as(col(name, 'r'), name))],
      { from: table(rawTable, 'r'), joins: [{ type: 'inner', from: table(deferred.valuesTable, 'd'), on: eq(col('_row_id', 'r'), col('_row_id', 'd')) }] },
    );
    const rows: Query = zodAccepted + floored > 0 ? { kind: 'union', all: true, queries: [accepted, select([{ expr: { kind: 'star' } }], { from: table(zodTable(validTable)) })] } : accepted;
    await connection.run(printSql({ kind: 'createTableAs', name: validTable, orReplace: true, query: select([{ expr: { kind: 'star' } }], { from: { kind: 'subquery', alias: '__all', query: rows }, orderBy: [asc(col('_row_id'))] }) }, 'duckdb'));
    await dropDeferredValues(connection);
    if (leftover) await connection.run(printSql({ kind: 'dropTable', name: zodTable(validTable), ifExists: true }, 'duckdb'));
  } else if (typed) {
    // valid_rows is a VIEW: the SQL-accepted rows, re-selected by each reader (DuckDB then reads
    // only the columns that reader needs, straight from the source), plus zod's accepted rows.
    // Readers order by _row_id where order matters; materializeValidRows() makes it a table.
    const zodRowsQuery = select([{ expr: { kind: 'star' } }], { from: table(zodTable(validTable)) });
    const p = printerFor('duckdb');
    // When SQL accepted every row, the filter is dropped from the view: the input does not change
    // during a run (Parquet files, or a table), so it would be true for every row each time.
    const accepted = validRowsQuery(checks, rawTable, rejectedRows > 0);
    const body: Query = zodAccepted + floored > 0 ? { kind: 'union', all: true, queries: [accepted, zodRowsQuery] } : accepted;
    await connection.run(`CREATE VIEW ${p.quoteIdentifier(validTable)} AS ${printSql(body, 'duckdb')}`);
    if (zodAccepted + floored === 0 && leftover) await connection.run(printSql({ kind: 'dropTable', name: zodTable(validTable), ifExists: true }, 'duckdb'));
  } else if (zodAccepted > 0 && sqlRows > 0) {
    // Keep valid_rows in source order (object, line) so that everything downstream is deterministic.
    await connection.run(printSql({ kind: 'createTableAs', name: validTable, orReplace: true, query: select([{ expr: { kind: 'star' } }], { from: table(validTable), orderBy: [asc(col('_row_id'))] }) }, 'duckdb'));
  }
  const zodMs = performance.now() - t1;

  // Typed rows SQL accepted in full: valid_rows is raw_rows re-typed, object by object.
  const validIsRaw = typed && rejectedRows === 0;
  const { counts, perObject } = await conservation(runRows, rawTable, validIsRaw ? rawTable : validTable, quarantined.countsByObject());

  const t2 = performance.now();
  const gates = await evaluateGates(options.gates ?? {}, { run: runRows, validTable, counts, columns });
  const gatesMs = performance.now() - t2;
  const t3 = performance.now();
  // The summary from the validation scan holds only while no row took the zod path.
  const scannedSummary = summary !== undefined && zodRows === 0 && floored === 0 ? summary : undefined;
  const profile = wantProfile
    ? await computeProfile(runRows, validTable, columns, { sampleColumn: '_row_id', distributions: options.distributions ?? true, ...(scannedSummary ? { summary: scannedSummary } : {}) })
    : undefined;
  const profileMs = performance.now() - t3;

  const fastPath: FastPathInfo = {
    ...describeFastPath(checks), sqlRows, zodRows, fields: checks.fields,
    ...(deferred ? { deferred: { fields: checks.deferred, rows: deferred.rows, ...(checks.objectChecks.length ? { wholeRows: true } : {}), ...(checks.zodKinds ? { kinds: checks.zodKinds.labels } : {}) } } : {}),
    ...(zodAcceptedWhy?.length ? { zodAccepted: zodAcceptedWhy } : {}),
  };
  const report = buildQualityReport({ counts, perObject, failingRules: quarantined.rules, gates, profile, fastPath });
  return { validTable, columns, quarantined, counts, perObject, fastPath, gates, profile, report, coercionNotes: [...coerced.notes(coercions), ...precision.notes(coercions)], ...(windowBounds ? { windowBounds } : {}), timings: { sqlMs, zodMs, gatesMs, profileMs } };
}

/** The window's columns when the schema has both, the timestamp as a timestamp. */
function boundedColumns(columns: readonly ColumnDescription[], window: ValidationStageOptions['windowColumns']): ValidationStageOptions['windowColumns'] {
  if (!window) return undefined;
  const entity = columns.find((c) => c.name === window.entity);
  const timestamp = columns.find((c) => c.name === window.timestamp);
  return entity && timestamp?.type === 'timestamp' ? window : undefined;
}

/** column → objects without it, turned around: object → the columns it does not have. */
function columnsAbsentIn(absentFrom: Readonly<Record<string, readonly string[]>>): Map<string, Set<string>> {
  const byObject = new Map<string, Set<string>>();
  for (const [column, objects] of Object.entries(absentFrom)) {
    for (const object of objects) {
      const set = byObject.get(object) ?? new Set<string>();
      set.add(column);
      byObject.set(object, set);
    }
  }
  return byObject;
}

function malformed(object: string, line: bigint, raw: string, error: string): QuarantinedRow {
  return { object, line: Number(line), raw, issues: [{ path: [], code: MALFORMED_RECORD, message: error }] };
}

async function describeTable(run: SqlRunner, name: string): Promise<Record<string, string>> {
  const rows = await run(`DESCRIBE ${printSql(select([{ expr: { kind: 'star' } }], { from: table(name) }), 'duckdb')}`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

/**
 * Typed rows need no intermediate layers. One scan counts the rows SQL does not accept and
 * takes the profile's summary statistics of the values SQL produces for every row: when it
 * accepted them all (the usual case for Parquet), those are exactly the valid rows' and the run
 * reads its input once before the features. `summary` is undefined when a row was rejected
 * (the profile is then taken over the final valid rows) or no profile was asked for.
 */
async function scanTypedRows(
  run: SqlRunner, checks: CompiledChecks, rawTable: string, columns: readonly ColumnDescription[], profile: boolean,
  window: ValidationStageOptions['windowColumns'],
): Promise<{ rows: number; rejected: number; summary?: ProfileSummary; windowBounds?: WindowInputBounds }> {
  // The values of rows SQL did not accept are not converted at all (NULL in their place): a NaN
  // or 1e30 in a DOUBLE column checked as an integer cannot be cast to BIGINT, and a rejected
  // row must be quarantined, never fail the scan. Their values would not count anyway: the
  // summary is kept only when every row was accepted.
  const flagged = flaggedRowsQuery(checks, rawTable);
  const row = await runProfileSummary(run, (moments) => printSql(select(
    [
      as(agg('count_star', [], col('__flag')), '__rejected'),
      ...(profile ? profileSummaryItems(columns, moments) : [as(agg('count_star', []), '__pn')]),
      // Cheap beside the scan (a few hundred entities, two extremes), where counting the feature
      // rows instead would read the input once more.
      ...(window
        ? [
            as(agg('count_distinct', [col(window.entity)]), '__wb_entities'),
            as(fn('epoch_ms', agg('min', [col(window.timestamp)])), '__wb_first'),
            as(fn('epoch_ms', agg('max', [col(window.timestamp)])), '__wb_last'),
          ]
        : []),
    ],
    { from: { kind: 'subquery', alias: '__v', query: flagged } },
  ), 'duckdb'), profile ? columns : []);
  const rejected = Number(row.__rejected);
  // Over accepted rows only: with rows left for zod (which may accept some), they bound nothing.
  const windowBounds = window && rejected === 0 && row.__wb_first !== null && row.__wb_last !== null
    ? { entities: Number(row.__wb_entities), firstMs: Number(row.__wb_first), lastMs: Number(row.__wb_last) }
    : undefined;
  return { rows: Number(row.__pn), rejected, ...(profile && rejected === 0 ? { summary: readProfileSummary(row, columns) } : {}), ...(windowBounds ? { windowBounds } : {}) };
}

/** Patterns DuckDB's RE2 refuses to compile (the translator is conservative, but RE2 has limits of its own). */
async function refusedPatterns(connection: DuckDBConnection, patterns: readonly string[]): Promise<Set<string>> {
  const refused = new Set<string>();
  for (const pattern of patterns) {
    try {
      await connection.run(printSql(select([as({ kind: 'fn', name: 'regexp_search', args: [lit(''), lit(pattern)] }, 'm')]), 'duckdb'));
    } catch {
      refused.add(pattern);
    }
  }
  return refused;
}

/** Materializes the compiled layers as temporary tables, then selects the accepted rows into the valid table. */
async function selectValidRows(connection: DuckDBConnection, checks: CompiledChecks, rawTable: string, validTable: string): Promise<void> {
  const layerTables: string[] = [];
  try {
    let source = rawTable;
    for (const [i, items] of checks.layers.entries()) {
      const name = `_sluice_validation_${i}`;
      layerTables.push(name);
      const query = select([...RESERVED.map((n) => ({ expr: col(n) })), ...items], { from: table(source) });
      await connection.run(printSql({ kind: 'createTableAs', name, orReplace: true, temporary: true, query }, 'duckdb'));
      source = name;
    }
    await connection.run(printSql(createValidTable(checks, source, validTable), 'duckdb'));
  } finally {
    for (const name of layerTables) await connection.run(printSql({ kind: 'dropTable', name, ifExists: true }, 'duckdb'));
  }
}

function createValidTable(checks: CompiledChecks, source: string, validTable: string): Statement {
  return { kind: 'createTableAs', name: validTable, orReplace: true, query: validRowsQuery(checks, source) };
}

/**
 * The rows SQL accepts, as typed values in schema order, then `_row_id, _object, _line`.
 * `filter: false` selects the values of every row (meaningful only where accepted), and
 * `flag` adds a column `__flag` with that expression.
 */
function validRowsQuery(checks: CompiledChecks, source: string, filter = true): SelectQuery {
  const ids: SelectItem[] = RESERVED.map((name) => ({ expr: col(name) }));
  return select([...checks.values.map((v) => as(v.expr, v.name)), ...ids], { from: table(source), ...(filter ? { where: checks.accept } : {}) });
}

/**
 * Every row, with `__flag` true where validRowsQuery would not keep it; the values of flagged
 * rows are NULL, never computed (CASE evaluates a branch only for the rows that take it).
 * A column read as it is stored cannot fail to convert, so it goes without the CASE, which
 * costs a sixth of a 3M-row Parquet scan (measured on flights-3m); its flagged rows keep their
 * values, which nothing reads: the profile's summary is kept only when no row was flagged.
 * Only text, boolean and integer columns: a rejected NaN or ±Infinity in a floating-point column
 * would make the profile's stddev raise, and a rejected instant beyond JS dates in a timestamp
 * column would become its min or max, which cannot be read back.
 */
/** Column types whose stored values, accepted or not, the profile always aggregates and reads back. */
const UNGUARDED_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(['string', 'boolean', 'integer']);

function flaggedRowsQuery(checks: CompiledChecks, source: string): SelectQuery {
  const flag = col('__flag');
  const ids: SelectItem[] = RESERVED.map((name) => ({ expr: col(name) }));
  const flaggedSource = select([{ expr: { kind: 'star' } }, as(notAccepted(checks), '__flag')], { from: table(source) });
  return select(
    [...checks.values.map((v) => as(v.identity && UNGUARDED_TYPES.has(v.type) ? v.expr : caseWhen([{ when: flag, then: lit(null) }], v.expr), v.name)), ...ids, as(flag, '__flag')],
    { from: { kind: 'subquery', alias: '__flagged', query: flaggedSource } },
  );
}

/** Exactly the rows `accept` does not make true (false or NULL): the complement of validRowsQuery. */
function notAccepted(checks: CompiledChecks): SqlExpr {
  return caseWhen([{ when: checks.accept, then: lit(false) }], lit(true));
}

const REJECTED_TABLE = '_sluice_rejected';

/**
 * Why SQL did not read the rows zod then accepted — the rows that cost zod's time without being
 * wrong, and what to change about them: per field whose own condition refused them (a date-time
 * form, a check it cannot run), or `(row)` for JSON text the fast path does not read (escapes,
 * hand-written whitespace, repeated keys), the number of rows and the smallest value as an
 * example. Runs the compiled layers again over just those rows (still in the rejected table;
 * `acceptedIn` holds zod's accepted rows by `_row_id`). Largest first.
 */
async function leftToZod(run: SqlRunner, checks: CompiledChecks, acceptedIn: string): Promise<LeftToZod[]> {
  const accepted = select([{ expr: { kind: 'star', table: 'r' } }], {
    from: table(REJECTED_TABLE, 'r'),
    joins: [{ type: 'inner', from: table(acceptedIn, 'a'), on: eq(col('_row_id', 'r'), col('_row_id', 'a')) }],
  });
  let source: FromItem = { kind: 'subquery', query: accepted, alias: 'l' };
  checks.layers.forEach((items, i) => {
    source = { kind: 'subquery', query: select([...RESERVED.map((n) => ({ expr: col(n) })), ...items], { from: source }), alias: `l${i}` };
  });
  // Rows of a kind SQL leaves to zod whole are zod's by design, not rows SQL failed to read.
  if (checks.kindsLeftToZod) source = { kind: 'subquery', query: select([{ expr: { kind: 'star' } }], { from: source, where: caseWhen([{ when: checks.kindsLeftToZod, then: lit(false) }], lit(true)) }), alias: 'l' };
  const refused = (accept: SqlExpr): SqlExpr => caseWhen([{ when: accept, then: lit(false) }], lit(true));
  // A field is blamed only where the row itself was readable: where it was not, every field's
  // value is unknown to SQL and the row is `(row)`'s.
  const refusedInReadableRow = (accept: SqlExpr): SqlExpr => caseWhen([{ when: checks.parts.row, then: refused(accept) }], lit(false));
  const parts = [
    { name: '(row)', refusedWhere: refused(checks.parts.row), shown: lit(null) as SqlExpr },
    ...checks.parts.fields.map((f) => ({ name: f.name, refusedWhere: refusedInReadableRow(f.accept), shown: f.shown })),
  ];
  const items = parts.flatMap((part, i) => [
    as(agg('count_star', [], part.refusedWhere), `n${i}`),
    as(agg('min', [part.shown], part.refusedWhere), `e${i}`),
  ]);
  const [row] = await run(printSql(select(items, { from: source }), 'duckdb'));
  return parts
    .map((part, i) => ({ field: part.name, rows: Number(row?.[`n${i}`] ?? 0), example: row?.[`e${i}`] }))
    .filter((reason) => reason.rows > 0)
    .map((reason) => (reason.example === null || reason.example === undefined ? { field: reason.field, rows: reason.rows } : { ...reason, example: String(reason.example) }))
    .sort((a, b) => b.rows - a.rows);
}

/**
 * The second look SQL takes at the rows it did not accept, before zod: compiled once more to
 * accept microsecond instants with digits below the millisecond (floored, as zod sees them).
 * The first look keeps such columns an identity read, which every reader of the valid rows
 * pays for; data that carries microseconds (Python's datetime, Spark) then only costs this
 * pass over its rows instead of zod on each. Moves the rows it accepts from the rejected table
 * into `target` (the table of zod's accepted rows); returns how many.
 */
async function acceptFlooredInstants(connection: DuckDBConnection, strict: CompiledChecks, schema: z.ZodType, representation: Representation, target: string): Promise<number> {
  const floored = compileChecks(schema, representation, { floorSubMillisecondInstants: true });
  if (JSON.stringify(floored.accept) === JSON.stringify(strict.accept) || (await refusedPatterns(connection, floored.patterns)).size > 0) return 0;
  const p = printerFor('duckdb');
  const inserted = await connection.runAndReadAll(`INSERT INTO ${p.quoteIdentifier(target)} ${printSql(validRowsQuery(floored, REJECTED_TABLE), 'duckdb')}`);
  const moved = Number(inserted.getRows()[0]?.[0] ?? 0);
  if (moved > 0) {
    const rest = select([{ expr: { kind: 'star' } }], { from: table(REJECTED_TABLE), where: notAccepted(floored) });
    await connection.run(printSql({ kind: 'createTableAs', name: REJECTED_TABLE, orReplace: true, temporary: true, query: rest }, 'duckdb'));
  }
  return moved;
}
const zodTable = (validTable: string): string => `${validTable}__zod`;

/** Typed rows: the table of zod's accepted rows, of the exact column types of the SQL-accepted ones. */
async function createZodTable(connection: DuckDBConnection, checks: CompiledChecks, rawTable: string, validTable: string): Promise<void> {
  await connection.run(printSql({ kind: 'createTableAs', name: zodTable(validTable), orReplace: true, query: { ...validRowsQuery(checks, rawTable), limit: 0 } }, 'duckdb'));
}

/** Typed rows: the raw table's columns that are the data's own (zod's whole-row input). */
function typedDataColumns(representation: Representation): string[] {
  return representation.kind === 'typed' ? Object.keys(representation.columnTypes).filter((c) => !POSITION_COLUMNS.has(c)) : [];
}

/** Whether zod has a part in the rows SQL accepts: fields SQL cannot check, or the row's refinements. */
function zodsPart(checks: CompiledChecks): boolean {
  return checks.deferred.length > 0 || checks.objectChecks.length > 0;
}

/** What zod checks in the rows SQL accepts, for the progress line: the deferred fields, and the row's refinements. */
function zodsFields(checks: CompiledChecks): readonly string[] {
  return checks.objectChecks.length > 0 ? [...checks.deferred, "the row's refinements"] : checks.deferred;
}

/**
 * A union's rows SQL accepted, split by CompiledChecks.zodKinds: `parsed`, a condition true in
 * the rows of the kinds zod parses (over the valid table `v` for JSON, over the raw rows for
 * typed ones), and `unparsed`, the query giving the other rows' values of some columns as SQL
 * stored them, with `_row_id`.
 */
function kindRows(checks: CompiledChecks, typed: boolean, validTable: string, rawTable: string): { parsed: string; unparsed: (columns: readonly ColumnDescription[]) => string } {
  const kinds = checks.zodKinds!;
  const p = printerFor('duckdb');
  const valueOf = (name: string): string => {
    if (!typed) return `v.${p.quoteIdentifier(name)}`;
    return printExpr(checks.values.find((v) => v.name === name)!.expr, 'duckdb');
  };
  const disc = valueOf(kinds.column);
  const parsed = `(coalesce(${disc} IN (${kinds.values.map((v) => (typeof v === 'string' ? p.stringLiteral(v) : String(v))).join(', ')}), false)${kinds.nulls ? ` OR ${disc} IS NULL` : ''})`;
  const unparsed = (columns: readonly ColumnDescription[]): string => {
    const items = [...columns.map((c) => `${valueOf(c.name)} AS ${p.quoteIdentifier(c.name)}`), typed ? '_row_id' : 'v._row_id'].join(', ');
    return typed
      ? `SELECT ${items} FROM ${p.quoteIdentifier(rawTable)} WHERE (${printExpr(checks.accept, 'duckdb')}) AND NOT ${parsed}`
      : `SELECT ${items} FROM ${p.quoteIdentifier(validTable)} AS v WHERE NOT ${parsed}`;
  };
  return { parsed, unparsed };
}

/** Where a deferred field of typed rows is: its column, the objects without it, and the key zod sees it under. */
function typedDeferredField(name: string, representation: Representation, originalNames: Readonly<Record<string, string>> | undefined): TypedDeferredField {
  const present = representation.kind === 'typed' && representation.columnTypes[name] !== undefined;
  const absentIn = representation.kind === 'typed' ? representation.absentFrom?.[name] ?? [] : [];
  return { name, key: originalNames?.[name] ?? name, ...(present ? { column: name } : {}), absentIn };
}

/**
 * Drops a table or view of that name, whichever it is: DuckDB refuses DROP TABLE on a view
 * (and the reverse), so the other kind is tried when the first is refused. Cheaper than asking
 * information_schema first, which scans the whole catalog.
 */
async function dropRelation(connection: DuckDBConnection, name: string): Promise<void> {
  const p = printerFor('duckdb');
  try {
    await connection.run(`DROP TABLE IF EXISTS ${p.quoteIdentifier(name)}`);
  } catch {
    await connection.run(`DROP VIEW IF EXISTS ${p.quoteIdentifier(name)}`);
  }
}

/**
 * Turns a valid-rows view (typed input) into a table in source order, for the steps that
 * replace the table (derive, map). A table is left as it is.
 *
 * @example
 * ```ts
 * await materializeValidRows(connection, 'valid_rows');
 * ```
 */
export async function materializeValidRows(connection: DuckDBConnection, validTable = 'valid_rows'): Promise<void> {
  const p = printerFor('duckdb');
  const rows = (await connection.runAndReadAll(`SELECT table_type FROM information_schema.tables WHERE table_name = ${p.stringLiteral(validTable)}`)).getRowObjectsJS();
  if (!rows.some((r) => r.table_type === 'VIEW')) return;
  const copy = `${validTable}__table`;
  await connection.run(printSql({ kind: 'createTableAs', name: copy, orReplace: true, query: select([{ expr: { kind: 'star' } }], { from: table(validTable), orderBy: [asc(col('_row_id'))] }) }, 'duckdb'));
  await connection.run(`DROP VIEW ${p.quoteIdentifier(validTable)}`);
  await connection.run(`ALTER TABLE ${p.quoteIdentifier(copy)} RENAME TO ${p.quoteIdentifier(validTable)}`);
}

function rejectedRowsQuery(rawTable: string, validTable: string): Query {
  return select([{ expr: { kind: 'star', table: 'r' } }], {
    from: table(rawTable, 'r'),
    joins: [{ type: 'left', from: table(validTable, 'v'), on: eq(col('_row_id', 'r'), col('_row_id', 'v')) }],
    where: isNull(col('_row_id', 'v')),
  });
}

/** Rows of a page of the rejected rows: enough to keep DuckDB's vectors busy, few enough to hold. */
const REJECTED_PAGE_ROWS = 20_000;

/** The rejected rows in `_row_id` order, a page at a time (none when `present` is false); `_object` is NULL where it repeats the row before's. */
async function* rejectedRowPages(connection: DuckDBConnection, present: boolean): AsyncGenerator<Awaited<ReturnType<DuckDBConnection['run']>>> {
  if (!present) return;
  let after: bigint | undefined;
  for (;;) {
    const rows = printSql(select([{ expr: { kind: 'star' } }], {
      from: table(REJECTED_TABLE),
      ...(after === undefined ? {} : { where: bin('>', col('_row_id'), lit(after)) }),
      orderBy: [asc(col('_row_id'))],
      limit: REJECTED_PAGE_ROWS,
    }), 'duckdb');
    // `_object` only where it changes (NULL where the row before has the same): an object's
    // name is the same long text on each of its rows, and decoding it for each cost more than
    // the rest of a row.
    const page = await connection.run(
      `SELECT * EXCLUDE (_object), CASE WHEN _object IS NOT DISTINCT FROM lag(_object) OVER (ORDER BY _row_id) THEN NULL ELSE _object END AS _object FROM (${rows}) ORDER BY _row_id`,
    );
    let last: bigint | undefined;
    for (let c = 0; c < page.chunkCount; c++) {
      const chunk = page.getChunk(c);
      if (chunk.rowCount > 0) last = chunk.getColumnVector(page.columnNames().indexOf('_row_id')).getItem(chunk.rowCount - 1) as bigint;
    }
    if (last === undefined) return;
    yield page;
    after = last;
  }
}

async function conservation(
  run: SqlRunner, rawTable: string, validTable: string, quarantinedBy: ReadonlyMap<string, number>,
): Promise<{ counts: RowCounts; perObject: Record<string, RowCounts> }> {
  const countBy = async (name: string): Promise<Map<string, number>> => {
    const rows = await run(printSql(select([as(col('_object'), 'object'), as(agg('count_star', []), 'n')], { from: table(name), groupBy: [col('_object')] }), 'duckdb'));
    return new Map(rows.map((r) => [String(r.object), Number(r.n)]));
  };
  const inBy = await countBy(rawTable);
  const validBy = validTable === rawTable ? inBy : await countBy(validTable);
  const perObject: Record<string, RowCounts> = {};
  const objects = [...new Set([...inBy.keys(), ...validBy.keys(), ...quarantinedBy.keys()])].sort();
  let total = { in: 0, valid: 0, quarantined: 0 };
  for (const object of objects) {
    const counts = { in: inBy.get(object) ?? 0, valid: validBy.get(object) ?? 0, quarantined: quarantinedBy.get(object) ?? 0 };
    if (counts.in !== counts.valid + counts.quarantined) {
      throw new EngineError('CONSERVATION_VIOLATED', `Rows were lost or duplicated in validation of ${object}: in ${counts.in} ≠ valid ${counts.valid} + quarantined ${counts.quarantined}. This is a sluice bug; please report it with the input.`);
    }
    perObject[object] = counts;
    total = { in: total.in + counts.in, valid: total.valid + counts.valid, quarantined: total.quarantined + counts.quarantined };
  }
  return { counts: total, perObject };
}
