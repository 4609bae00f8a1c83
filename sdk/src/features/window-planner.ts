/**
 * Compiles a WindowNode into one SQL query (AST) computing DESIGN §4 exactly:
 * boundaries t = j·every (Unix-epoch aligned); the window of length w = k·every at t covers
 * t - w <= ts < t, i.e. the buckets b = floor(ts / every) with j - k <= b <= j - 1; one row
 * per (entity, t) for every t at which any window is non-empty (an event in bucket b makes
 * the rows j = b + 1 … b + K non-empty, K = the longest window in buckets), and one more at
 * the first boundary after those, where every window is empty: counts 0, means null. That row
 * is what a point-in-time lookup finds after an entity goes quiet; without it the lookup
 * would carry the last non-empty row (a 7-day count of 1) forward for the whole ttl.
 *
 * The shape is chosen for speed (it must keep up with hand-written DuckDB SQL on millions of
 * rows):
 *   __rows, __src  one pass over the input: entity as text, bucket index, one value column per
 *                  distinct (column, filter) — `.where()` folds into the value as CASE WHEN
 *                  (exact count_distinct reads the input again for its distinct values: see
 *                  window-distinct.ts; the approximate one, where the dialect has sketches,
 *                  is a partial like the others: see window-sketch-distinct.ts)
 *   __parts        partial states GROUP BY (entity, bucket): the only aggregation over all rows
 *   __placed, __shifted
 *                  (stddev only) the partials with their island, and stddev's per-island shift
 *                  and scale
 *   __gaps, __islands, __ranges
 *                  an entity's buckets split into islands wherever two consecutive buckets are
 *                  more than K apart; an island's rows are exactly j = lo + 1 … hi + K + 1
 *                  (all non-empty but the last, where every window is empty), and no window
 *                  reaches across islands (the next island's rows start at its lo + 1 > hi + K + 1)
 *   __grid         those rows, generated with unnest(generate_bigint_series(...)) — a lateral
 *                  unnest, which each printer spells (Spark: LATERAL VIEW explode(sequence()))
 *   __dense        the grid LEFT JOIN the partials of bucket j - 1 (and count_distinct deltas)
 *   __win          partials combined with `ROWS BETWEEN k-1 PRECEDING AND CURRENT ROW` frames
 *                  per (entity, island) ordered by j: the grid is dense inside an island
 *   final          entity_id, feature_ts, <feature>_<window> in spec order
 * Time arithmetic is on epoch milliseconds (BIGINT), so no dialect's interval syntax is needed.
 *
 * Rows whose entity or timestamp is null are skipped: they belong to no entity or no
 * boundary (validation normally rejects them before this stage).
 */
import type { WindowNode } from '../plan/window-node.js';
import type { AggregateExpr, Query, SelectItem, SqlExpr } from '../sql/sql-node.js';
import type { Dialect } from '../sql/sql-printer.js';
import { printerFor } from '../sql/dialects.js';
import { and, as, asc, bin, cast, caseWhen, col, eq, fn, isNull, lit, select, table } from '../sql/sql-builders.js';
import { durationMs } from '../plan/duration.js';
import { canonicalJson } from '../plan/canonical-json.js';
import { renameColumns, shareEqualColumns } from './shared-columns.js';
import { featureColumnName, featureColumnType } from './feature-naming.js';
import { derivedColumns } from './derived-features.js';
import { featureStages, over, type FeatureStages, type Named } from './window-partials.js';
import { planDistinct, type DistinctPlan } from './window-distinct.js';
import { sketchDistinctStages, sketchInput } from './window-sketch-distinct.js';

/** Where the window reads its rows from. */
export interface WindowInput {
  /** A table (or view) holding the entity, timestamp and aggregated columns. */
  readonly table: string;
  /** Columns giving the source order of rows (object key, then line), for first/last ties. */
  readonly orderColumns: readonly string[];
}

/** How the query will be run. */
export interface WindowPlanOptions {
  /**
   * The dialect the query is printed for (default `duckdb`). It decides one thing: where the
   * engine has mergeable distinct-count sketches (spark, trino), `countDistinct(col, {
   * approximate: true })` merges per-bucket HyperLogLog sketches; elsewhere (DuckDB) it is
   * counted exactly, with the same plan as `countDistinct(col)`.
   */
  readonly dialect?: Dialect;
  /**
   * Order the feature rows by entity and time (default true). False leaves them in no
   * particular order, for a consumer that sorts them itself: the local feature-store writer
   * sorts each partition as it writes it, and a sort of every feature row before that was a
   * fifth of the flights benchmark's feature query (~40 of ~200 ms).
   */
  readonly ordered?: boolean;
}

