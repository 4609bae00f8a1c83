/**
 * The local validation stage: SQL fast path first, zod for everything SQL did not accept.
 *
 * 1. The schema's SQL-expressible checks (quality/compile-checks.ts) select the rows SQL can
 *    accept straight into `valid_rows`, as typed columns.
 * 2. Every other row is read back and given to zod (`safeParse`), which has the final word:
 *    accepted → appended to `valid_rows` with zod's output; rejected → quarantined with zod's
 *    issues. Undecodable records (`_error`) are quarantined as `malformed_record`.
 * 3. The conservation law `in = valid + quarantined` is checked per object and overall.
 * 4. Gates, the column profile and the quality report are computed over `valid_rows`.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import { EngineError, PlanError } from '../../errors.js';
import type { GateSpec } from '../../plan/validate-node.js';
import { printSql } from '../../sql/dialects.js';
import type { Query, SelectItem, Statement } from '../../sql/sql-node.js';
import { agg, as, asc, col, eq, isNull, lit, select, table } from '../../sql/sql-builders.js';
import { compileChecks, describeFastPath, INTERNAL_COLUMNS } from '../../quality/compile-checks.js';
import type { CompiledChecks, CompiledField, Representation } from '../../quality/compile-checks.js';
import { describeSchema } from '../../quality/describe-schema.js';
import type { ColumnDescription } from '../../quality/describe-schema.js';
import { evaluateGates } from '../../quality/gates/evaluate-gates.js';
import type { GateResult } from '../../quality/gates/gate-result.js';
import { computeProfile } from '../../quality/profile.js';
import type { Profile } from '../../quality/profile.js';
import { buildQualityReport } from '../../quality/quality-report.js';
import type { QualityReport } from '../../quality/quality-report.js';
import { MALFORMED_RECORD, rowIssues } from '../../quality/quarantine.js';
import type { QuarantinedRow, RowCounts } from '../../quality/quarantine.js';
import type { SqlRunner } from '../../quality/sql-runner.js';
import { duckValueToJs, rowToRawJson } from './validation/duckdb-row-values.js';
import { openValidRowSink } from './validation/valid-row-appender.js';

export interface ValidationStageOptions {
  readonly schema: z.ZodType;
  readonly gates?: GateSpec;
  /** 'json': `raw_rows(_row_id, _object, _line, _raw, _json, _error)`; 'typed': `_row_id, _object, _line` + typed columns. */
  readonly representation: 'json' | 'typed';
  readonly rawTable?: string;
  readonly validTable?: string;
  /** Compute the column profile (needed by the report's column table); default true. */
  readonly profile?: boolean;
  /**
   * `_json` was written by `JSON.stringify` (the engine's raw loader does this), so the checks
   * for hazards of hand-written JSON text (repeated keys, NaN, trailing commas, `-0`) can be
   * skipped. Default true; pass false for JSON text from anywhere else.
   */
  readonly canonicalJson?: boolean;
}

export interface FastPathInfo {
  /** Every check of every field ran in SQL. */
  readonly compiled: boolean;
  /** Why rows or checks left the vectorised path, e.g. "the object schema has refinements…". */
  readonly reason?: string;
  /** Rows SQL accepted without zod. */
  readonly sqlRows: number;
  /** Rows given to zod (SQL did not accept them and they were decodable). */
  readonly zodRows: number;
  readonly fields: readonly CompiledField[];
}

export interface ValidationStageResult {
  readonly validTable: string;
  /** Valid columns in schema order (then `_row_id, _object, _line`). */
  readonly columns: readonly ColumnDescription[];
  readonly quarantined: readonly QuarantinedRow[];
  readonly counts: RowCounts;
  readonly perObject: Readonly<Record<string, RowCounts>>;
  readonly fastPath: FastPathInfo;
  readonly gates: readonly GateResult[];
  readonly profile?: Profile;
  readonly report: QualityReport;
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
    options.representation === 'json' ? { kind: 'json' } : { kind: 'typed', columnTypes: await describeTable(runRows, rawTable) };
  const compile = async (canonicalJson: boolean): Promise<CompiledChecks> => {
    const first = compileChecks(schema, representation, { canonicalJson });
    const refused = await refusedPatterns(connection, first.patterns);
    return refused.size ? compileChecks(schema, representation, { canonicalJson, refusedPatterns: refused }) : first;
  };
  let checks = await compile(options.canonicalJson ?? true);
  try {
    await selectValidRows(connection, checks, rawTable, validTable);
  } catch (error) {
    // Text that was not written by JSON.stringify after all: DuckDB's JSON reader threw. Redo the
    // selection with the guards for hand-written JSON, which never let malformed text through.
    if (options.representation !== 'json' || options.canonicalJson === false || !/json/i.test((error as Error).message)) throw error;
    checks = await compile(false);
    await selectValidRows(connection, checks, rawTable, validTable);
  }
  const sqlRows = Number((await runRows(printSql(select([as(agg('count_star', []), 'n')], { from: table(validTable) }), 'duckdb')))[0]!.n);
  const sqlMs = performance.now() - t0;

