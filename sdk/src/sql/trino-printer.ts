/**
 * Trino (Athena engine v3). Differences from the default printer are small: type names, the
 * internal time functions, `UNNEST`, and no QUALIFY (the base printer throws; planners wrap a
 * subquery instead).
 *
 * Time arithmetic avoids `from_unixtime` / `to_unixtime`: both pass through `timestamp with
 * time zone` and doubles, so they depend on the session time zone and round. `date_add` /
 * `date_diff` in milliseconds against the epoch literal stay in plain `timestamp`, exact.
 */
import type { PortableFunction } from '../plan/expression-node.js';
import type { AggregateExpr, FromItem, SqlType } from './sql-node.js';
import { localOnlyFunctions, SqlPrinter, type FunctionSpellings } from './sql-printer.js';

const EPOCH = "TIMESTAMP '1970-01-01 00:00:00.000'";

/**
 * Prints the SQL AST for Trino / Athena.
 *
 * @example
 * ```ts
 * new TrinoPrinter().expr(fn('epoch_ms', col('ts'))) // "date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', \"ts\")"
 * ```
 */
export class TrinoPrinter extends SqlPrinter {
  readonly dialect = 'trino' as const;
  override readonly hasDistinctSketches = true;

  protected readonly typeNames: Record<SqlType, string> = {
    string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE',
  };

  protected readonly functions: FunctionSpellings = {
    ...localOnlyFunctions('trino'),
    epoch_ms: ([t]) => `date_diff('millisecond', ${EPOCH}, ${t})`,
    timestamp_from_ms: ([ms]) => `date_add('millisecond', CAST(${ms} AS BIGINT), ${EPOCH})`,
    date_string: ([t]) => `date_format(${t}, '%Y-%m-%d')`,
    // Trino's integer `/` truncates toward zero: subtract the positive remainder first.
    floor_div: ([a, b]) => `((${a} - (((${a} % ${b}) + ${b}) % ${b})) / ${b})`,
    regexp_full_match: ([s, p]) => `regexp_like(${s}, '^(?:' || ${p} || ')$')`,
    char_length: ([s]) => `length(${s})`,
    generate_bigint_series: ([a, b, step]) => `sequence(${a}, ${b}, ${step})`,
    list_value: (values) => `ARRAY[${values.join(', ')}]`,
    starts_with: ([s, p]) => `starts_with(${s}, ${p})`,
    contains: ([s, n]) => `(strpos(${s}, ${n}) > 0)`,
    regexp_search: ([s, p]) => `regexp_like(${s}, ${p})`,
    try_double: ([x]) => `TRY_CAST(${x} AS DOUBLE)`,
    try_timestamp: ([x]) => `TRY_CAST(${x} AS TIMESTAMP)`,
    is_finite: ([x]) => `is_finite(${x})`,
    trunc: ([x]) => `truncate(${x})`,
    epoch_us: ([t]) => `date_diff('microsecond', ${EPOCH}, ${t})`,
    hll_estimate: ([sketch]) => `cardinality(${sketch})`,
    empty_double_list: () => 'CAST(ARRAY[] AS ARRAY(DOUBLE))',
    list_flatten: ([l]) => `flatten(${l})`,
    list_sort: ([l]) => `array_sort(${l})`,
    list_length: ([l]) => `cardinality(${l})`,
    // element_at is NULL past the end (a subscript would raise).
    list_at: ([l, i]) => `element_at(${l}, ${i})`,
  };

  /**
   * Trino's HyperLogLog: `approx_set` (bigint, double or varchar input; 4096 buckets, standard
   * error about 1.625%) and `merge`, which is NULL when every input is NULL.
   */
  /** Trino has no exact quantile aggregate: `approx_percentile` (nothing sluice runs on Trino needs it exact). */
  protected override aggregateName(fn: AggregateExpr['fn']): string {
    return fn === 'quantile_disc' ? 'approx_percentile' : fn === 'list' ? 'array_agg' : super.aggregateName(fn);
  }

  protected override sketchAggregate(fn: 'hll_sketch' | 'hll_union', [arg]: string[]): string {
    return fn === 'hll_sketch' ? `approx_set(${arg})` : `merge(${arg})`;
  }

  /**
   * Trino's greatest/least return NULL when any argument is NULL; sluice's skip NULLs (as DuckDB
   * and Spark do, and the JS evaluator): take the extreme of the non-NULL arguments instead,
   * each printed once.
   */
  protected override portableFunction(fn: PortableFunction, args: string[]): string {
    // Trino's one-argument trim removes all whitespace; Spark's (and sluice's) only ' '.
    if (fn === 'trim') return `trim(${args[0]}, ' ')`;
    if (fn === 'epoch_ms') return this.functions.epoch_ms(args);
    // No ends_with, and no contains on text.
    if (fn === 'ends_with') return `starts_with(reverse(${args[0]}), reverse(${args[1]}))`;
    if (fn === 'contains') return `(strpos(${args[0]}, ${args[1]}) > 0)`;
    // NULL past the last part where DuckDB and Spark give '' (still NULL for a NULL text).
    if (fn === 'split_part') return `coalesce(split_part(${args.join(', ')}), CASE WHEN ${args[0]} IS NOT NULL THEN '' END)`;
    if (fn !== 'greatest' && fn !== 'least') return super.portableFunction(fn, args);
    return `${fn === 'greatest' ? 'array_max' : 'array_min'}(filter(ARRAY[${args.join(', ')}], sluice_v -> sluice_v IS NOT NULL))`;
  }

  /**
   * Trino compares NaN as IEEE does (NaN >= 0 is false), so NaN is let through explicitly;
   * `element_at` of an empty array is NULL.
   */
  protected domainGuarded(fn: 'sqrt' | 'ln', arg: string): string {
    return `${fn}(element_at(filter(ARRAY[CAST(${arg} AS DOUBLE)], sluice_v -> sluice_v ${fn === 'sqrt' ? '>=' : '>'} 0 OR is_nan(sluice_v)), 1))`;
  }

  protected override tableFunction(item: Extract<FromItem, { kind: 'tableFunction' }>): string {
    if (item.name !== 'unnest') return super.tableFunction(item);
    const columns = item.columnAliases ? `(${item.columnAliases.map((c) => this.quoteIdentifier(c)).join(', ')})` : '';
    return `UNNEST(${item.args.map((a) => this.expr(a)).join(', ')})${item.alias === undefined ? '' : ` AS ${this.quoteIdentifier(item.alias)}${columns}`}`;
  }
}

