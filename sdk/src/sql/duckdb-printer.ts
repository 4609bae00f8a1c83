import type { FromItem, SqlExpr, SqlType } from './sql-node.js';
import { SqlPrinter, type FunctionSpellings } from './sql-printer.js';
import type { PortableFunction } from '../plan/expression-node.js';

/** DuckDB: the embedded local engine. */
export class DuckDbPrinter extends SqlPrinter {
  readonly dialect = 'duckdb' as const;

  protected readonly typeNames: Record<SqlType, string> = {
    string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE',
  };

  protected override portableFunction(fn: PortableFunction, args: string[]): string {
    switch (fn) {
      // DuckDB's one-argument trim also removes other Unicode spaces (U+00A0, U+3000); Spark's only ' '.
      case 'trim': return `trim(${args[0]}, ' ')`;
      // ISO: 1 = Monday … 7 = Sunday (DuckDB's dayofweek is 0 = Sunday).
      case 'day_of_week': return `isodow(${args[0]})`;
      case 'day_of_year': return `dayofyear(${args[0]})`;
      default: return super.portableFunction(fn, args);
    }
  }

  protected readonly functions: FunctionSpellings = {
    epoch_ms: ([t]) => `epoch_ms(${t})`,
    timestamp_from_ms: ([ms]) => `epoch_ms(CAST(${ms} AS BIGINT))`,
    date_string: ([t]) => `strftime(${t}, '%Y-%m-%d')`,
    // Exact integer floor division for b > 0: `//` truncates toward zero, which is the floor for
    // a >= 0; below zero, floor(a / b) = (a + 1) // b - 1. One division on the usual (positive)
    // epoch values: measured twice as fast as subtracting the positive remainder first.
    floor_div: ([a, b]) => `(CASE WHEN ${a} >= 0 THEN ${a} // ${b} ELSE (${a} + 1) // ${b} - 1 END)`,
    regexp_full_match: ([s, p]) => `regexp_full_match(${s}, ${p})`,
    char_length: ([s]) => `length(${s})`,
    generate_bigint_series: ([a, b, step]) => `generate_series(${a}, ${b}, ${step})`,
    json_valid: ([j]) => `json_valid(${j})`,
    json_type: (args) => `json_type(${args.join(', ')})`,
    json_extract_string: ([j, path]) => `json_extract_string(${j}, ${path})`,
    json_keys: ([j]) => `json_keys(${j})`,
    json_extract_many: ([j, ...paths]) => `json_extract(${j}, [${paths.join(', ')}])`,
    list_element: ([l, i]) => `list_extract(${l}, ${i})`,
    list_value: (values) => `list_value(${values.join(', ')})`,
    starts_with: ([s, p]) => `starts_with(${s}, ${p})`,
    contains: ([s, n]) => `contains(${s}, ${n})`,
    list_is_distinct: ([l]) => `(len(${l}) = len(list_distinct(${l})))`,
    struct_extract: ([s, name]) => `struct_extract(${s}, ${name})`,
    list_within: ([l, ...values]) => (values.length === 0 ? `(len(${l}) = 0)` : `list_has_all([${values.join(', ')}], ${l})`),
    regexp_search: ([s, p]) => `regexp_matches(${s}, ${p})`,
    try_double: ([x]) => `TRY_CAST(${x} AS DOUBLE)`,
    try_timestamp: ([x]) => `TRY_CAST(${x} AS TIMESTAMP)`,
    // TIMESTAMP's cast drops an offset ('10:00+02:00' → 10:00); TIMESTAMPTZ's applies it, and
    // the epoch makes the result independent of the session's zone.
    try_offset_instant: ([x]) => `make_timestamp(epoch_us(TRY_CAST(${x} AS TIMESTAMPTZ)))`,
    // Truncating calendar fields floors, before 1970 too (epoch_ms() rounds toward zero there).
    floor_ms: ([t]) => `date_trunc('millisecond', ${t})`,
    is_finite: ([x]) => `isfinite(${x})`,
    trunc: ([x]) => `trunc(${x})`,
    epoch_us: ([t]) => `epoch_us(${t})`,
    epoch_ns: ([t]) => `epoch_ns(${t})`,
    empty_double_list: () => 'CAST([] AS DOUBLE[])',
    list_flatten: ([l]) => `flatten(${l})`,
    list_sort: ([l]) => `list_sort(${l})`,
    list_length: ([l]) => `len(${l})`,
    list_at: ([l, i]) => `list_extract(${l}, ${i})`,
    hll_estimate: () => {
      throw new Error('DuckDB has no mergeable distinct-count sketch, so it cannot print hll_estimate(); the window planner counts distinct values exactly for duckdb.');
    },
  };

  /**
   * DuckDB's `quantile_disc` is the nearest rank (0-based index max(1, n − floor(n − n·p)) − 1,
   * i.e. rank max(ceil(n·p), 1)), in exact integer arithmetic when p is a DECIMAL; p has at most
   * six decimals, and every such double casts to DECIMAL(7, 6) exactly. It selects instead of
   * sorting: flights-3m with a p90 over 1, 7 and 30 days aggregated in ~3.8–4.2 s and 1.3 GB
   * instead of ~9.4 s and 1.8 GB.
   */
  protected override listPercentile(list: SqlExpr, fraction: SqlExpr): string {
    return `list_aggregate(${this.expr(list)}, 'quantile_disc', CAST(${this.expr(fraction)} AS DECIMAL(7, 6)))`;
  }

  /** A one-element list filtered by the domain (NaN passes: DuckDB orders it above every number). */
  protected domainGuarded(fn: 'sqrt' | 'ln', arg: string): string {
    return `${fn}(list_filter([${arg}], lambda sluice_v: sluice_v ${fn === 'sqrt' ? '>=' : '>'} 0)[1])`;
  }

  protected override qualify(condition: SqlExpr): string {
    return `QUALIFY ${this.expr(condition)}`;
  }

  protected override tableFunction(item: Extract<FromItem, { kind: 'tableFunction' }>): string {
    const args = item.args.map((a) => this.expr(a));
    const alias = item.alias === undefined ? '' : ` AS ${this.quoteIdentifier(item.alias)}${item.columnAliases ? `(${item.columnAliases.map((c) => this.quoteIdentifier(c)).join(', ')})` : ''}`;
    switch (item.name) {
      case 'read_parquet':
        return `read_parquet([${args.join(', ')}])${alias}`;
      case 'unnest':
        return `unnest(${args.join(', ')})${alias}`;
    }
  }
}