  const t1 = performance.now();
  const rawCount = Number((await runRows(printSql(select([as(agg('count_star', []), 'n')], { from: table(rawTable) }), 'duckdb')))[0]!.n);
  // When SQL accepted every row there is nothing left for zod: skip the anti-join.
  const leftover = await connection.run(printSql(rejectedRowsQuery(rawTable, validTable, sqlRows === rawCount), 'duckdb'));
  const names = leftover.columnNames();
  const dataColumns = names.filter((n) => !INTERNAL_COLUMNS.has(n));
  const sink = await openValidRowSink(connection, validTable, columns);
  const quarantined: QuarantinedRow[] = [];
  let zodRows = 0;
  let zodAccepted = 0;
  try {
    for (let c = 0; c < leftover.chunkCount; c++) {
      for (const values of leftover.getChunk(c).getRows()) {
        const row = Object.fromEntries(names.map((n, i) => [n, values[i]!])) as Record<string, DuckDBValue>;
        const rowId = row._row_id as bigint;
        const object = String(row._object);
        const line = row._line as bigint;
        let input: unknown;
        let raw: string;
        if (options.representation === 'json') {
          raw = (row._raw ?? row._json ?? '') as string;
          if (row._error !== null && row._error !== undefined) {
            quarantined.push(malformed(object, line, raw, String(row._error)));
            continue;
          }
          try {
            input = JSON.parse(row._json as string);
          } catch (error) {
            quarantined.push(malformed(object, line, raw, `not valid JSON: ${(error as Error).message}`));
            continue;
          }
        } else {
          const record = Object.fromEntries(dataColumns.map((n) => [n, duckValueToJs(row[n]!)]));
          raw = typeof row._raw === 'string' ? row._raw : rowToRawJson(record);
          if (row._error !== null && row._error !== undefined) {
            quarantined.push(malformed(object, line, raw, String(row._error)));
            continue;
          }
          input = record;
        }
        zodRows++;
        const parsed = schema.safeParse(input);
        if (parsed.success) {
          sink.append(parsed.data as Record<string, unknown>, rowId, object, line);
          zodAccepted++;
        } else {
          quarantined.push({ object, line: Number(line), raw, issues: rowIssues(parsed.error.issues) });
        }
      }
    }
  } finally {
    sink.close();
  }
  // Keep valid_rows in source order (object, line) so that everything downstream is deterministic.
  if (zodAccepted > 0 && sqlRows > 0) {
    await connection.run(printSql({ kind: 'createTableAs', name: validTable, orReplace: true, query: select([{ expr: { kind: 'star' } }], { from: table(validTable), orderBy: [asc(col('_row_id'))] }) }, 'duckdb'));
  }
  const zodMs = performance.now() - t1;

  const { counts, perObject } = await conservation(runRows, rawTable, validTable, quarantined);

  const t2 = performance.now();
  const gates = await evaluateGates(options.gates ?? {}, { run: runRows, validTable, counts, columns });
  const gatesMs = performance.now() - t2;
  const t3 = performance.now();
  const profile = options.profile === false ? undefined : await computeProfile(runRows, validTable, columns, { sampleColumn: '_row_id' });
  const profileMs = performance.now() - t3;

  const fastPath: FastPathInfo = { ...describeFastPath(checks), sqlRows, zodRows, fields: checks.fields };
  const report = buildQualityReport({ counts, perObject, quarantined, gates, profile, fastPath });
  return { validTable, columns, quarantined, counts, perObject, fastPath, gates, profile, report, timings: { sqlMs, zodMs, gatesMs, profileMs } };
}

function malformed(object: string, line: bigint, raw: string, error: string): QuarantinedRow {
  return { object, line: Number(line), raw, issues: [{ path: [], code: MALFORMED_RECORD, message: error }] };
}

async function describeTable(run: SqlRunner, name: string): Promise<Record<string, string>> {
  const rows = await run(`DESCRIBE ${printSql(select([{ expr: { kind: 'star' } }], { from: table(name) }), 'duckdb')}`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
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
  const ids: SelectItem[] = RESERVED.map((name) => ({ expr: col(name) }));
  const query = select([...checks.values.map((v) => as(v.expr, v.name)), ...ids], { from: table(source), where: checks.accept });
  return { kind: 'createTableAs', name: validTable, orReplace: true, query };
}

function rejectedRowsQuery(rawTable: string, validTable: string, none: boolean): Query {
  return select([{ expr: { kind: 'star', table: 'r' } }], {
    from: table(rawTable, 'r'),
    joins: none ? [] : [{ type: 'left', from: table(validTable, 'v'), on: eq(col('_row_id', 'r'), col('_row_id', 'v')) }],
    where: none ? lit(false) : isNull(col('_row_id', 'v')),
    orderBy: [asc(col('_row_id', 'r'))],
  });
}

async function conservation(
  run: SqlRunner, rawTable: string, validTable: string, quarantined: readonly QuarantinedRow[],
): Promise<{ counts: RowCounts; perObject: Record<string, RowCounts> }> {
  const countBy = async (name: string): Promise<Map<string, number>> => {
    const rows = await run(printSql(select([as(col('_object'), 'object'), as(agg('count_star', []), 'n')], { from: table(name), groupBy: [col('_object')] }), 'duckdb'));
    return new Map(rows.map((r) => [String(r.object), Number(r.n)]));
  };
  const inBy = await countBy(rawTable);
  const validBy = await countBy(validTable);
  const quarantinedBy = new Map<string, number>();
  for (const q of quarantined) quarantinedBy.set(q.object, (quarantinedBy.get(q.object) ?? 0) + 1);
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
