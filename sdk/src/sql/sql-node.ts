/**
 * The SQL AST: frozen plain data with a `kind`, printed per dialect by the printers in this
 * folder. Backends build these nodes; nobody concatenates SQL text from user values.
 *
 * Expression nodes are a structural superset of the plan's `ExprNode` (children may be any
 * `SqlExpr`), so a parsed user expression drops straight into a query.
 */
import type { BinaryOperator, PortableFunction } from '../plan/expression-node.js';

export type SqlExpr =
  | { readonly kind: 'column'; readonly name: string; readonly table?: string }
  | { readonly kind: 'literal'; readonly value: string | number | bigint | boolean | null }
  | { readonly kind: 'timestampLiteral'; readonly epochMs: number }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'unary'; readonly op: 'not' | '-'; readonly operand: SqlExpr }
  | { readonly kind: 'isNull'; readonly operand: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'in'; readonly operand: SqlExpr; readonly list: readonly SqlExpr[]; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: SqlExpr; readonly low: SqlExpr; readonly high: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: SqlExpr; readonly then: SqlExpr }[]; readonly else?: SqlExpr }
  | { readonly kind: 'call'; readonly fn: PortableFunction; readonly args: readonly SqlExpr[] }
  /** `try`: NULL where the value cannot be converted (TRY_CAST), instead of an error. */
  | { readonly kind: 'cast'; readonly operand: SqlExpr; readonly to: SqlType; readonly try?: true }
  | { readonly kind: 'fn'; readonly name: InternalFunction; readonly args: readonly SqlExpr[] }
  | AggregateExpr
  | { readonly kind: 'over'; readonly fn: AggregateExpr | RankingExpr; readonly partitionBy: readonly SqlExpr[]; readonly orderBy: readonly OrderItem[]; readonly frame?: WindowFrame }
  | { readonly kind: 'star'; readonly table?: string }
  | { readonly kind: 'subqueryExpr'; readonly query: Query }
  /** A row value (struct), compared field by field: a multi-column ordering key for min_by/max_by. */
  | { readonly kind: 'row'; readonly items: readonly SqlExpr[] };

/** Types a cast can target, named portably; each printer spells them. */
export type SqlType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp' | 'date';

/**
 * Functions sluice itself uses in generated SQL (time arithmetic, hashing…), named once here
 * and spelled per dialect by each printer's `functions` table.
 */
export type InternalFunction =
  | 'epoch_ms'            // timestamp → bigint milliseconds since the epoch (UTC)
  | 'timestamp_from_ms'   // bigint milliseconds → timestamp (UTC)
  | 'date_string'         // timestamp → 'YYYY-MM-DD' (UTC)
  | 'floor_div'           // integer floor division a / b for bigints, b > 0 (negative-safe in a)
  | 'regexp_full_match'   // (string, pattern literal) → boolean, whole-string match
  | 'char_length'
  | 'generate_bigint_series' // (start, stop, step) → array of bigints, inclusive
  // Used by the local validation fast path (quality/compile-checks.ts) over JSON text rows;
  // DuckDB-only today: other printers throw for them.
  | 'json_valid'          // (text) → boolean: text is well-formed JSON
  | 'json_type'           // (json[, path]) → 'OBJECT' | 'VARCHAR' | 'BIGINT' | 'UBIGINT' | 'DOUBLE' | 'BOOLEAN' | 'NULL' | …; SQL NULL when the path is absent
  | 'json_extract_string' // (json, path) → the value at path as text (strings unquoted)
  | 'json_keys'           // (json object) → list of its keys, in document order (repeats kept)
  | 'json_extract_many'   // (json, path literal…) → list of JSON fragments, one parse for all paths; NULL element when absent
  | 'list_element'        // (list, 1-based index literal) → element
  | 'list_value'          // (literal…) → a constant list (e.g. the fractions of one quantile_disc call)
  | 'starts_with'         // (string, prefix) → boolean
  | 'contains'            // (string, needle) → boolean
  | 'list_is_distinct'    // (list) → boolean: no element appears twice
  | 'list_within'         // (list, literal…) → boolean: every element is one of the literals
  | 'struct_extract'      // (struct, field name literal) → the field's value (NULL where the struct is NULL); local only
  | 'regexp_search'       // (string, pattern literal) → boolean, unanchored search (JS RegExp.test)
  | 'try_double'          // (x) → DOUBLE, or NULL when x does not convert
  | 'try_timestamp'       // (x) → TIMESTAMP, or NULL when x does not convert (an offset in the text is ignored: see try_offset_instant)
  | 'try_offset_instant'  // (text ending in a UTC offset such as +02:00) → TIMESTAMP of that instant in UTC, or NULL; local only
  | 'floor_ms'            // timestamp → the same instant floored to the millisecond (as a JS Date holds it); local only
  | 'is_finite'           // (double) → boolean
  | 'trunc'               // (double) → double rounded toward zero
  | 'epoch_us'            // timestamp → bigint microseconds since the epoch (UTC)
  | 'epoch_ns'            // nanosecond timestamp → bigint nanoseconds since the epoch; local only
  | 'hll_estimate'        // (sketch from hll_sketch / hll_union) → bigint estimated distinct count; spark and trino only
  // Lists of doubles (the window planner's exact percentiles):
  | 'empty_double_list'   // () → an empty list of doubles
  | 'list_flatten'        // (list of lists) → their elements, in order, one list
  | 'list_sort'           // (list of doubles, no NULLs) → ascending
  | 'list_length'         // (list) → bigint number of elements
  | 'list_at'             // (list, 1-based bigint index) → the element, NULL past the end
  // (list of doubles, no NULLs; fraction literal p in [0, 1], at most six decimals) → the value at
  // nearest rank max(ceil(p·n), 1) of the ascending list, NULL for an empty list. Printed by
  // SqlPrinter.listPercentile, not through the `functions` table.
  | 'list_percentile';

