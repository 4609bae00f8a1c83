/**
 * Expression errors point at the offending text: the message quotes the expression and puts
 * a caret line under the span, the way compilers do.
 */
import { ExpressionError } from '../errors.js';

/** A half-open character range `[start, end)` inside the expression text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Expression error codes users can branch on. */
export const EXPRESSION_ERROR_CODES = ['EXPRESSION_SYNTAX', 'UNKNOWN_COLUMN', 'UNSUPPORTED_FUNCTION', 'ARGUMENT_COUNT', 'TYPE_MISMATCH'] as const;
export type ExpressionErrorCode = (typeof EXPRESSION_ERROR_CODES)[number];

/**
 * Builds an `ExpressionError` whose message shows the expression with a caret under `span`.
 *
 * @example
 * ```ts
 * throw expressionError('UNKNOWN_COLUMN', 'steps[2].derive.x', 'amout * 2', { start: 0, end: 5 }, 'Unknown column "amout".')
 * // Unknown column "amout".
 * //   amout * 2
 * //   ^^^^^
 * ```
 */
export function expressionError(code: ExpressionErrorCode, path: string, text: string, span: Span, message: string): ExpressionError {
  return new ExpressionError(code, path, `${message}\n${caret(text, span)}`);
}

/**
 * The expression on one line (newlines shown as spaces) and a caret line under `span`.
 *
 * @example
 * ```ts
 * caret('amout * 2', { start: 0, end: 5 }) // '  amout * 2\n  ^^^^^ (at character 1)'
 * ```
 */
export function caret(text: string, span: Span): string {
  const flat = text.replace(/[\r\n\t]/g, ' ');
  const start = Math.min(Math.max(0, span.start), flat.length);
  const width = Math.max(1, Math.min(span.end, flat.length) - start);
  return `  ${flat}\n  ${' '.repeat(start)}${'^'.repeat(width)} (at character ${start + 1})`;
}
