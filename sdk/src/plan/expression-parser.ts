/**
 * The entry point for user expressions in `derive({ col: 'expr' })` and `.where('expr')`.
 * Text becomes checked `ExprNode` data; the printers print the nodes per dialect, so the
 * user's text is never pasted into SQL.
 */
import type { ParsedExpression, ScalarType } from './expression-node.js';
import { deepFreeze } from './canonical-json.js';
import { parseSyntax } from './expression-syntax.js';
import { checkExpression } from './expression-type-check.js';
import { ExpressionError } from '../errors.js';

/**
 * Parses and type-checks an expression of the SQL subset DuckDB, Spark SQL and Trino share,
 * against the columns in scope.
 *
 * @param text the expression as the user wrote it.
 * @param columns the columns in scope and their types (schema columns, earlier derives).
 * @param path where the expression sits in the plan, for the error (`steps[2].derive.amount_usd`).
 *
 * @example
 * ```ts
 * const cols = new Map([['amount', 'number'], ['event_type', 'string']] as const);
 * parseExpression("amount * 1.1", cols, 'steps[2].derive.amount_usd').type           // 'number'
 * parseExpression("event_type IN ('click', 'view')", cols, 'steps[3].where').type    // 'boolean'
 * parseExpression("1; DROP TABLE x", cols, 'steps[2].derive.x')                      // throws ExpressionError EXPRESSION_SYNTAX
 * ```
 * @throws ExpressionError with code `EXPRESSION_SYNTAX`, `UNKNOWN_COLUMN`, `UNSUPPORTED_FUNCTION`,
 *   `ARGUMENT_COUNT` or `TYPE_MISMATCH`; the message shows the expression with a caret under the problem.
 */
export function parseExpression(text: string, columns: ReadonlyMap<string, ScalarType>, path: string): ParsedExpression {
  return deepFreeze(checkExpression(parseSyntax(text, path), columns, text, path));
}

/**
 * The result-returning form of `parseExpression`, for callers that branch on failure.
 *
 * @example
 * ```ts
 * const r = safeParseExpression('amout > 1', cols, 'where');
 * if (!r.success) console.log(r.error.code) // 'UNKNOWN_COLUMN'
 * ```
 */
export function safeParseExpression(
  text: string,
  columns: ReadonlyMap<string, ScalarType>,
  path: string,
): { success: true; data: ParsedExpression } | { success: false; error: ExpressionError } {
  try {
    return { success: true, data: parseExpression(text, columns, path) };
  } catch (error) {
    if (error instanceof ExpressionError) return { success: false, error };
    throw error;
  }
}

/**
 * Checks only the grammar of an expression (no columns known yet), so that `.where()` can
 * reject malformed text as soon as it is written.
 *
 * @example
 * ```ts
 * checkExpressionSyntax("event_type = 'click'", 'where') // ok
 * checkExpressionSyntax("') OR 1=1 --", 'where')         // throws EXPRESSION_SYNTAX
 * ```
 */
export function checkExpressionSyntax(text: string, path: string): void {
  parseSyntax(text, path);
}