/**
 * Plans the feature query of a window node, for the dialect in `options` (default duckdb).
 *
 * @example
 * ```ts
 * const query = planWindowQuery(node, { table: 'valid_rows', orderColumns: ['_object', '_line'] });
 * printSql({ kind: 'createTableAs', name: 'feature_rows', query }, 'duckdb');
 * printSql(planWindowQuery(node, { table: 'valid_rows', orderColumns: ['_object', '_line'] }, { dialect: 'spark' }), 'spark');
 * ```
 */
export function planWindowQuery(node: WindowNode, input: WindowInput, options: WindowPlanOptions = {}): Query {
  const sketches = printerFor(options.dialect ?? 'duckdb').hasDistinctSketches;
  const every = durationMs(node.every);
  const ks = node.windows.map((w) => durationMs(w) / every);
  const K = Math.max(...ks);
  const features = Object.entries(node.features);
  const entity = cast(col(node.entity), 'string');
  const ts = col(node.timestamp);
  const usable = and(isNull(col(node.entity), true), isNull(ts, true));

  // The distinct (entity, bucket, value) of one value expression, read straight from the
  // input: sharing the row-level __src CTE would make DuckDB materialise millions of rows.
  const distinctValues = (value: SqlExpr): Query =>
    select([as(col('__e')), as(fn('floor_div', col('__ms'), lit(every)), '__b'), as(col('__v'))], {
      distinct: true,
      from: {
        kind: 'subquery',
        alias: '__r',
        query: select([as(entity, '__e'), as(fn('epoch_ms', ts), '__ms'), as(value, '__v')], { from: table(input.table), where: and(usable, isNull(value, true)) }),
      },
    });

  // ---- one value column per distinct (column, filter, cast) ----
  const values = new Map<string, { alias: string; expr: SqlExpr }>();
  const valueFor = (expr: SqlExpr): string => {
    const key = canonicalJson(expr);
    let entry = values.get(key);
    if (!entry) {
      entry = { alias: `__v${values.size}`, expr };
      values.set(key, entry);
    }
    return entry.alias;
  };
  const needsOrder = features.some(([, a]) => a.fn === 'first' || a.fn === 'last');
  const orderAliases = needsOrder ? input.orderColumns.map((_, n) => `__o${n}`) : [];
  // first/last: time, then source order, compared as one row value inside min_by/max_by.
  const orderKey: SqlExpr = orderAliases.length ? { kind: 'row', items: [col('__ms'), ...orderAliases.map((a) => col(a))] } : col('__ms');
  const stages: FeatureStages[] = [];
  const distinct: DistinctPlan[] = [];
  features.forEach(([, aggregation], i) => {
    // Plan expressions are a structural subset of SQL expressions: the parsed node drops in as is.
    const where: SqlExpr | undefined = aggregation.where?.node;
    let valueExpr: SqlExpr | undefined;
    if (aggregation.column === undefined) {
      valueExpr = where === undefined ? undefined : caseWhen([{ when: where, then: lit(1) }]);
    } else {
      const numericResult = featureColumnType(aggregation) === 'double' && aggregation.fn !== 'first' && aggregation.fn !== 'last';
      const base = numericResult ? cast(col(aggregation.column), 'double') : col(aggregation.column);
      valueExpr = where === undefined ? base : caseWhen([{ when: where, then: base }]);
    }
    const value = valueExpr === undefined || aggregation.fn === 'count_distinct' ? undefined : valueFor(valueExpr);
    if (aggregation.fn === 'count_distinct' && aggregation.approximate === true && sketches) {
      stages.push(sketchDistinctStages(i, valueFor(sketchInput(valueExpr!, aggregation.valueType))));
    } else if (aggregation.fn === 'count_distinct') {
      const plan = planDistinct(i, distinctValues(valueExpr!), ks);
      distinct.push(plan);
      stages.push(plan.stages);
    } else {
      stages.push(featureStages(aggregation, i, value, orderKey));
    }
  });

  // ---- __rows, __src: one pass over the input ----
  const rowColumns: SelectItem[] = [as(entity, '__e'), as(fn('epoch_ms', ts), '__ms')];
  for (const { alias, expr } of values.values()) rowColumns.push(as(expr, alias));
  input.orderColumns.forEach((c, n) => {
    if (needsOrder) rowColumns.push(as(col(c), orderAliases[n]));
  });
  const rows = select(rowColumns, { from: table(input.table), where: usable });
  const passThrough = [...values.values()].map((v) => as(col(v.alias)));
  const src = select(
    [as(col('__e')), as(fn('floor_div', col('__ms'), lit(every)), '__b'), ...passThrough, ...(needsOrder ? [as(col('__ms')), ...orderAliases.map((a) => as(col(a)))] : [])],
    { from: table('__rows') },
  );

  // ---- __parts: partial states per (entity, bucket) ----
  // Features that need the same partial (Σamount for sum and mean) share one (shared-columns.ts).
  const { kept: partials, renames: partialRenames } = shareEqualColumns(stages.flatMap((s) => s.partials));
  const parts = select([as(col('__e')), as(col('__b')), ...partials.map((n) => as(n.expr, n.alias))], {
    from: table('__src'),
    groupBy: [col('__e'), col('__b')],
  });
  const shared = shareEqualColumns(stages.flatMap((s) => s.shifted ?? []).map((n) => ({ alias: n.alias, expr: renameColumns(n.expr, partialRenames) })));
  const shifted: Named[] = shared.kept;
  const beforeWindows = new Map([...partialRenames, ...shared.renames]);
  const partsTable = shifted.length ? '__shifted' : '__parts';
  const partsColumns = [...partials, ...shifted].map((n) => n.alias);

  // ---- islands of buckets and the boundary grid ----
  const previous = over({ kind: 'agg', fn: 'max', args: [col('__b')] }, [col('__e')], [col('__b')], { mode: 'rows', start: -1, end: -1 });
  const gaps = select(
    [as(col('__e')), as(col('__b')), as(caseWhen([{ when: bin('<=', bin('-', col('__b'), previous), lit(K)), then: lit(0) }], lit(1)), '__new')],
    { from: table('__parts') },
  );
  const islands = select(
    [as(col('__e')), as(col('__b')), as(over({ kind: 'agg', fn: 'sum', args: [col('__new')] }, [col('__e')], [col('__b')], { mode: 'rows', start: null, end: 0 }), '__island')],
    { from: table('__gaps') },
  );
  const ranges = select(
    [as(col('__e')), as(col('__island')), as({ kind: 'agg', fn: 'min', args: [col('__b')] }, '__lo'), as({ kind: 'agg', fn: 'max', args: [col('__b')] }, '__hi')],
    { from: table('__islands'), groupBy: [col('__e'), col('__island')] },
  );
  const grid = select([as(col('__e', 'r')), as(col('__island', 'r')), as(col('__j', 'g'))], {
    from: table('__ranges', 'r'),
    joins: [{
      type: 'cross',
      from: {
        kind: 'tableFunction',
        name: 'unnest',
        args: [fn('generate_bigint_series', bin('+', col('__lo', 'r'), lit(1)), bin('+', col('__hi', 'r'), lit(K + 1)), lit(1))],
        alias: 'g',
        columnAliases: ['__j'],
      },
    }],
  });

  // ---- __dense: the grid with bucket j - 1's partials and the distinct deltas at j ----
  const dense = select(
    [
      as(col('__e', 'g')), as(col('__island', 'g')), as(col('__j', 'g')),
      ...partsColumns.map((c) => as(col(c, 'p'))),
      ...distinct.flatMap((d, n) => d.columns.map((c) => as(col(c, `d${n}`)))),
    ],
    {
      from: table('__grid', 'g'),
      joins: [
        { type: 'left', from: table(partsTable, 'p'), on: and(eq(col('__e', 'p'), col('__e', 'g')), eq(col('__b', 'p'), bin('-', col('__j', 'g'), lit(1)))) },
        ...distinct.map((d, n) => ({ type: 'left' as const, from: table(d.table, `d${n}`), on: and(eq(col('__e', `d${n}`), col('__e', 'g')), eq(col('__j', `d${n}`), col('__j', 'g'))) })),
      ],
    },
  );

  // ---- __win: partials combined over k-bucket frames ----
  const frameOver = (k: number) => (aggregate: Parameters<typeof over>[0]) =>
    k === 1 && isOneRowIdentity(aggregate)
      ? aggregate.args[0]!
      : over(aggregate, [col('__e'), col('__island')], [col('__j')], { mode: 'rows', start: -(k - 1), end: 0 });
  // The same sums over the same frames, once (shared-columns.ts).
  const { kept: windowed, renames: windowRenames } = shareEqualColumns(
    stages.flatMap((s) => ks.flatMap((k) => s.windowed(k, frameOver(k)))).map((n) => ({ alias: n.alias, expr: renameColumns(n.expr, beforeWindows) })),
  );
  const win = select([as(col('__e')), as(col('__j')), ...windowed.map((n) => as(n.expr, n.alias))], { from: table('__dense') });

  // ---- the feature rows ----
  const outputs: SelectItem[] = [
    as(col('__e'), 'entity_id'),
    as(fn('timestamp_from_ms', bin('*', col('__j'), lit(every))), 'feature_ts'),
  ];
  features.forEach(([name], i) => {
    node.windows.forEach((w, m) => outputs.push(as(renameColumns(stages[i]!.final(ks[m]!), windowRenames), featureColumnName(name, w))));
  });

  const ctes: { name: string; query: Query }[] = [
    { name: '__rows', query: rows },
    { name: '__src', query: src },
    { name: '__parts', query: parts },
    { name: '__gaps', query: gaps },
    { name: '__islands', query: islands },
    { name: '__ranges', query: ranges },
    ...(shifted.length ? shiftedStages(shifted) : []),
    { name: '__grid', query: grid },
    ...distinct.flatMap((d) => d.ctes),
    { name: '__dense', query: dense },
    { name: '__win', query: win },
  ];
  const orderBy = options.ordered === false ? {} : { orderBy: [asc(col('entity_id')), asc(col('feature_ts'))] };
  const derived = derivedColumns(node);
  if (derived.length === 0) return select(outputs, { ctes, from: table('__win'), ...orderBy });
  // Derived features read the finished feature columns (a select list cannot refer to its own
  // aliases in every dialect): one more projection over them.
  const derivedOutputs = derived.map((d) => {
    // Numbers are pinned to the stored type (Spark's hour() or length() is an INT, DuckDB's a BIGINT).
    const value = d.expression as SqlExpr;
    return as(d.type === 'bigint' || d.type === 'double' ? cast(value, d.type) : value, d.name);
  });
  return select([...outputs.map((o) => as(col(o.alias!), o.alias)), ...derivedOutputs], {
    ctes: [...ctes, { name: '__features', query: select(outputs, { from: table('__win') }) }],
    from: table('__features'),
    ...orderBy,
  });
}

