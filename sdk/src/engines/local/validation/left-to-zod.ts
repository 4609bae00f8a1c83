/**
 * The diagnosis of rows zod accepted that SQL had left to it: which field's condition refused
 * each (or the row's JSON text), so the run can say what to change to keep them on the fast path.
 */
import { printSql } from '../../../sql/dialects.js';
import type { FromItem, SqlExpr } from '../../../sql/sql-node.js';
import { agg, as, caseWhen, col, eq, lit, select, table } from '../../../sql/sql-builders.js';
import type { CompiledChecks } from '../../../quality/compile-checks.js';
import type { SqlRunner } from '../../../quality/sql-runner.js';
import { REJECTED_TABLE } from './rejected-rows.js';
import { POSITION_COLUMN_NAMES } from './valid-rows-sql.js';

/** A reason SQL did not read rows that zod then accepted: a field (or `(row)`), how many, an example. */
export interface LeftToZod {
  readonly field: string;
  readonly rows: number;
  readonly example?: string;
}

/**
 * Why SQL did not read the rows zod then accepted — the rows that cost zod's time without being
 * wrong, and what to change about them: per field whose own condition refused them (a date-time
 * form, a check it cannot run), or `(row)` for JSON text the fast path does not read (escapes,
 * hand-written whitespace, repeated keys), the number of rows and the smallest value as an
 * example. Runs the compiled layers again over just those rows (still in the rejected table;
 * `acceptedIn` holds zod's accepted rows by `_row_id`). Largest first.
 *
 * @example
 * ```ts
 * await leftToZod(run, checks, 'valid_rows') // [{ field: 'ts', rows: 12, example: '2024-01-01T10:00:00.123456Z' }]
 * ```
 */
export async function leftToZod(run: SqlRunner, checks: CompiledChecks, acceptedIn: string): Promise<LeftToZod[]> {
  const accepted = select([{ expr: { kind: 'star', table: 'r' } }], {
    from: table(REJECTED_TABLE, 'r'),
    joins: [{ type: 'inner', from: table(acceptedIn, 'a'), on: eq(col('_row_id', 'r'), col('_row_id', 'a')) }],
  });
  let source: FromItem = { kind: 'subquery', query: accepted, alias: 'l' };
  checks.layers.forEach((items, i) => {
    source = { kind: 'subquery', query: select([...POSITION_COLUMN_NAMES.map((n) => ({ expr: col(n) })), ...items], { from: source }), alias: `l${i}` };
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
