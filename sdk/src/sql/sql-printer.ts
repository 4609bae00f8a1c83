/**
 * The default SQL printer. Each dialect subclasses it and overrides only what differs:
 * identifier quoting, string escaping, function spellings, type names. Dispatch is keyed by
 * node kind through a `Record`, so a new node kind without a printer fails to compile.
 *
 * This file is the one place where identifiers are quoted and literals escaped.
 */
import type { PortableFunction } from '../plan/expression-node.js';
import type { AggregateExpr, FromItem, InternalFunction, Join, OrderItem, Query, SelectQuery, SqlExpr, SqlType, Statement, WindowFrame } from './sql-node.js';

export type Dialect = 'duckdb' | 'spark' | 'trino';

/** Internal functions only the local engine's validation fast path uses (the Lambda runs zod itself). */
const LOCAL_ONLY_FUNCTIONS = ['json_valid', 'json_type', 'json_extract_string', 'json_keys', 'json_extract_many', 'list_element', 'list_is_distinct', 'list_within', 'struct_extract', 'try_offset_instant', 'floor_ms', 'epoch_ns'] as const;

/**
 * Spellings for a dialect that never runs the validation fast path: printing one of them is a
 * planner bug, reported as such.
 *
 * @example
 * ```ts
 * protected readonly functions = { ...localOnlyFunctions('trino'), epoch_ms: … };
 * ```
 */
export function localOnlyFunctions(dialect: Dialect): Record<LocalOnlyFunction, (args: string[]) => string> {
  const refuse = (name: string) => (): string => {
    throw new Error(`The internal SQL function ${name} is only used by the local engine; the ${dialect} printer has no spelling for it.`);
  };
  const out = {} as Record<LocalOnlyFunction, (args: string[]) => string>;
  for (const name of LOCAL_ONLY_FUNCTIONS) out[name] = refuse(name);
  return out;
}

type LocalOnlyFunction = (typeof LOCAL_ONLY_FUNCTIONS)[number];

/** How a dialect spells each internal function from its printed arguments (list_percentile is a method: see listPercentile). */
export type FunctionSpellings = Record<Exclude<InternalFunction, 'list_percentile'>, (args: string[]) => string>;

/**
 * A double's text that every dialect reads back as that very double. Plain decimals are read as
 * DECIMAL and then converted, which DuckDB does by dividing by a power of ten: exact up to 15
 * significant digits, but one bit off for about 4% of doubles written with 16 or 17 (a profile's
 * bin edge, a computed threshold). Scientific notation is a DOUBLE literal in DuckDB, Spark and
 * Trino, parsed with correct rounding; short decimals stay as they are, for readable SQL.
 */
function exactDoubleText(value: number): string {
  const text = String(value);
  const digits = text.replace(/e.*$/i, '').replace(/[-.]/g, '').replace(/^0+/, '').length;
  return digits <= 15 ? text : value.toExponential();
}

type ExprPrinters = { [K in SqlExpr['kind']]: (node: Extract<SqlExpr, { kind: K }>) => string };

export abstract class SqlPrinter {
  abstract readonly dialect: Dialect;
  /** How each internal function is spelled; `args` are already printed. */
  protected abstract readonly functions: FunctionSpellings;
  protected abstract readonly typeNames: Record<SqlType, string>;

  /**
   * How this dialect spells a type, as its catalog reports column types.
   *
   * @example
   * ```ts
   * printerFor('duckdb').typeName('bigint') // 'BIGINT'
   * ```
   */
  typeName(type: SqlType): string {
    return this.typeNames[type];
  }

  /** Portable function spellings; a dialect overrides the few that differ. */
  protected portableFunction(fn: PortableFunction, args: string[]): string {
    return `${fn}(${args.join(', ')})`;
  }

  /**
   * `sqrt(x)` / `ln(x)` that are NULL where `x` is outside the function's domain (x < 0, resp.
   * x <= 0) and NaN for a NaN `x`, as the JS evaluator computes them: DuckDB raises on such an
   * `x`, Spark returns NaN (sqrt) or NULL (ln), Trino NaN or -Infinity. `x` is printed once
   * (a guard such as `CASE WHEN x >= 0 THEN sqrt(x) END` would double the text at every nesting).
   */
  protected abstract domainGuarded(fn: 'sqrt' | 'ln', arg: string): string;

  /** `CAST`, or `TRY_CAST` (NULL where the value cannot be converted) when `orNull`. */
  protected cast(operand: string, type: string, orNull: boolean): string {
    return `${orNull ? 'TRY_CAST' : 'CAST'}(${operand} AS ${type})`;
  }

