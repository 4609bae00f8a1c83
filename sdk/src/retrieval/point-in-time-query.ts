/**
 * The point-in-time join as one SQL AST, printable for every dialect (Athena has no ASOF
 * JOIN, so this is the portable form; the local engine prints it too when asked for the
 * `range` strategy, which is how the two dialects are checked against each other):
 *
 *   per group: a lookback-bounded range join
 *     feature.entity_id = label.entity AND feature_ts <= label.ts AND feature_ts > label.ts - ttl
 *   ranked per label row by feature_ts DESC, then every feature column ASC NULLS LAST
 *   (so transiently duplicated rows — same entity and feature_ts — resolve the same way
 *   everywhere), and the rank-1 row LEFT JOINed back to the labels: every label row exactly once.
 *
 * Labels enter as `(_sluice_row, _sluice_entity, _sluice_ts_ms, _sluice_lo_ms)`: integers and
 * one string, never the user's label columns.
 */
import { and, as, asc, bin, cast, col, eq, fn, lit, or, select } from '../sql/sql-builders.js';
import type { FromItem, Join, OrderItem, Query, SqlExpr } from '../sql/sql-node.js';
import type { LabelKeys, ResolvedFeature } from './training-set-types.js';

export const LABEL_COLUMNS = ['_sluice_row', '_sluice_entity', '_sluice_ts_ms', '_sluice_lo_ms'] as const;

export interface GroupRelation {
  /** Where the group's feature rows come from (a table, `read_parquet([...])`, a subquery). */
  readonly source: FromItem;
  /** Partition predicate on the source (Athena: the `dt` ranges). */
  readonly where?: SqlExpr;
  readonly features: readonly ResolvedFeature[];
  readonly tieBreakColumns: readonly ResolvedFeature[];
}

export interface PointInTimeQueryInput {
  readonly labels: FromItem;
  readonly groups: readonly GroupRelation[];
  readonly bounded: boolean;
  /** ORDER BY the label row (for display and DuckDB); UNLOAD does not need it. */
  readonly ordered: boolean;
}

/**
 * @example
 * ```ts
 * printSql(pointInTimeQuery({ labels: table('labels'), groups, bounded: true, ordered: true }), 'trino')
 * ```
 */
export function pointInTimeQuery(input: PointInTimeQueryInput): Query {
  const ctes: { name: string; query: Query }[] = [
    {
      name: 'labels',
      query: select(
        [
          as(col('_sluice_row'), '_sluice_row'),
          as(col('_sluice_entity'), '_sluice_entity'),
          as(fn('timestamp_from_ms', col('_sluice_ts_ms')), '_sluice_ts'),
          as(fn('timestamp_from_ms', col('_sluice_lo_ms')), '_sluice_lo'),
        ],
        { from: input.labels },
      ),
    },
  ];
  const joins: Join[] = [];
  const outputs = [as(col('_sluice_row', 'l'), '_sluice_row')];
  input.groups.forEach((g, gi) => {
    const rows = `g${gi}_rows`;
    const match = `g${gi}_match`;
    const m = `m${gi}`;
    ctes.push({
      name: rows,
      query: select(
        [as(col('entity_id'), 'entity_id'), as(col('feature_ts'), 'feature_ts'), ...g.tieBreakColumns.map((f) => as(col(f.column), f.column))],
        g.where ? { from: g.source, where: g.where } : { from: g.source },
      ),
    });
    const on = [eq(col('entity_id', 'f'), col('_sluice_entity', 'l')), bin('<=', col('feature_ts', 'f'), col('_sluice_ts', 'l'))];
    if (input.bounded) on.push(bin('>', col('feature_ts', 'f'), col('_sluice_lo', 'l')));
    const rank: OrderItem[] = [
      { expr: col('feature_ts', 'f'), desc: true },
      ...g.tieBreakColumns.map((f): OrderItem => ({ expr: col(f.column, 'f'), nullsFirst: false })),
    ];
    ctes.push({
      name: match,
      query: select(
        [
          as(col('_sluice_row', 'l'), '_sluice_row'),
          ...g.features.map((f) => as(col(f.column, 'f'), f.outputName)),
          as({ kind: 'over', fn: { kind: 'ranking', fn: 'row_number' }, partitionBy: [col('_sluice_row', 'l')], orderBy: rank }, '_sluice_rank'),
        ],
        { from: { kind: 'table', name: 'labels', alias: 'l' }, joins: [{ type: 'inner', from: { kind: 'table', name: rows, alias: 'f' }, on: and(...on) }] },
      ),
    });
    joins.push({
      type: 'left',
      from: { kind: 'table', name: match, alias: m },
      on: and(eq(col('_sluice_row', m), col('_sluice_row', 'l')), eq(col('_sluice_rank', m), lit(1))),
    });
    for (const f of g.features) outputs.push(as(col(f.outputName, m), f.outputName));
  });
  return select(outputs, {
    ctes,
    from: { kind: 'table', name: 'labels', alias: 'l' },
    joins,
    ...(input.ordered ? { orderBy: [asc(col('_sluice_row', 'l'))] } : {}),
  });
}

/**
 * Inline labels as `VALUES` (small label sets only: every row becomes query text).
 *
 * @example
 * ```ts
 * labelValues({ count: 1, entity: ['u1'], tsMs: Float64Array.of(1704448800000) }, [0], 86_400_000)
 * // { kind: 'values', alias: 'label_keys', columns: ['_sluice_row', '_sluice_entity', '_sluice_ts_ms', '_sluice_lo_ms'], rows: [[…]] }, printed as
 * // (VALUES (CAST(0 AS BIGINT), CAST('u1' AS VARCHAR), CAST(1704448800000 AS BIGINT), CAST(1704362400000 AS BIGINT))) AS "label_keys"("_sluice_row", …)
 * ```
 */
export function labelValues(keys: LabelKeys, rows: readonly number[], ttlMs: number | null): FromItem {
  return {
    kind: 'values',
    alias: 'label_keys',
    columns: [...LABEL_COLUMNS],
    rows: rows.map((i) => {
      const ts = keys.tsMs[i]!;
      return [
        cast(lit(i), 'bigint'),
        cast(lit(keys.entity[i] ?? null), 'string'),
        cast(lit(ts), 'bigint'),
        cast(lit(ttlMs === null ? null : ts - ttlMs), 'bigint'),
      ];
    }),
  };
}

/**
 * `dt BETWEEN a AND b OR …` for the pruned ranges (`from` undefined = no lower bound).
 *
 * @example
 * ```ts
 * printExpr(dtRangePredicate([{ from: '2024-01-01', to: '2024-01-07' }, { from: undefined, to: '2023-12-01' }]), 'trino')
 * // (("dt" BETWEEN '2024-01-01' AND '2024-01-07') OR ("dt" <= '2023-12-01'))
 * printExpr(dtRangePredicate([]), 'trino') // 'FALSE'
 * ```
 */
export function dtRangePredicate(ranges: readonly { from: string | undefined; to: string }[]): SqlExpr {
  if (ranges.length === 0) return lit(false);
  return or(
    ...ranges.map((r): SqlExpr =>
      r.from === undefined
        ? bin('<=', col('dt'), lit(r.to))
        : { kind: 'between', operand: col('dt'), low: lit(r.from), high: lit(r.to), negated: false },
    ),
  );
}
