/**
 * DuckDB text for one (time chunk, feature group) of a training set, using DuckDB's ASOF JOIN:
 * for each label, the feature row with the greatest `feature_ts <= ts`; if that row is not
 * newer than `ts - ttl`, no older row is either, so the features are nulled.
 *
 * Duplicated feature rows (same entity and feature_ts, e.g. a partition file that briefly
 * exists twice) are reduced to one first, choosing by every feature column ASC NULLS LAST —
 * the same rule the portable range-join form (`point-in-time-query.ts`) ranks by — because
 * ASOF JOIN itself picks an arbitrary one among equal keys.
 *
 * The AST has no ASOF join (Athena has none), so this is assembled here; every identifier and
 * literal still goes through the DuckDB printer's quoting.
 */
import { DuckDbPrinter } from '../../sql/duckdb-printer.js';
import type { ResolvedGroup, TimeChunk } from '../../retrieval/training-set-types.js';

const printer = new DuckDbPrinter();
const id = (name: string): string => printer.quoteIdentifier(name);

export interface AsofQueryInput {
  readonly labelsTable: string;
  readonly chunk: TimeChunk;
  readonly group: ResolvedGroup;
  /** The relation holding the group's feature rows for this chunk (`featureSourceViewSql`'s view). */
  readonly source: string;
  readonly ttlMs: number | null;
  /** The chunk's labels: `_sluice_row` positions `[first, last]` in the labels table. */
  readonly rowRange: readonly [number, number];
}

/**
 * @example
 * ```ts
 * await connection.run(featureSourceViewSql('g0_source', group, files));
 * await connection.runAndReadAll(asofChunkSql({ labelsTable: 'label_keys', chunk, group, source: 'g0_source', ttlMs, rowRange: [0, 999] }));
 * ```
 */
export function asofChunkSql(input: AsofQueryInput): string {
  const { group, chunk, ttlMs } = input;
  const all = group.tieBreakColumns;
  const featureList = [id('entity_id'), id('feature_ts'), ...all.map((f) => id(f.column))].join(', ');
  const lower = ttlMs === null ? undefined : chunk.minTsMs - ttlMs;
  const rangeFilter = [`${id('feature_ts')} <= ${printer.timestampLiteral(chunk.maxTsMs)}`];
  if (lower !== undefined) rangeFilter.push(`${id('feature_ts')} > ${printer.timestampLiteral(lower)}`);
  const tieBreak = all.length ? all.map((f) => `${id(f.column)} ASC NULLS LAST`).join(', ') : id('feature_ts');
  const value = (column: string): string =>
    ttlMs === null ? `${id('f')}.${id(column)}` : `CASE WHEN ${id('f')}.${id('feature_ts')} > ${id('l')}.${id('_sluice_lo')} THEN ${id('f')}.${id(column)} END`;
  return [
    `WITH ${id('l')} AS (`,
    `  SELECT ${id('_sluice_row')}, ${id('_sluice_entity')}, epoch_ms(CAST(${id('_sluice_ts_ms')} AS BIGINT)) AS ${id('_sluice_ts')}, epoch_ms(CAST(${id('_sluice_lo_ms')} AS BIGINT)) AS ${id('_sluice_lo')}`,
    `  FROM ${id(input.labelsTable)} WHERE ${id('_sluice_row')} BETWEEN ${input.rowRange[0]} AND ${input.rowRange[1]}`,
    `), ${id('f')} AS (`,
    `  SELECT ${featureList} FROM ${id(input.source)}`,
    `  WHERE ${rangeFilter.join(' AND ')}`,
    `  QUALIFY row_number() OVER (PARTITION BY ${id('entity_id')}, ${id('feature_ts')} ORDER BY ${tieBreak}) = 1`,
    `)`,
    `SELECT ${id('l')}.${id('_sluice_row')}${group.features.map((f) => `, ${value(f.column)} AS ${id(f.outputName)}`).join('')}`,
    // No ORDER BY: the engine places each result row by _sluice_row.
    `FROM ${id('l')} ASOF LEFT JOIN ${id('f')} ON ${id('l')}.${id('_sluice_entity')} = ${id('f')}.${id('entity_id')} AND ${id('l')}.${id('_sluice_ts')} >= ${id('f')}.${id('feature_ts')}`,
  ].join('\n');
}
