import { PlanError } from '../../errors.js';
import type { ColumnDescription } from '../describe-schema.js';

/**
 * The named column, or a PlanError that lists the columns there are.
 *
 * @example
 * ```ts
 * requireColumn(describeSchema(Event).columns, 'event_id', 'validate.gates.unique[0]')
 * ```
 */
export function requireColumn(columns: readonly ColumnDescription[], name: string, path: string): ColumnDescription {
  const column = columns.find((c) => c.name === name);
  if (!column) {
    throw new PlanError('UNKNOWN_GATE_COLUMN', path, `The gate names the column "${name}", which the schema does not have. Columns: ${columns.map((c) => c.name).join(', ')}.`);
  }
  return column;
}
