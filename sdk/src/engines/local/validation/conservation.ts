/**
 * Rows in = rows valid + rows quarantined, per object and overall, checked before a run reports
 * its counts.
 */
import { EngineError } from '../../../errors.js';
import { printSql } from '../../../sql/dialects.js';
import { agg, as, col, select, table } from '../../../sql/sql-builders.js';
import type { RowCounts } from '../../../quality/quarantine.js';
import type { SqlRunner } from '../../../quality/sql-runner.js';

/**
 * The conservation law, object by object: rows in = valid + quarantined, or the run stops with
 * the object named (a lost or duplicated row is a sluice bug, never something to go on past).
 *
 * @example
 * ```ts
 * const { counts, perObject } = await conservation(run, 'raw_rows', 'valid_rows', quarantined.countsByObject());
 * ```
 */
export async function conservation(
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
