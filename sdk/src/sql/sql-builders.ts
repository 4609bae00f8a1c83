/**
 * Small constructors for SQL AST nodes, so that backends read like the SQL they build.
 *
 * @example
 * ```ts
 * select([as(agg('count_star', []), 'n')], { from: table('events'), where: eq(col('user_id'), lit('u1')) })
 * ```
 */
import type { AggregateExpr, FromItem, InternalFunction, OrderItem, SelectItem, SelectQuery, SqlExpr, SqlType } from './sql-node.js';
import type { BinaryOperator } from '../plan/expression-node.js';

export const col = (name: string, table?: string): SqlExpr => (table === undefined ? { kind: 'column', name } : { kind: 'column', name, table });
export const lit = (value: string | number | bigint | boolean | null): SqlExpr => ({ kind: 'literal', value });
export const bin = (op: BinaryOperator, left: SqlExpr, right: SqlExpr): SqlExpr => ({ kind: 'binary', op, left, right });
export const eq = (left: SqlExpr, right: SqlExpr): SqlExpr => bin('=', left, right);
export const and = (...parts: SqlExpr[]): SqlExpr => parts.reduce((a, b) => bin('and', a, b));
export const or = (...parts: SqlExpr[]): SqlExpr => parts.reduce((a, b) => bin('or', a, b));
export const not = (operand: SqlExpr): SqlExpr => ({ kind: 'unary', op: 'not', operand });
export const isNull = (operand: SqlExpr, negated = false): SqlExpr => ({ kind: 'isNull', operand, negated });
export const fn = (name: InternalFunction, ...args: SqlExpr[]): SqlExpr => ({ kind: 'fn', name, args });
export const cast = (operand: SqlExpr, to: SqlType): SqlExpr => ({ kind: 'cast', operand, to });
export const agg = (f: AggregateExpr['fn'], args: SqlExpr[], filter?: SqlExpr): AggregateExpr =>
  filter === undefined ? { kind: 'agg', fn: f, args } : { kind: 'agg', fn: f, args, filter };
export const caseWhen = (whens: { when: SqlExpr; then: SqlExpr }[], otherwise?: SqlExpr): SqlExpr =>
  otherwise === undefined ? { kind: 'case', whens } : { kind: 'case', whens, else: otherwise };
export const as = (expr: SqlExpr, alias?: string): SelectItem => (alias === undefined ? { expr } : { expr, alias });
export const table = (name: string, alias?: string): FromItem => (alias === undefined ? { kind: 'table', name } : { kind: 'table', name, alias });
export const asc = (expr: SqlExpr): OrderItem => ({ expr });
export const desc = (expr: SqlExpr): OrderItem => ({ expr, desc: true });

/**
 * A SELECT query node: the select list, then any other clauses (`from`, `where`, `groupBy`, …).
 *
 * @example
 * ```ts
 * select([as(col('user_id'))], { from: table('events') })
 * // { kind: 'select', columns: [{ expr: { kind: 'column', name: 'user_id' } }], from: { kind: 'table', name: 'events' } }
 * ```
 */
export function select(columns: SelectItem[], rest: Omit<SelectQuery, 'kind' | 'columns'> = {}): SelectQuery {
  return { kind: 'select', columns, ...rest };
}
