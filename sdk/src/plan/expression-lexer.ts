/**
 * The lexer of sluice's expression subset. It knows exactly the tokens the subset uses and
 * refuses everything else at the character where it starts — comments, semicolons and
 * backticks included — so text such as `1; DROP TABLE x` never gets past the first `;`.
 */
import { expressionError } from './expression-errors.js';

export type TokenKind = 'identifier' | 'quotedIdentifier' | 'string' | 'number' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** identifier: the text as written; quotedIdentifier/string: the unescaped value; operator: the operator. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '+', '-', '*', '/', '%', '=', '<', '>', '(', ')', ','] as const;

/**
 * Splits expression text into tokens, ending with one `end` token.
 *
 * @example
 * ```ts
 * tokenize("amount * 2").map((t) => t.value) // ['amount', '*', '2', '']
 * ```
 * @throws ExpressionError `EXPRESSION_SYNTAX` at the first character outside the subset.
 */
export function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (start: number, end: number, message: string): never => {
    throw expressionError('EXPRESSION_SYNTAX', path, text, { start, end }, message);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (text.startsWith('--', i) || text.startsWith('/*', i)) {
      fail(i, text.length, 'Comments (-- and /* */) are not allowed in an expression. Remove the comment.');
    }
    if (c === ';') {
      fail(i, i + 1, 'A semicolon is not allowed: an expression is one value, not a list of SQL statements. Remove the ";" and everything after it.');
    }
    if (c === '`') {
      fail(i, i + 1, 'Backticks are not part of the shared SQL subset. Quote a column name with double quotes instead: "my column".');
    }
    if (c === "'" || c === '"') {
      // String literals and quoted names share one rule: the quote doubled stands for itself.
      const unclosed = c === "'"
        ? "This string literal is never closed. End it with ' (write '' for a quote inside it)."
        : 'This quoted column name is never closed. End it with " (write "" for a quote inside it).';
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(start, text.length, unclosed);
        if (text[i] === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      if (c === "'") {
        tokens.push({ kind: 'string', value, start, end: i });
        continue;
      }
      if (value === '') fail(start, i, 'An empty quoted name "" is not a column. Write the column name between the quotes.');
      tokens.push({ kind: 'quotedIdentifier', value, start, end: i });
      continue;
    }
    const number = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      if (i < text.length && /[A-Za-z_]/.test(text[i]!)) {
        fail(start, i + 1, `"${text.slice(start, i + 1)}" is not a number. Separate a number from a name with an operator or a space.`);
      }
      tokens.push({ kind: 'number', value: number[0], start, end: i });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      i += word[0].length;
      tokens.push({ kind: 'identifier', value: word[0], start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ kind: 'operator', value: op, start, end: i });
      continue;
    }
    if (/^\p{L}/u.test(String.fromCodePoint(text.codePointAt(i)!))) {
      // A letter of another script inside a name: the user means a column, so say how to write it.
      const start = i - /[\p{L}\p{N}_]*$/u.exec(text.slice(0, i))![0].length;
      const end = i + /^[\p{L}\p{N}_]*/u.exec(text.slice(i))![0].length;
      const name = text.slice(start, end);
      fail(start, end, `The name ${name} has characters beyond a-z, 0-9 and _: quote it, "${name.replaceAll('"', '""')}", to name a column.`);
    }
    fail(i, i + 1, `The character ${JSON.stringify(c)} is not part of the expression subset (columns, literals, + - * / % ||, comparisons, AND/OR/NOT, IS NULL, IN, BETWEEN, CASE, CAST and the portable functions).`);
  }
  tokens.push({ kind: 'end', value: '', start: text.length, end: text.length });
  return tokens;
}
