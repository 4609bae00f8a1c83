import type { AggregateExpr, FromItem, Join, SqlExpr, SqlType } from './sql-node.js';
import { localOnlyFunctions, SqlPrinter, type FunctionSpellings } from './sql-printer.js';
import type { PortableFunction } from '../plan/expression-node.js';

/**
 * Spark SQL 3.5 (AWS Glue 5.x). The Glue driver sets `spark.sql.session.timeZone=UTC`, so
 * `TIMESTAMP` values and literals are UTC instants, as everywhere else in sluice.
 *
 * Differences from the default printer:
 * - identifiers are quoted with backticks (a backtick inside is doubled);
 * - string literals: Spark's lexer treats a backslash as an escape and does NOT read `''`
 *   as a quote (`'a''b'` is two adjacent literals, concatenated to `ab`), so both `\` and `'`
 *   are escaped with a backslash;
 * - `unnest` becomes `explode`: as `LATERAL VIEW` when it is cross-joined (it may refer to
 *   the columns on its left), or inside a subquery when it stands alone in `FROM`.
 */
export class SparkPrinter extends SqlPrinter {
  readonly dialect = 'spark' as const;
  override readonly hasDistinctSketches = true;

  protected readonly typeNames: Record<SqlType, string> = {
    string: 'STRING', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE',
  };

  protected readonly functions: FunctionSpellings = {
    ...localOnlyFunctions('spark'),
    epoch_ms: ([t]) => `unix_millis(${t})`,
    timestamp_from_ms: ([ms]) => `timestamp_millis(CAST(${ms} AS BIGINT))`,
    date_string: ([t]) => `date_format(${t}, 'yyyy-MM-dd')`,
    // `div` truncates toward zero, like DuckDB's `//`: subtract the positive remainder first.
    floor_div: ([a, b]) => `((${a} - (((${a} % ${b}) + ${b}) % ${b})) div ${b})`,
    // RLIKE finds a match anywhere; anchor it. `\z` (not `$`) so a trailing newline is not skipped.
    regexp_full_match: ([s, p]) => `(${s} RLIKE concat('^(?:', ${p}, ${this.stringLiteral(')\\z')}))`,
    char_length: ([s]) => `char_length(${s})`,
    // sequence() wants one integral type for start, stop and step.
    generate_bigint_series: ([a, b, step]) => `sequence(CAST(${a} AS BIGINT), CAST(${b} AS BIGINT), CAST(${step} AS BIGINT))`,
    list_value: (values) => `array(${values.join(', ')})`,
    starts_with: ([s, p]) => `startswith(${s}, ${p})`,
    contains: ([s, n]) => `contains(${s}, ${n})`,
    regexp_search: ([s, p]) => `(${s} RLIKE ${p})`,
    try_double: ([x]) => `try_cast(${x} AS DOUBLE)`,
    try_timestamp: ([x]) => `try_cast(${x} AS TIMESTAMP)`,
    is_finite: ([x]) => `(${x} NOT IN (double('NaN'), double('Infinity'), double('-Infinity')))`,
    trunc: ([x]) => `(CASE WHEN ${x} < 0 THEN ceil(${x}) ELSE floor(${x}) END)`,
    epoch_us: ([t]) => `unix_micros(${t})`,
    hll_estimate: ([sketch]) => `hll_sketch_estimate(${sketch})`,
    empty_double_list: () => 'CAST(array() AS ARRAY<DOUBLE>)',
    list_flatten: ([l]) => `flatten(${l})`,
    list_sort: ([l]) => `array_sort(${l})`,
    list_length: ([l]) => `CAST(size(${l}) AS BIGINT)`,
    // NULL past the end whatever spark.sql.ansi.enabled says (element_at would raise under ANSI).
    list_at: ([l, i]) => `try_element_at(${l}, CAST(${i} AS INT))`,
  };