/**
 * The partials with their island, then the columns computed per (entity, island) over them
 * (stddev's shift and scale): no window spans two islands, so an island is the widest
 * reference a window's values can need.
 */
function shiftedStages(shifted: readonly Named[]): { name: string; query: Query }[] {
  const placed = select([as({ kind: 'star', table: 'p' }), as(col('__island', 'i'))], {
    from: table('__parts', 'p'),
    joins: [{ type: 'inner', from: table('__islands', 'i'), on: and(eq(col('__e', 'i'), col('__e', 'p')), eq(col('__b', 'i'), col('__b', 'p'))) }],
  });
  return [
    { name: '__placed', query: placed },
    { name: '__shifted', query: select([as({ kind: 'star' }), ...shifted.map((n) => as(n.expr, n.alias))], { from: table('__placed') }) },
  ];
}

/**
 * Whether a window aggregate over a one-row frame is just its argument: sum, min and max of one
 * value are that value (NULL stays NULL). A window as long as the cadence covers one bucket,
 * and engines still run a windowed aggregate per row for it (on flights-3m, the three 1d
 * windows cost ~20 ms of a 190 ms feature query). min_by/max_by are not: over one row they
 * give NULL when the key is NULL although the value is not.
 */
function isOneRowIdentity(aggregate: Parameters<typeof over>[0]): aggregate is AggregateExpr {
  return aggregate.kind === 'agg' && (aggregate.fn === 'sum' || aggregate.fn === 'min' || aggregate.fn === 'max') && aggregate.filter === undefined && aggregate.args.length === 1;
}
