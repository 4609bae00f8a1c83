/**
 * Row transforms over the valid rows: `derive` compiles to SQL (vectorised), `map` runs the
 * user's function per row in JS. A row whose map function throws is quarantined with the
 * error, so the conservation law still holds.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScalarType } from '../../plan/expression-node.js';
import type { DeriveNode } from '../../plan/transform-node.js';
import { printerFor, printSql } from '../../sql/dialects.js';
import { as, col, select, table } from '../../sql/sql-builders.js';
import type { SqlExpr } from '../../sql/sql-node.js';
import { EngineError } from '../../errors.js';
import { writeMapOutput } from './map-output-table.js';
import { mapReturnedValuesCheck, type KnownColumnTypes } from '../../pipeline/map-returned-types.js';
import { inUtc } from './utc-time-zone.js';

/** Columns that carry source position through every stage. */
const POSITION_COLUMNS = ['_row_id', '_object', '_line'] as const;

export interface MapFailure {
  readonly object: string;
  readonly line: number;
  readonly raw: string;
  readonly issues: readonly { path: (string | number)[]; code: string; message: string }[];
}

/**
 * The columns of a table, in order, with their DuckDB types.
 *
 * @example
 * ```ts
 * await connection.run('CREATE TABLE events (user_id VARCHAR, amount DOUBLE, ts TIMESTAMP)');
 * await describeTable(connection, 'events') // [{ name: 'user_id', type: 'VARCHAR' }, { name: 'amount', type: 'DOUBLE' }, { name: 'ts', type: 'TIMESTAMP' }]
 * ```
 */
