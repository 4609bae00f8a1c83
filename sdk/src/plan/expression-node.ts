/**
 * Expression nodes: the SQL expression subset that DuckDB, Spark SQL and Trino share.
 * `derive()` and `.where()` parse user text into these nodes; the SQL printers print them
 * per dialect; the Lambda runtime evaluates them in JS. Nodes are frozen plain data.
 */

/** Scalar types an expression can have, after type checking against the schema. */
export type ScalarType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp' | 'null' | 'unknown';

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | 'and' | 'or' | '||';

/**
 * Functions every dialect supports, under sluice's own names. Printers map each to the
 * dialect's spelling; the runtime maps each to JS. Adding a name here without a printer
 * mapping fails to compile.
 */
export const PORTABLE_FUNCTIONS = [
  'abs', 'round', 'floor', 'ceil', 'sqrt', 'ln', 'exp', 'power', 'greatest', 'least',
  'lower', 'upper', 'length', 'trim', 'substr', 'concat', 'coalesce', 'nullif',
  // Searching and splitting text (expression-type-check.ts says where the dialects differ).
  'starts_with', 'ends_with', 'contains', 'replace', 'split_part',
  // Parts of a timestamp (UTC), see time-functions.ts.
  'year', 'month', 'day', 'hour', 'minute', 'second', 'day_of_week', 'day_of_year', 'epoch_ms', 'date_trunc',
] as const;
export type PortableFunction = (typeof PORTABLE_FUNCTIONS)[number];

export type ExprNode =
  | ColumnExpr
  | LiteralExpr
  | BinaryExpr
  | UnaryExpr
  | IsNullExpr
  | InExpr
  | BetweenExpr
  | CaseExpr
  | CallExpr
  | CastExpr;

export interface ColumnExpr { readonly kind: 'column'; readonly name: string; readonly table?: string }
export interface LiteralExpr { readonly kind: 'literal'; readonly value: string | number | boolean | null }
export interface BinaryExpr { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: ExprNode; readonly right: ExprNode }
export interface UnaryExpr { readonly kind: 'unary'; readonly op: 'not' | '-'; readonly operand: ExprNode }
export interface IsNullExpr { readonly kind: 'isNull'; readonly operand: ExprNode; readonly negated: boolean }
export interface InExpr { readonly kind: 'in'; readonly operand: ExprNode; readonly list: readonly ExprNode[]; readonly negated: boolean }
export interface BetweenExpr { readonly kind: 'between'; readonly operand: ExprNode; readonly low: ExprNode; readonly high: ExprNode; readonly negated: boolean }
export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: ExprNode; readonly then: ExprNode }[];
  readonly else?: ExprNode;
}
export interface CallExpr { readonly kind: 'call'; readonly fn: PortableFunction; readonly args: readonly ExprNode[] }
/**
 * Casts to a portable type: `cast(x as double)`. `try` marks a cast that can fail on a value
 * (a string that holds no number, a double out of BIGINT's range): it yields NULL instead of
 * failing the row (TRY_CAST in every dialect).
 */
export interface CastExpr { readonly kind: 'cast'; readonly operand: ExprNode; readonly to: 'string' | 'double' | 'bigint' | 'boolean'; readonly try?: true }

/** A parsed, type-checked expression with the text the user wrote (for messages and display). */
export interface ParsedExpression {
  readonly text: string;
  readonly node: ExprNode;
  readonly type: ScalarType;
}
