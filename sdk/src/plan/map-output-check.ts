/**
 * A `.map()` function is opaque: the builder cannot see which columns it keeps, and users who
 * do not type-check (JavaScript, `sluice run`) can drop a column a later step reads. DuckDB
 * would then fail deep inside the aggregation ("Referenced column "amount" not found"), and the
 * event stage would write Parquet without the column (or with it all null), from which the
 * Glue job computes zeros and nulls or fails inside Spark. This check names the map, the
 * missing columns and the step that needs them instead.
 *
 * It lives with the plan, not in a backend, because both backends make it: the local engine
 * over the table a map produced, the event stage over the rows a map returned for one object.
 * The need analysis reads the plan only, so a backend runs it once per definition. Neither
 * backend judges a map that returned no row (every row quarantined before it, or it threw on
 * each): it showed no columns, and nothing of it reaches the validated zone or the window.
 */
import { PlanError } from '../errors.js';
import { expressionColumns } from './expression-columns.js';
import type { PlanStep } from './pipeline-plan.js';

/** A column a later step reads, and where in the plan it is read. */
export interface ColumnNeed {
  readonly column: string;
  readonly at: string;
}

/**
 * Throws a PlanError at `steps[mapIndex].map` when the columns the map produced lack one that
 * a later step reads (derive expressions, the window's entity, timestamp, aggregated columns
 * and filters). Needs are followed up to the next map, whose own output is checked in turn;
 * a column a later derive() creates is not needed from the map.
 *
 * @example
 * ```ts
 * checkMapOutput(plan.steps, 2, (await describeTable(connection, 'valid_rows')).map((c) => c.name));
 * // PlanError MAP_DROPPED_COLUMNS at steps[2].map: … no column "amount", which steps[3].window.features.spend reads …
 * ```
 */
export function checkMapOutput(steps: readonly PlanStep[], mapIndex: number, outputColumns: readonly string[]): void {
  const problem = mapOutputProblem(steps, mapIndex, outputColumns);
  if (problem) throw problem;
}

/**
 * The result-returning form of `checkMapOutput`: the PlanError it would throw, or undefined.
 * The event stage does not throw it — one object's rows are not the whole pipeline's — but
 * quarantines the object with its message.
 *
 * @example
 * ```ts
 * const problem = mapOutputProblem(plan.steps, 2, ['user_id', 'ts']);
 * if (problem) quarantineObject(`${problem.code}: ${problem.message}`);
 * ```
 */
export function mapOutputProblem(steps: readonly PlanStep[], mapIndex: number, outputColumns: readonly string[]): PlanError | undefined {
  const present = new Set(outputColumns);
  const missing = columnsNeededAfterMap(steps, mapIndex).filter((need) => !present.has(need.column));
  if (missing.length === 0) return undefined;
  const byColumn = new Map<string, string[]>();
  for (const need of missing) byColumn.set(need.column, [...(byColumn.get(need.column) ?? []), need.at]);
  const list = [...byColumn].map(([column, at]) => `"${column}" (read by ${at.join(', ')})`).join(', ');
  const names = [...byColumn.keys()];
  return new PlanError(
    'MAP_DROPPED_COLUMNS',
    `steps[${mapIndex}].map`,
    `The rows this map() returns have no column ${list}. Return ${names.length > 1 ? 'those columns' : 'that column'} from the function — ` +
      `spread the input row to keep every column, e.g. (row) => ({ ...row, ${names[0]}: row.${names[0]} }) — or change the later steps so they do not read ${names.length > 1 ? 'them' : 'it'}. ` +
      `The map returned: ${outputColumns.filter((c) => !c.startsWith('_')).join(', ') || '(no columns)'}.`,
  );
}

/**
 * The columns the steps after `steps[mapIndex]` (up to the next map) read from the map's
 * output, each with where it is read; empty when nothing after the map reads a column.
 *
 * @example
 * ```ts
 * columnsNeededAfterMap(plan.steps, 2).map((n) => n.column); // ['user_id', 'ts', 'amount', 'kind']
 * ```
 */
export function columnsNeededAfterMap(steps: readonly PlanStep[], mapIndex: number): ColumnNeed[] {
  const needs: ColumnNeed[] = [];
  const derived = new Set<string>();
  const need = (column: string, at: string): void => {
    if (!derived.has(column)) needs.push({ column, at });
  };
  for (let i = mapIndex + 1; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.kind === 'map') break;
    if (step.kind === 'derive') {
      // Expressions of one derive() see the columns from before it, side by side.
      for (const c of step.columns) for (const column of expressionColumns(c.expression.node)) need(column, `steps[${i}].derive.${c.name}`);
      for (const c of step.columns) derived.add(c.name);
    } else if (step.kind === 'window') {
      need(step.entity, `steps[${i}].window.entity`);
      need(step.timestamp, `steps[${i}].window.timestamp`);
      for (const [name, feature] of Object.entries(step.features)) {
        if (feature.column !== undefined) need(feature.column, `steps[${i}].window.features.${name}`);
        if (feature.where) for (const column of expressionColumns(feature.where.node)) need(column, `steps[${i}].window.features.${name}.where`);
      }
    }
  }
  return needs;
}