export async function describeTable(connection: DuckDBConnection, name: string): Promise<{ name: string; type: string }[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${printerFor('duckdb').quoteIdentifier(name)}`);
  return reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/**
 * Replaces `tableName` with itself plus the derived columns (a derived column may replace one).
 * `stepPath` locates the step in the plan (`steps[3]`) for the error if DuckDB fails anyway.
 *
 * @example
 * ```ts
 * await applyDerive(connection, 'valid_rows', deriveNode, 'steps[3]');
 * ```
 * @throws EngineError `DERIVE_FAILED` naming `steps[i].derive.<column>` and its expression.
 */
export async function applyDerive(connection: DuckDBConnection, tableName: string, node: DeriveNode, stepPath: string): Promise<void> {
  const existing = await describeTable(connection, tableName);
  const derived = new Set(node.columns.map((c) => c.name));
  const items = [
    ...existing.filter((c) => !derived.has(c.name)).map((c) => as(col(c.name))),
    ...node.columns.map((c) => as(c.expression.node as SqlExpr, c.name)),
  ];
  const next = `${tableName}__derived`;
  try {
    await connection.run(printSql({ kind: 'createTableAs', name: next, orReplace: true, query: select(items, { from: table(tableName) }) }, 'duckdb'));
  } catch (error) {
    throw await deriveFailure(connection, tableName, node, stepPath, error);
  }
  await connection.run(`DROP TABLE ${printerFor('duckdb').quoteIdentifier(tableName)}`);
  await connection.run(`ALTER TABLE ${printerFor('duckdb').quoteIdentifier(next)} RENAME TO ${printerFor('duckdb').quoteIdentifier(tableName)}`);
}

/**
 * The error for a derive step DuckDB could not compute. Type-checked expressions give NULL
 * rather than fail on a value (see plan/expression-type-check.ts), so this is what is left,
 * e.g. BIGINT overflow: the column is found by computing each expression alone, so the message
 * names the one the user has to change.
 */
async function deriveFailure(connection: DuckDBConnection, tableName: string, node: DeriveNode, stepPath: string, error: unknown): Promise<EngineError> {
  const reason = (error as Error).message.split('\n')[0];
  let culprit: DeriveNode['columns'][number] | undefined;
  const probeTable = `${tableName}__derive_probe`;
  for (const column of node.columns) {
    // Materialised, because DuckDB skips computing an expression an aggregate does not need.
    const probe = select([as(column.expression.node as SqlExpr, 'v')], { from: table(tableName) });
    const failed = await connection.run(printSql({ kind: 'createTableAs', name: probeTable, orReplace: true, temporary: true, query: probe }, 'duckdb')).then(() => false, () => true);
    if (failed) {
      culprit = column;
      break;
    }
  }
  await connection.run(printSql({ kind: 'dropTable', name: probeTable, ifExists: true }, 'duckdb')).catch(() => undefined);
  const where = culprit ? `${stepPath}.derive.${culprit.name}` : `${stepPath}.derive`;
  const what = culprit ? `the expression ${JSON.stringify(culprit.expression.text)}` : 'this derive() step';
  return new EngineError(
    'DERIVE_FAILED',
    `${where}: DuckDB could not compute ${what} for every row (${reason}). A value that cannot be computed should give NULL, so please report this with the expression; until then, keep the value in range (e.g. CAST a large integer to double before multiplying), or guard it with CASE WHEN … THEN … END.`,
    { cause: error },
  );
}

/**
 * Runs a map function over every row of `tableName` and replaces the table with the results.
 * Rows come to the function as zod would have produced them: numbers as numbers, timestamps
 * as Dates. Returns the rows that leave the valid set — the function threw, returned no row
 * object, or returned a value not of its column's type — how many rows it returned, every key
 * they returned (`returnedKeys`), and those the known columns do not name (`undeclared`: not kept).
 * `types.known` (the column types the plan knows after this map, pipeline/map-returned-types.ts)
 * is what returned rows must fit and what their columns are stored as; `types.declared` (the
 * types of `.map(fn, { columns })`) types the columns no returned value can, such as every
 * column when no row reached the map.
 *
 * @example
 * ```ts
 * const { failures, returned } = await applyMap(connection, 'valid_rows', (row) => ({ ...row, domain: 'x.org' }), 'steps[2].map',
 *   { declared: { domain: 'string' }, known: { user_id: 'string', domain: 'string' } });
 * ```
 */
export async function applyMap(
  connection: DuckDBConnection,
  tableName: string,
  fn: (row: Record<string, unknown>) => unknown,
  stepPath: string,
  types: { readonly declared?: Readonly<Record<string, ScalarType>>; readonly known?: KnownColumnTypes } = {},
): Promise<{ failures: MapFailure[]; returned: number; returnedKeys: string[]; millis: number; undeclared: string[] }> {
  const started = performance.now();
  const columns = await describeTable(connection, tableName);
  const reader = await connection.runAndReadAll(`SELECT * FROM ${printerFor('duckdb').quoteIdentifier(tableName)} ORDER BY _row_id`);
  const rows = reader.getRowObjectsJS();
  const out: Record<string, unknown>[] = [];
  const failures: MapFailure[] = [];
  const misfit = types.known ? mapReturnedValuesCheck(types.known, stepPath) : undefined;
  // With known columns, a returned row is those columns: other keys are left out, as the event
  // stage (whose files hold the known columns) leaves them out, and named in the result.
  const undeclared = new Set<string>();
  /** Every key the kept rows returned, in order of first appearance (what the map-output check judges). */
  const returnedKeys = new Set<string>();
  const declaredOnly = (returned: Record<string, unknown>): Record<string, unknown> => {
    for (const key of Object.keys(returned)) returnedKeys.add(key);
    const known = types.known;
    if (!known) return returned;
    const kept: Record<string, unknown> = {};
    for (const key of Object.keys(returned)) {
      if (Object.hasOwn(known, key)) kept[key] = returned[key];
      else undeclared.add(key);
    }
    return kept;
  };
  // In UTC, as Lambda runs the same function: a Date built from zone-less text agrees.
  inUtc(() => {
    for (const row of rows) {
      const user: Record<string, unknown> = {};
      for (const c of columns) {
        if ((POSITION_COLUMNS as readonly string[]).includes(c.name)) continue;
        const value = row[c.name];
        user[c.name] = typeof value === 'bigint' ? Number(value) : value;
      }
      try {
        const result = fn(user);
        if (result === null || typeof result !== 'object' || Array.isArray(result)) {
          throw new Error(`map() must return an object (the new row); it returned ${Array.isArray(result) ? 'an array' : String(result)}`);
        }
        const issue = misfit?.(result as Record<string, unknown>);
        if (issue) failures.push({ object: String(row._object), line: Number(row._line), raw: JSON.stringify(user), issues: [{ ...issue, path: [...issue.path] }] });
        else out.push({ ...declaredOnly(result as Record<string, unknown>), _row_id: row._row_id, _object: row._object, _line: row._line });
      } catch (error) {
        failures.push({
          object: String(row._object),
          line: Number(row._line),
          raw: JSON.stringify(user),
          issues: [{ path: [], code: 'map_failed', message: `${stepPath}: ${(error as Error).message}` }],
        });
      }
    }
  });
  await writeMapOutput(connection, tableName, out, columns, types);
  return { failures, returned: out.length, returnedKeys: [...returnedKeys], millis: performance.now() - started, undeclared: [...undeclared] };
}