  protected aggregateName(fn: AggregateExpr['fn']): string {
    switch (fn) {
      case 'avg': return 'avg';
      case 'stddev_samp': return 'stddev_samp';
      case 'approx_count_distinct': return 'approx_count_distinct';
      default: return fn;
    }
  }

  // ---- quoting and literals: the only place user-controlled text meets SQL ----

  quoteIdentifier(name: string): string {
    assertNoNul(name, 'identifier');
    return `"${name.replaceAll('"', '""')}"`;
  }

  stringLiteral(value: string): string {
    assertNoNul(value, 'string literal');
    return `'${value.replaceAll("'", "''")}'`;
  }

  numberLiteral(value: number): string {
    if (!Number.isFinite(value)) throw new Error(`Cannot print the number ${value} as SQL: only finite numbers have a literal.`);
    // Doubles are printed as doubles so that every dialect computes in floating point, as JS does.
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 53) return String(value);
    return `CAST(${exactDoubleText(value)} AS ${this.typeNames.double})`;
  }

  timestampLiteral(epochMs: number): string {
    if (!Number.isFinite(epochMs)) throw new Error(`Cannot print timestamp ${epochMs}`);
    const iso = new Date(epochMs).toISOString(); // always UTC
    return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
  }

  // ---- statements ----

  print(node: Statement): string {
    switch (node.kind) {
      case 'select':
      case 'union':
        return this.query(node);
      case 'createTableAs':
        return `CREATE ${node.orReplace ? 'OR REPLACE ' : ''}${node.temporary ? 'TEMPORARY ' : ''}TABLE ${this.quoteIdentifier(node.name)} AS ${this.query(node.query)}`;
      case 'dropTable':
        return `DROP TABLE ${node.ifExists ? 'IF EXISTS ' : ''}${this.quoteIdentifier(node.name)}`;
    }
  }

  query(node: Query): string {
    if (node.kind === 'union') {
      const body = node.queries.map((q) => `(${this.query(q)})`).join(node.all ? ' UNION ALL ' : ' UNION ');
      return node.orderBy?.length ? `${body} ORDER BY ${this.orderList(node.orderBy)}` : body;
    }
    return this.select(node);
  }

  protected select(node: SelectQuery): string {
    const parts: string[] = [];
    if (node.ctes?.length) {
      parts.push(`WITH ${node.ctes.map((c) => `${this.quoteIdentifier(c.name)} AS (${this.query(c.query)})`).join(', ')}`);
    }
    const columns = node.columns.map((c) => (c.alias === undefined ? this.expr(c.expr) : `${this.expr(c.expr)} AS ${this.quoteIdentifier(c.alias)}`));
    parts.push(`SELECT ${node.distinct ? 'DISTINCT ' : ''}${columns.join(', ')}`);
    if (node.from) parts.push(`FROM ${this.fromItem(node.from)}`);
    if (node.joins?.length) parts.push(...this.joinList(node.joins));
    if (node.where) parts.push(`WHERE ${this.expr(node.where)}`);
    if (node.groupBy?.length) parts.push(`GROUP BY ${node.groupBy.map((e) => this.expr(e)).join(', ')}`);
    if (node.having) parts.push(`HAVING ${this.expr(node.having)}`);
    if (node.qualify) parts.push(this.qualify(node.qualify));
    if (node.orderBy?.length) parts.push(`ORDER BY ${this.orderList(node.orderBy)}`);
    if (node.limit !== undefined) parts.push(`LIMIT ${Math.trunc(node.limit)}`);
    return parts.join(' ');
  }

  /** The joins of a FROM clause, in order; a dialect may reorder or rewrite (Spark: LATERAL VIEW). */
  protected joinList(joins: readonly Join[]): string[] {
    return joins.map((j) => this.joinClause(j));
  }

  protected joinClause(join: Join): string {
    if (join.type === 'cross') return `CROSS JOIN ${this.fromItem(join.from)}`;
    return `${join.type === 'left' ? 'LEFT JOIN' : 'JOIN'} ${this.fromItem(join.from)} ON ${this.expr(join.on ?? { kind: 'literal', value: true })}`;
  }

  /** QUALIFY is DuckDB's; other dialects must not receive it (planners wrap a subquery instead). */
  protected qualify(condition: SqlExpr): string {
    throw new Error(`${this.dialect} has no QUALIFY clause; the planner must filter in an outer query (condition: ${this.expr(condition)})`);
  }

  protected orderList(items: readonly OrderItem[]): string {
    return items
      .map((o) => `${this.expr(o.expr)}${o.desc ? ' DESC' : ' ASC'}${o.nullsFirst === undefined ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`)
      .join(', ');
  }

  fromItem(item: FromItem): string {
    switch (item.kind) {
      case 'table':
        return `${item.schema ? `${this.quoteIdentifier(item.schema)}.` : ''}${this.quoteIdentifier(item.name)}${this.alias(item.alias)}`;
      case 'subquery':
        return `(${this.query(item.query)})${this.alias(item.alias)}`;
      case 'values':
        return `(VALUES ${item.rows.map((r) => `(${r.map((e) => this.expr(e)).join(', ')})`).join(', ')}) AS ${this.quoteIdentifier(item.alias)}(${item.columns.map((c) => this.quoteIdentifier(c)).join(', ')})`;
      case 'tableFunction':
        return this.tableFunction(item);
    }
  }

  protected tableFunction(item: Extract<FromItem, { kind: 'tableFunction' }>): string {
    throw new Error(`${this.dialect} does not support the table function ${item.name}`);
  }

  protected alias(alias: string | undefined): string {
    return alias === undefined ? '' : ` AS ${this.quoteIdentifier(alias)}`;
  }

  // ---- expressions ----

  expr(node: SqlExpr): string {
    return (this.exprPrinters[node.kind] as (n: SqlExpr) => string)(node);
  }

  private readonly exprPrinters: ExprPrinters = {
    column: (n) => (n.table === undefined ? '' : `${this.quoteIdentifier(n.table)}.`) + this.quoteIdentifier(n.name),
    literal: (n) => this.literal(n.value),
    timestampLiteral: (n) => this.timestampLiteral(n.epochMs),
    binary: (n) => `(${this.expr(n.left)} ${this.binaryOperator(n.op)} ${this.expr(n.right)})`,
    unary: (n) => (n.op === 'not' ? `(NOT ${this.expr(n.operand)})` : `(- ${this.expr(n.operand)})`),
    isNull: (n) => `(${this.expr(n.operand)} IS ${n.negated ? 'NOT ' : ''}NULL)`,
    in: (n) => `(${this.expr(n.operand)} ${n.negated ? 'NOT IN' : 'IN'} (${n.list.map((e) => this.expr(e)).join(', ')}))`,
    between: (n) => `(${this.expr(n.operand)} ${n.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(n.low)} AND ${this.expr(n.high)})`,
    case: (n) =>
      `(CASE ${n.whens.map((w) => `WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join(' ')}${n.else === undefined ? '' : ` ELSE ${this.expr(n.else)}`} END)`,
    call: (n) =>
      (n.fn === 'sqrt' || n.fn === 'ln') && !withinDomain(n.fn, n.args[0]!)
        ? this.domainGuarded(n.fn, this.expr(n.args[0]!))
        : this.portableFunction(n.fn, n.args.map((a) => this.expr(a))),
    cast: (n) => this.cast(this.expr(n.operand), this.typeNames[n.to], n.try === true),
    fn: (n) => (n.name === 'list_percentile' ? this.listPercentile(n.args[0]!, n.args[1]!) : this.functions[n.name](n.args.map((a) => this.expr(a)))),
    agg: (n) => this.aggregate(n),
    over: (n) => {
      const fn = n.fn.kind === 'ranking' ? `${n.fn.fn}()` : this.aggregate(n.fn);
      const spec: string[] = [];
      if (n.partitionBy.length) spec.push(`PARTITION BY ${n.partitionBy.map((e) => this.expr(e)).join(', ')}`);
      if (n.orderBy.length) spec.push(`ORDER BY ${this.orderList(n.orderBy)}`);
      if (n.frame) spec.push(this.frame(n.frame));
      return `${fn} OVER (${spec.join(' ')})`;
    },
    star: (n) => (n.table === undefined ? '*' : `${this.quoteIdentifier(n.table)}.*`),
    subqueryExpr: (n) => `(${this.query(n.query)})`,
    row: (n) => this.rowValue(n.items.map((e) => this.expr(e))),
  };

  /**
   * `list_percentile(list, p)`: the value at nearest rank max(ceil(p·n), 1). Spark and Trino
   * have no exact quantile of an array, so the list is sorted and the element at that rank taken.
   * The 1e-9 keeps p·n = 7.000000000000001 (0.07 × 100 in doubles) at rank 7: p has at most six
   * decimals (checked when the plan is built), so a true p·n is never that close above a whole
   * number without being it. The floor of 1: an empty list's ceil(-1e-9) is 0, an index Spark and
   * Trino raise on (1 is NULL there, as wanted).
   */
  protected listPercentile(list: SqlExpr, fraction: SqlExpr): string {
    const times: SqlExpr = { kind: 'binary', op: '*', left: fraction, right: { kind: 'fn', name: 'list_length', args: [list] } };
    const ceil: SqlExpr = { kind: 'call', fn: 'ceil', args: [{ kind: 'binary', op: '-', left: times, right: { kind: 'literal', value: 1e-9 } }] };
    const rank: SqlExpr = { kind: 'cast', to: 'bigint', operand: { kind: 'call', fn: 'greatest', args: [ceil, { kind: 'literal', value: 1 }] } };
    return this.expr({ kind: 'fn', name: 'list_at', args: [{ kind: 'fn', name: 'list_sort', args: [list] }, rank] });
  }

  /** A row value compared field by field (DuckDB and Trino: `ROW(a, b)`). */
  protected rowValue(items: string[]): string {
    return `ROW(${items.join(', ')})`;
  }

  protected literal(value: string | number | bigint | boolean | null): string {
    if (value === null) return 'NULL';
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'bigint') return `CAST(${value.toString()} AS ${this.typeNames.bigint})`;
    if (typeof value === 'number') return this.numberLiteral(value);
    return this.stringLiteral(value);
  }

  protected binaryOperator(op: string): string {
    return op === 'and' ? 'AND' : op === 'or' ? 'OR' : op;
  }

  protected aggregate(n: AggregateExpr): string {
    const args = n.args.map((a) => this.expr(a));
    let text: string;
    if (n.fn === 'count_star') text = 'count(*)';
    else if (n.fn === 'count_distinct') text = `count(DISTINCT ${args.join(', ')})`;
    else if (n.fn === 'hll_sketch' || n.fn === 'hll_union') text = this.sketchAggregate(n.fn, args);
    else text = `${this.aggregateName(n.fn)}(${args.join(', ')})`;
    return n.filter === undefined ? text : `${text} FILTER (WHERE ${this.expr(n.filter)})`;
  }

  /**
   * Whether the dialect has a mergeable distinct-count sketch (HyperLogLog) that the window
   * planner may use for `countDistinct(col, { approximate: true })`.
   */
  readonly hasDistinctSketches: boolean = false;

  /**
   * The mergeable distinct-count sketch aggregates (see `AggregateExpr`). A dialect without a
   * sketch type keeps this default: the window planner plans an exact count for it instead, so
   * reaching here is a planner bug.
   */
  protected sketchAggregate(fn: 'hll_sketch' | 'hll_union', _args: string[]): string {
    throw new Error(`The ${this.dialect} dialect has no mergeable distinct-count sketch, so it cannot print ${fn}(); plan an exact count_distinct for ${this.dialect} (planWindowQuery does, given { dialect: '${this.dialect}' }).`);
  }

  protected frame(frame: WindowFrame): string {
    const bound = (offset: number | null, side: 'start' | 'end'): string => {
      if (offset === null) return side === 'start' ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED FOLLOWING';
      if (offset === 0) return 'CURRENT ROW';
      return offset < 0 ? `${-offset} PRECEDING` : `${offset} FOLLOWING`;
    };
    return `${frame.mode.toUpperCase()} BETWEEN ${bound(frame.start, 'start')} AND ${bound(frame.end, 'end')}`;
  }
}

/**
 * Whether an argument is in the function's domain whatever the row, so the plain call is exact:
 * the planners' own `sqrt(greatest(variance, 0))` stays as it is (and as fast).
 */
function withinDomain(fn: 'sqrt' | 'ln', arg: SqlExpr): boolean {
  const literal = arg.kind === 'cast' && !arg.try ? arg.operand : arg;
  if (literal.kind === 'literal' && typeof literal.value === 'number') return fn === 'sqrt' ? literal.value >= 0 : literal.value > 0;
  return fn === 'sqrt' && arg.kind === 'call' && arg.fn === 'greatest' && arg.args.some((a) => withinDomain(fn, a));
}

function assertNoNul(text: string, what: string): void {
  if (text.includes('\u0000')) throw new Error(`A ${what} cannot contain a NUL character: ${JSON.stringify(text)}`);
}