export interface AggregateExpr {
  readonly kind: 'agg';
  readonly fn: 'count' | 'count_star' | 'sum' | 'avg' | 'min' | 'max' | 'stddev_samp' | 'count_distinct' | 'approx_count_distinct' | 'min_by' | 'max_by' | 'any_value'
    // (x, fraction literal or list_value of fractions) → the value(s) at those quantiles (profiles, drift bins)
    | 'quantile_disc'
    // Mergeable distinct-count sketches (HyperLogLog), spark and trino only (DuckDB has no such type):
    // hll_sketch(x: bigint | double | string) → the sketch of x's non-null values;
    // hll_union(sketch) → the sketch of the union (NULL sketches are skipped). Read with fn('hll_estimate').
    | 'hll_sketch'
    | 'hll_union'
    // (x) → the list of x's values (NULLs included: filter them out); list() / collect_list() / array_agg()
    | 'list';
  readonly args: readonly SqlExpr[];
  /** `FILTER (WHERE …)`: supported by DuckDB, Spark 3 and Trino alike. */
  readonly filter?: SqlExpr;
}

export interface RankingExpr { readonly kind: 'ranking'; readonly fn: 'row_number' }

export interface WindowFrame {
  readonly mode: 'rows' | 'range';
  /** Offsets relative to the current row; `null` means unbounded. Negative = preceding. */
  readonly start: number | null;
  readonly end: number | null;
}

export interface OrderItem { readonly expr: SqlExpr; readonly desc?: boolean; readonly nullsFirst?: boolean }
export interface SelectItem { readonly expr: SqlExpr; readonly alias?: string }

export type FromItem =
  | { readonly kind: 'table'; readonly name: string; readonly schema?: string; readonly alias?: string }
  | { readonly kind: 'subquery'; readonly query: Query; readonly alias: string }
  | { readonly kind: 'tableFunction'; readonly name: TableFunction; readonly args: readonly SqlExpr[]; readonly alias?: string; readonly columnAliases?: readonly string[] }
  | { readonly kind: 'values'; readonly rows: readonly (readonly SqlExpr[])[]; readonly alias: string; readonly columns: readonly string[] };

/** Table-valued functions; a printer throws for one its dialect lacks. */
export type TableFunction = 'read_parquet' | 'unnest';

export interface Join {
  readonly type: 'inner' | 'left' | 'cross';
  readonly from: FromItem;
  readonly on?: SqlExpr;
}

export interface SelectQuery {
  readonly kind: 'select';
  readonly ctes?: readonly { readonly name: string; readonly query: Query }[];
  readonly distinct?: boolean;
  readonly columns: readonly SelectItem[];
  readonly from?: FromItem;
  readonly joins?: readonly Join[];
  readonly where?: SqlExpr;
  readonly groupBy?: readonly SqlExpr[];
  readonly having?: SqlExpr;
  readonly qualify?: SqlExpr;
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: number;
}

export interface UnionQuery { readonly kind: 'union'; readonly all: boolean; readonly queries: readonly Query[]; readonly orderBy?: readonly OrderItem[] }

export type Query = SelectQuery | UnionQuery;

export type Statement =
  | Query
  | { readonly kind: 'createTableAs'; readonly name: string; readonly query: Query; readonly temporary?: boolean; readonly orReplace?: boolean }
  | { readonly kind: 'dropTable'; readonly name: string; readonly ifExists: boolean };

export type SqlNode = SqlExpr | Query | Statement | FromItem;
