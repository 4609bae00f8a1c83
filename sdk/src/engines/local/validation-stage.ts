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
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { PlanError } from '../../errors.js';
import type { GateSpec } from '../../plan/validate-node.js';
import { printExpr, printerFor, printSql } from '../../sql/dialects.js';
import type { Query } from '../../sql/sql-node.js';
import { agg, as, asc, col, eq, select, table } from '../../sql/sql-builders.js';
import { compileChecks, describeFastPath } from '../../quality/compile-checks.js';
import type { CompiledChecks, CompiledField, Representation } from '../../quality/compile-checks.js';
import { describeSchema } from '../../quality/describe-schema.js';
import type { ColumnDescription } from '../../quality/describe-schema.js';
import { evaluateGates } from '../../quality/gates/evaluate-gates.js';
import type { GateResult } from '../../quality/gates/gate-result.js';
import { coercionSurprises, type CoercionState } from '../../quality/coercion-surprises.js';
import { jsonIntegerPrecision } from '../../quality/json-integer-precision.js';
import { rowFlattener, storedRow } from '../../quality/nested-fields.js';
import { kindFieldsOnly } from '../../quality/kind-fields.js';
import { computeProfile } from '../../quality/profile.js';
import type { Profile, ProfileSummary } from '../../quality/profile.js';
import { buildQualityReport } from '../../quality/quality-report.js';
import type { QualityReport } from '../../quality/quality-report.js';
import type { RowCounts } from '../../quality/quarantine.js';
import type { SqlRunner } from '../../quality/sql-runner.js';
import {
  checkDeferredFields, dropDeferredValues, jsonInput, jsonPending, jsonRowInput, jsonRowPending, replaceDeferredValues, typedInput, typedPending,
  type DeferredFieldsResult,
} from './validation/deferred-fields.js';
import { conservation } from './validation/conservation.js';
import { leftToZod, type LeftToZod } from './validation/left-to-zod.js';
import { acceptFlooredInstants, REJECTED_TABLE, rejectedRowsQuery } from './validation/rejected-rows.js';
import { refusedPatterns } from './validation/refused-patterns.js';
import { boundedColumns, scanTypedRows, type WindowColumns, type WindowInputBounds } from './validation/typed-scan.js';
import { createZodTable, LINEAGE_COLUMN_NAMES, notAccepted, POSITION_COLUMN_NAMES, selectValidRows, validRowsQuery, zodTable } from './validation/valid-rows-sql.js';
import { dropRelation } from './validation/valid-table.js';
import { parseRejectedRows } from './validation/zod-pages.js';
import { kindRows, typedDataColumns, typedDeferredField, zodsFields, zodsPart } from './validation/zods-part.js';
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
  readonly windowColumns?: WindowColumns;
}

export type { LeftToZod, WindowInputBounds };

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
    if (LINEAGE_COLUMN_NAMES.includes(c.name)) {
      throw new PlanError('POSITION_COLUMN_NAMES_COLUMN', `validate.schema.${c.name}`, `The schema field "${c.name}" collides with a column sluice adds to every row (${LINEAGE_COLUMN_NAMES.join(', ')}). Rename the field.`);
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
  let zodAcceptedWhy: LeftToZod[] | undefined;
  let zodRows = 0;
  let zodAccepted = 0;
  try {
    ({ zodRows, zodAccepted } = await parseRejectedRows(connection, {
      present: leftover, schema, target: typed ? zodTable(validTable) : validTable, columns, json: options.representation === 'json',
      ...(options.originalNames ? { originalNames: options.originalNames } : {}),
      absentIn, precision, coerced, coercions, flatten, quarantined,
      onPage: (checked) => options.onZodProgress?.(checked, rejectedRows - floored),
    }));
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
      [...checks.values.map((v) => as(deferredColumns.has(v.name) ? col(v.name, 'd') : v.expr, v.name)), ...POSITION_COLUMN_NAMES.map((name) => as(col(name, 'r'), name))],
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

async function describeTable(run: SqlRunner, name: string): Promise<Record<string, string>> {
  const rows = await run(`DESCRIBE ${printSql(select([{ expr: { kind: 'star' } }], { from: table(name) }), 'duckdb')}`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