  /**
   * Spark 3.5's DataSketches HLL functions. `hll_sketch_agg` takes only INT, BIGINT, STRING or
   * BINARY and skips empty strings (DataSketches ignores an empty datum), so every value is
   * first hashed to a BIGINT with `xxhash64`: any type works and '' counts as a value, as in the
   * exact count. lgConfigK 12 (K = 4096 buckets) is Spark's default, printed so that the
   * precision is visible in the SQL; `hll_union_agg` must then refuse sketches of another K
   * (`allowDifferentLgConfigK` false).
   */
  protected override portableFunction(fn: PortableFunction, args: string[]): string {
    switch (fn) {
      case 'starts_with': return `startswith(${args[0]}, ${args[1]})`;
      case 'ends_with': return `endswith(${args[0]}, ${args[1]})`;
      case 'day': return `dayofmonth(${args[0]})`;
      // weekday() is 0 = Monday … 6 = Sunday; dayofweek() would be 1 = Sunday.
      case 'day_of_week': return `(weekday(${args[0]}) + 1)`;
      case 'day_of_year': return `dayofyear(${args[0]})`;
      case 'epoch_ms': return this.functions.epoch_ms(args);
      // The unit as Spark's documentation spells it ('WEEK'); it is a checked word (time-functions.ts).
      case 'date_trunc': return `date_trunc(${args[0]!.toUpperCase()}, ${args[1]})`;
      default: return super.portableFunction(fn, args);
    }
  }

  /** Spark has no quantile_disc: `percentile` is its exact quantile (interpolated between the two middle values). */
  protected override aggregateName(fn: AggregateExpr['fn']): string {
    return fn === 'quantile_disc' ? 'percentile' : fn === 'list' ? 'collect_list' : super.aggregateName(fn);
  }

  protected override sketchAggregate(fn: 'hll_sketch' | 'hll_union', [arg]: string[]): string {
    return fn === 'hll_sketch' ? `hll_sketch_agg(xxhash64(${arg}), 12)` : `hll_union_agg(${arg}, false)`;
  }

  /**
   * Spark's ln is already NULL for x <= 0 (Hive's rule). Its sqrt of a negative is NaN: keep x
   * only when in the domain (NaN passes: Spark orders NaN above every number, like DuckDB).
   * `try_element_at` is NULL for the empty array whatever `spark.sql.ansi.enabled` says.
   */
  protected domainGuarded(fn: 'sqrt' | 'ln', arg: string): string {
    if (fn === 'ln') return `ln(${arg})`;
    return `sqrt(try_element_at(filter(array(${arg}), sluice_v -> sluice_v >= 0), 1))`;
  }

  /** `try_cast` is Spark's ANSI cast returning NULL instead of raising, whatever the session's ANSI mode. */
  protected override cast(operand: string, type: string, orNull: boolean): string {
    return `${orNull ? 'try_cast' : 'CAST'}(${operand} AS ${type})`;
  }

  override quoteIdentifier(name: string): string {
    super.quoteIdentifier(name); // the shared NUL check
    return `\`${name.replaceAll('`', '``')}\``;
  }

  override stringLiteral(value: string): string {
    super.stringLiteral(value); // the shared NUL check
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  }

  /** Spark's row value is a struct; structs compare field by field. */
  protected override rowValue(items: string[]): string {
    return `struct(${items.join(', ')})`;
  }

  protected override joinClause(join: Join): string {
    if (join.type === 'cross' && join.from.kind === 'tableFunction' && join.from.name === 'unnest') {
      const item = join.from;
      const columns = item.columnAliases ?? ['unnest'];
      return `LATERAL VIEW explode(${item.args.map((a) => this.expr(a)).join(', ')}) ${this.quoteIdentifier(item.alias ?? 'unnest')} AS ${columns.map((c) => this.quoteIdentifier(c)).join(', ')}`;
    }
    return super.joinClause(join);
  }

  /** Spark's grammar puts every LATERAL VIEW after all joins of a FROM clause. */
  protected override joinList(joins: readonly Join[]): string[] {
    const printed = joins.map((j) => this.joinClause(j));
    const firstLateral = printed.findIndex((p) => p.startsWith('LATERAL VIEW '));
    if (firstLateral >= 0 && printed.slice(firstLateral).some((p) => !p.startsWith('LATERAL VIEW '))) {
      throw new Error('Spark SQL needs every cross-joined unnest() after the other joins of a FROM clause; the planner must place unnest joins last.');
    }
    return printed;
  }

  protected override tableFunction(item: Extract<FromItem, { kind: 'tableFunction' }>): string {
    switch (item.name) {
      case 'unnest': {
        const column = item.columnAliases?.[0] ?? 'unnest';
        const body = `SELECT explode(${item.args.map((a: SqlExpr) => this.expr(a)).join(', ')}) AS ${this.quoteIdentifier(column)}`;
        return `(${body}) AS ${this.quoteIdentifier(item.alias ?? 'unnest')}`;
      }
      case 'read_parquet':
        throw new Error('The spark dialect reads Parquet through the Glue driver (a registered view), not read_parquet(); plan a table reference instead.');
    }
  }
}

