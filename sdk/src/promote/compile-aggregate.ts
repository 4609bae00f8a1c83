/**
 * The aggregate stage as one SQL text, compiled from the plan: the window planner's query
 * (dialect-neutral AST) printed for the engine that runs it — Spark for the Glue job.
 */
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { planWindowQuery } from '../features/window-planner.js';
import { printSql } from '../sql/dialects.js';
import type { Dialect } from '../sql/sql-printer.js';
import type { Query } from '../sql/sql-node.js';
import { aggregateSteps } from '../features/glue-catalog-names.js';
import { INPUT_VIEW } from './glue-job-arguments.js';

/**
 * Lineage columns the event stage writes into every validated-zone row (object URI, line, and
 * the record's place among those starting on that line): the source order that breaks
 * first/last ties, as a local run's row order does. `_line_index` tells apart records that
 * share a line (JSON back to back, an array on one line); zones written before it existed read
 * it as null (the Glue driver adds it when no file has it), and keep ordering by line.
 */
export const VALIDATED_ORDER_COLUMNS = ['_object', '_line', '_line_index'] as const;

/**
 * Compiles the plan's window into SQL over the view `valid_rows` (the Glue driver registers
 * the validated zone under that name), returning `entity_id, feature_ts, <feature>_<window>…`.
 *
 * @example
 * ```ts
 * const sql = compileAggregateSql(engagement.definition, 'spark');
 * // 'WITH `__rows` AS (SELECT ... FROM `valid_rows` ...) SELECT ... AS `entity_id`, ...'
 * ```
 * @throws PlanError `NOT_PROMOTABLE` when the plan has no aggregate step or no feature store.
 */
export function compileAggregateSql(definition: Pick<PipelineDefinition, 'plan'>, dialect: Dialect = 'spark'): string {
  const { window } = aggregateSteps(definition.plan);
  const query = planWindowQuery(window, { table: INPUT_VIEW, orderColumns: VALIDATED_ORDER_COLUMNS }, { dialect });
  // In Spark a final ORDER BY is a global sort (a full shuffle) whose order the partitioned
  // write discards; the Glue driver sorts within each dt partition instead.
  const unsorted: Query = dialect === 'spark' && query.kind === 'select' ? { ...query, orderBy: [] } : query;
  return printSql(unsorted, dialect);
}
