/**
 * The recursive-descent parser of sluice's expression subset: text → a syntax tree with
 * source spans (for caret messages). It knows grammar only; names and types are checked by
 * `expression-type-check.ts`.
 *
 * Precedence, loosest first: OR, AND, NOT, predicates (comparison, IS NULL, IN, BETWEEN, LIKE),
 * `||`, `+ -`, `* / %`, unary minus. Printers parenthesise every operation, so the grammar's
 * choices (not each dialect's own precedence table) decide what an expression means.
 */
import type { BinaryOperator } from './expression-node.js';
import { expressionError, type Span } from './expression-errors.js';
import { tokenize, type Token } from './expression-lexer.js';

export type CastTarget = 'string' | 'double' | 'bigint' | 'boolean';

export type SyntaxNode =
  | { readonly kind: 'column'; readonly name: string; readonly quoted: boolean; readonly span: Span }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly literalType: 'string' | 'integer' | 'number' | 'boolean' | 'null'; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: SyntaxNode; readonly right: SyntaxNode; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: 'not' | '-'; readonly operand: SyntaxNode; readonly span: Span }
  | { readonly kind: 'isNull'; readonly operand: SyntaxNode; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'in'; readonly operand: SyntaxNode; readonly list: readonly SyntaxNode[]; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'between'; readonly operand: SyntaxNode; readonly low: SyntaxNode; readonly high: SyntaxNode; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'like'; readonly operand: SyntaxNode; readonly pattern: SyntaxNode; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: SyntaxNode; readonly then: SyntaxNode }[]; readonly else?: SyntaxNode; readonly span: Span }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly SyntaxNode[]; readonly span: Span }
  | { readonly kind: 'cast'; readonly operand: SyntaxNode; readonly to: CastTarget; readonly span: Span };

/** Words with a meaning in the subset; as column names they must be double-quoted. */
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'between', 'like', 'case', 'when', 'then', 'else', 'end', 'cast', 'as', 'true', 'false']);

/** SQL words outside the subset that users (or attackers) write; each gets a pointed message. */
const REJECTED_KEYWORDS: Readonly<Record<string, string>> = {
  select: 'Subqueries are not supported: an expression computes one value from the columns of the current row.',
  from: 'FROM belongs to a query; an expression only refers to the columns of the current row.',
  where: 'WHERE belongs to a query; pass the condition itself, e.g. .where("event_type = \'click\'").',
  union: 'UNION is not allowed in an expression.',
  drop: 'DROP is a statement, not an expression.',
  delete: 'DELETE is a statement, not an expression.',
  insert: 'INSERT is a statement, not an expression.',
  update: 'UPDATE is a statement, not an expression.',
  create: 'CREATE is a statement, not an expression.',
  alter: 'ALTER is a statement, not an expression.',
  truncate: 'TRUNCATE is a statement, not an expression.',
  exists: 'EXISTS (subqueries) is not supported.',
  escape: "ESCAPE is not supported (the dialects' escaping differs): to match a % or _ itself, use contains(), starts_with() or ends_with().",
  ilike: 'ILIKE is not supported (not in all three dialects). Compare lower(column) with = or IN instead.',
  rlike: 'Regular expressions are not supported in expressions: their syntax differs between dialects.',
  regexp: 'Regular expressions are not supported in expressions: their syntax differs between dialects.',
  similar: 'SIMILAR TO is not supported.',
  distinct: 'DISTINCT is not allowed: row expressions cannot aggregate. Use countDistinct(column) in a window.',
  over: 'Window functions are not allowed in row expressions. Use window({ ... }) for windowed features.',
  interval: 'INTERVAL literals are not supported: their syntax differs between dialects. Compare numbers instead.',
};

const TYPED_LITERAL_WORDS = new Set(['date', 'timestamp', 'time', 'interval']);

const CAST_TARGETS: Readonly<Record<string, CastTarget>> = {
  double: 'double', bigint: 'bigint', string: 'string', varchar: 'string', boolean: 'boolean',
};

const COMPARISON: Readonly<Record<string, BinaryOperator>> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const MAX_LENGTH = 10_000;
const MAX_DEPTH = 100;

/**
 * Parses expression text into a syntax tree (grammar only; no names or types checked).
 *
 * @example
 * ```ts
 * parseSyntax("amount > 10 AND event_type = 'click'", 'steps[2].derive.x').kind // 'binary'
 * ```
 * @throws ExpressionError `EXPRESSION_SYNTAX` with a caret under the offending text.
 */
export function parseSyntax(text: string, path: string): SyntaxNode {
  if (typeof text !== 'string') {
    throw expressionError('EXPRESSION_SYNTAX', path, String(text), { start: 0, end: 0 }, `An expression must be a string of SQL, got ${typeof text}.`);
  }
  if (text.length > MAX_LENGTH) {
    throw expressionError('EXPRESSION_SYNTAX', path, text.slice(0, 80) + '…', { start: 0, end: 1 }, `This expression is ${text.length} characters long; the limit is ${MAX_LENGTH}. Split it into several derived columns.`);
  }
  return new Parser(text, path).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly path: string) {
    this.tokens = tokenize(text, path);
  }

  parseAll(): SyntaxNode {
    if (this.peek().kind === 'end') this.fail(this.peek(), 'The expression is empty. Write a value, e.g. amount * 2 or event_type = \'click\'.');
    const node = this.parseOr();
    const next = this.peek();
    this.rejectKeyword(next);
    if (next.kind !== 'end') this.fail(next, `Unexpected ${describe(next)} after a complete expression. Join conditions with AND/OR, or check for a missing operator or parenthesis.`);
    return node;
  }

  // ---- token helpers ----

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'identifier' && t.value.toLowerCase() === word;
  }

  private isOperator(op: string): boolean {
    const t = this.peek();
    return t.kind === 'operator' && t.value === op;
  }

  private expectKeyword(word: string, context: string): Token {
    if (!this.isKeyword(word)) this.fail(this.peek(), `Expected ${word.toUpperCase()} ${context}, found ${describe(this.peek())}.`);
    return this.next();
  }

  private expectOperator(op: string, context: string): Token {
    if (!this.isOperator(op)) this.fail(this.peek(), `Expected "${op}" ${context}, found ${describe(this.peek())}.`);
    return this.next();
  }

  private fail(token: Token | Span, message: string): never {
    const span = { start: token.start, end: Math.max(token.end, token.start + 1) };
    throw expressionError('EXPRESSION_SYNTAX', this.path, this.text, span, message);
  }

  private nested<T>(start: Span, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(start, `The expression nests deeper than ${MAX_DEPTH} levels. Simplify it.`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  // ---- grammar, loosest binding first ----

  private parseOr(): SyntaxNode {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      const op = this.next();
      left = { kind: 'binary', op: 'or', left, right: this.parseAnd(), span: op };
    }
    return left;
  }

  private parseAnd(): SyntaxNode {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      const op = this.next();
      left = { kind: 'binary', op: 'and', left, right: this.parseNot(), span: op };
    }
    return left;
  }

  private parseNot(): SyntaxNode {
    if (this.isKeyword('not')) {
      const op = this.next();
      return this.nested(op, () => ({ kind: 'unary', op: 'not', operand: this.parseNot(), span: op }));
    }
    return this.parsePredicate();
  }

  private parsePredicate(): SyntaxNode {
    const left = this.parseConcat();
    const token = this.peek();
    if (token.kind === 'operator' && Object.hasOwn(COMPARISON, token.value)) {
      this.next();
      const node: SyntaxNode = { kind: 'binary', op: COMPARISON[token.value]!, left, right: this.parseConcat(), span: token };
      const after = this.peek();
      if (after.kind === 'operator' && Object.hasOwn(COMPARISON, after.value)) {
        this.fail(after, 'Comparisons cannot be chained (a < b < c). Write a < b AND b < c.');
      }
      return node;
    }
    if (this.isKeyword('is')) {
      this.next();
      const negated = this.isKeyword('not');
      if (negated) this.next();
      if (!this.isKeyword('null')) this.fail(this.peek(), `Only IS NULL and IS NOT NULL are supported after IS; found ${describe(this.peek())}. For booleans compare with = TRUE.`);
      const end = this.next();
      return { kind: 'isNull', operand: left, negated, span: { start: token.start, end: end.end } };
    }
    const negated = this.isKeyword('not') && (this.isKeyword('in', 1) || this.isKeyword('between', 1) || this.isKeyword('like', 1));
    if (negated) this.next();
    if (this.isKeyword('in')) {
      const inToken = this.next();
      this.expectOperator('(', 'after IN');
      if (this.isKeyword('select')) this.fail(this.peek(), REJECTED_KEYWORDS.select!);
      const list: SyntaxNode[] = [];
      if (this.isOperator(')')) this.fail(this.peek(), 'IN needs at least one value: IN (\'a\', \'b\').');
      do list.push(this.parseConcat());
      while (this.isOperator(',') && this.next());
      this.expectOperator(')', 'to close the IN list');
      return { kind: 'in', operand: left, list, negated, span: inToken };
    }
    if (this.isKeyword('between')) {
      const betweenToken = this.next();
      const low = this.parseConcat();
      this.expectKeyword('and', 'between the two bounds of BETWEEN');
      const high = this.parseConcat();
      return { kind: 'between', operand: left, low, high, negated, span: betweenToken };
    }
    if (this.isKeyword('like')) {
      const likeToken = this.next();
      const pattern = this.parseConcat();
      return { kind: 'like', operand: left, pattern, negated, span: likeToken };
    }
    this.rejectKeyword(this.peek());
    return left;
  }

  /** Fails with a pointed message when `token` is a SQL word outside the subset. */
  private rejectKeyword(token: Token): void {
    const word = token.kind === 'identifier' ? token.value.toLowerCase() : '';
    if (Object.hasOwn(REJECTED_KEYWORDS, word)) this.fail(token, REJECTED_KEYWORDS[word]!);
  }

  private parseConcat(): SyntaxNode {
    let left = this.parseAdditive();
    while (this.isOperator('||')) {
      const op = this.next();
      left = { kind: 'binary', op: '||', left, right: this.parseAdditive(), span: op };
    }
    return left;
  }

  private parseAdditive(): SyntaxNode {
    let left = this.parseMultiplicative();
    while (this.isOperator('+') || this.isOperator('-')) {
      const op = this.next();
      left = { kind: 'binary', op: op.value as '+' | '-', left, right: this.parseMultiplicative(), span: op };
    }
    return left;
  }

  private parseMultiplicative(): SyntaxNode {
    let left = this.parseUnary();
    while (this.isOperator('*') || this.isOperator('/') || this.isOperator('%')) {
      const op = this.next();
      left = { kind: 'binary', op: op.value as '*' | '/' | '%', left, right: this.parseUnary(), span: op };
    }
    return left;
  }

  private parseUnary(): SyntaxNode {
    if (this.isOperator('-') || this.isOperator('+')) {
      const op = this.next();
      const operand = this.nested(op, () => this.parseUnary());
      if (op.value === '+') return operand;
      // Fold negative number literals so they print as plain literals.
      if (operand.kind === 'literal' && typeof operand.value === 'number') {
        return { ...operand, value: operand.value === 0 ? 0 : -operand.value, span: { start: op.start, end: operand.span.end } };
      }
      return { kind: 'unary', op: '-', operand, span: op };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): SyntaxNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.next();
        return this.numberLiteral(token);
      case 'string':
        this.next();
        return { kind: 'literal', value: token.value, literalType: 'string', span: token };
      case 'quotedIdentifier':
        this.next();
        if (this.isOperator('(')) this.fail(token, `A quoted name cannot be called as a function. Write the function name without quotes.`);
        return { kind: 'column', name: token.value, quoted: true, span: token };
      case 'end':
        return this.fail(token, 'The expression ends too early: a value is missing here.');
      case 'operator':
        if (token.value === '(') {
          this.next();
          if (this.isKeyword('select')) this.fail(this.peek(), REJECTED_KEYWORDS.select!);
          const inner = this.nested(token, () => this.parseOr());
          this.expectOperator(')', 'to close the parenthesis opened here');
          return inner;
        }
        if (token.value === '*') return this.fail(token, 'A bare * is not a value. Name the column you mean.');
        return this.fail(token, `Unexpected ${describe(token)}: a value (column, literal, function call or parenthesis) is expected here.`);
      case 'identifier':
        return this.parseWord(token);
    }
  }

  private parseWord(token: Token): SyntaxNode {
    const word = token.value.toLowerCase();
    this.rejectKeyword(token);
    if (TYPED_LITERAL_WORDS.has(word) && this.peek(1).kind === 'string') {
      this.fail({ start: token.start, end: this.peek(1).end }, `Typed literals such as ${token.value.toUpperCase()} '...' are not supported: their syntax differs between dialects. Compare numbers, or derive the value in the schema.`);
    }
    switch (word) {
      case 'true':
      case 'false':
        this.next();
        return { kind: 'literal', value: word === 'true', literalType: 'boolean', span: token };
      case 'null':
        this.next();
        return { kind: 'literal', value: null, literalType: 'null', span: token };
      case 'case':
        return this.nested(token, () => this.parseCase());
      case 'cast':
        return this.nested(token, () => this.parseCast());
    }
    if (KEYWORDS.has(word)) {
      this.fail(token, `Unexpected keyword ${token.value.toUpperCase()}: a value is expected here. If it is a column name, write it in double quotes: "${token.value}".`);
    }
    this.next();
    if (this.isOperator('(')) return this.nested(token, () => this.parseCall(token));
    const after = this.peek();
    this.rejectKeyword(after);
    if (after.kind === 'identifier' && !KEYWORDS.has(after.value.toLowerCase())) {
      this.fail(after, `Unexpected word ${JSON.stringify(after.value)} after ${JSON.stringify(token.value)}. Column names with spaces need double quotes; otherwise an operator is missing.`);
    }
    return { kind: 'column', name: token.value, quoted: false, span: token };
  }

  private parseCall(name: Token): SyntaxNode {
    this.expectOperator('(', 'after the function name');
    const args: SyntaxNode[] = [];
    if (this.isOperator('*')) this.fail(this.peek(), `${name.value}(*) is an aggregate; row expressions cannot aggregate. Use count() in a window.`);
    if (!this.isOperator(')')) {
      do args.push(this.parseOr());
      while (this.isOperator(',') && this.next());
    }
    const close = this.expectOperator(')', `to close the call to ${name.value}()`);
    return { kind: 'call', name: name.value, args, span: { start: name.start, end: close.end } };
  }

  private parseCase(): SyntaxNode {
    const caseToken = this.next();
    // `CASE x WHEN v THEN …` is sugar for `CASE WHEN x = v THEN …`.
    const subject = this.isKeyword('when') ? undefined : this.parseConcat();
    const whens: { when: SyntaxNode; then: SyntaxNode }[] = [];
    while (this.isKeyword('when')) {
      const whenToken = this.next();
      const value = subject === undefined ? this.parseOr() : this.parseConcat();
      const when: SyntaxNode = subject === undefined ? value : { kind: 'binary', op: '=', left: subject, right: value, span: whenToken };
      this.expectKeyword('then', 'after the WHEN condition');
      whens.push({ when, then: this.parseOr() });
    }
    if (whens.length === 0) this.fail(this.peek(), 'CASE needs at least one WHEN … THEN … branch.');
    let otherwise: SyntaxNode | undefined;
    if (this.isKeyword('else')) {
      this.next();
      otherwise = this.parseOr();
    }
    const end = this.expectKeyword('end', 'to close the CASE expression');
    const span = { start: caseToken.start, end: end.end };
    return otherwise === undefined ? { kind: 'case', whens, span } : { kind: 'case', whens, else: otherwise, span };
  }

  private parseCast(): SyntaxNode {
    const castToken = this.next();
    this.expectOperator('(', 'after CAST');
    const operand = this.parseOr();
    this.expectKeyword('as', 'inside CAST(value AS type)');
    const typeToken = this.next();
    const to = typeToken.kind === 'identifier' && Object.hasOwn(CAST_TARGETS, typeToken.value.toLowerCase()) ? CAST_TARGETS[typeToken.value.toLowerCase()] : undefined;
    if (to === undefined) {
      this.fail(typeToken, `CAST supports the portable types double, bigint, string (or varchar) and boolean; found ${describe(typeToken)}.`);
    }
    const close = this.expectOperator(')', 'to close CAST(value AS type)');
    return { kind: 'cast', operand, to, span: { start: castToken.start, end: close.end } };
  }

  private numberLiteral(token: Token): SyntaxNode {
    const value = Number(token.value);
    const isInteger = /^[0-9]+$/.test(token.value);
    if (!Number.isFinite(value)) this.fail(token, `The number ${token.value} is too large.`);
    if (isInteger && !Number.isSafeInteger(value)) {
      this.fail(token, `The integer ${token.value} is larger than 2^53 and would lose precision in JavaScript. Use a smaller number.`);
    }
    return { kind: 'literal', value, literalType: isInteger ? 'integer' : 'number', span: token };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end': return 'the end of the expression';
    case 'string': return `the string '${token.value}'`;
    case 'number': return `the number ${token.value}`;
    case 'quotedIdentifier': return `the name "${token.value}"`;
    case 'operator': return `"${token.value}"`;
    case 'identifier': return KEYWORDS.has(token.value.toLowerCase()) ? `the keyword ${token.value.toUpperCase()}` : `the word ${JSON.stringify(token.value)}`;
  }
}
