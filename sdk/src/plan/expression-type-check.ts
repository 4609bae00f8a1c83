/**
 * Resolves names and checks types of a parsed expression against the columns in scope, and
 * produces the plan's `ExprNode`. Where the three dialects disagree on an operation's
 * meaning, this is where the expression is rewritten into a form they agree on (or refused):
 *
 * - `a / b` on integers: Trino divides integers as integers, DuckDB and Spark in floating
 *   point → the left side is cast to double, so all three compute `7 / 2 = 3.5`.
 * - `CAST(x AS bigint)` of a double: Spark truncates, DuckDB and Trino round → `round()` first.
 * - `concat(a, b)`: DuckDB skips NULLs, Spark and Trino return NULL → printed as `a || b`,
 *   which is NULL-propagating everywhere.
 * - `CAST(double AS string)` and timestamp casts: the text differs (`1.5` vs `1.5E0`) → refused.
 * - `greatest`/`least` skip NULL arguments (DuckDB and Spark do; Trino returns NULL), so the
 *   Trino printer takes `array_max`/`array_min` of the non-NULL arguments.
 *
 * No value may fail a row (DESIGN §4: one bad row never crashes the batch), so every operation
 * that some dialect would raise an error on is given a NULL result instead, the same in all
 * three dialects and the Lambda's JS evaluator:
 *
 * - `a / b` and `a % b` with `b = 0`: Spark returns NULL, DuckDB ±Infinity or NaN, Trino raises
 *   on integers → the divisor is printed as `nullif(b, 0)` (not for a non-zero literal).
 * - `CAST(string AS double | boolean)` of text that holds no such value: DuckDB and Trino raise,
 *   Spark raises or returns NULL depending on ANSI mode → `TRY_CAST` (Spark 3.5's `try_cast` is
 *   its ANSI cast returning NULL instead of raising, whatever the session's ANSI setting).
 * - `CAST(string AS bigint)`: DuckDB rounds '12.7' to 13, Spark truncates to 12, Trino refuses →
 *   `TRY_CAST(round(TRY_CAST(s AS double)) AS bigint)`: the number the text holds, rounded half
 *   away from zero (like a double), NULL when there is none or it does not fit.
 * - `CAST(double AS bigint)` of NaN, ±Infinity or beyond ±2^63: NULL (`TRY_CAST`).
 * - `sqrt` of a negative number, `ln` of zero or a negative number: DuckDB raises, Spark and
 *   Trino return NaN, NULL or -Infinity → NULL (NaN stays NaN); the printers guard the
 *   argument (sql-printer.ts).
 *
 * `substr()` with a literal length below 1 or a literal start of 0 is refused: the dialects
 * disagree (DuckDB counts a negative length backwards from the start; Spark and Trino return '';
 * for start 0 Trino returns '', DuckDB one character fewer, Spark as if it were 1). A literal
 * negative start counts from the end; where it reaches before the first character, the
 * characters before it are dropped (Spark's rule: `substr('Hello', -7, 3)` = 'H'), which DuckDB
 * followed for constants only and Trino not at all (''): it is planned as the start counted from
 * the front, `substr(s, greatest(length(s) - 7, 0) + 1, greatest(least(3, length(s) - 7 + 3), 0))`.
 *
 * - `trim(s)`: DuckDB's and Trino's one-argument trim also remove other spaces (U+00A0,
 *   U+3000), Spark's only ' ' → printed as `trim(s, ' ')` there, as the JS evaluator does.
 * - Searching and splitting text: `starts_with(s, p)`, `ends_with(s, p)`, `contains(s, p)` are
 *   booleans (the empty text is at the start, the end and inside every text), and
 *   `s LIKE 'prefix%'` (`'%suffix'`, `'%part%'`…) is read as them (see like());
 *   `replace(s, 'search', r)` replaces every occurrence left to right, not overlapping;
 *   `split_part(s, 'delimiter', n)` is the n-th part, 1-based, '' past the last one (Trino's
 *   NULL there is printed as ''). The search text and the delimiter must be written in the
 *   expression and not be empty (for '' Trino's replace inserts between every character,
 *   DuckDB's split_part splits at every character, Spark's does not split), and `n` must be a
 *   whole number of at least 1 written in the expression (Spark raises on 0, Trino on a
 *   negative part, which DuckDB and Spark count from the end). Spark spells `startswith`/
 *   `endswith`; Trino has neither `ends_with` (starts_with of both reversed) nor a text
 *   `contains` (`strpos(s, p) > 0`).
 * - Timestamp parts (`hour(ts)`, `day_of_week(ts)`…) and `date_trunc(unit, ts)` read the
 *   instant in UTC everywhere; the unit must be written as text (time-functions.ts).
 * - NaN (from `CAST('nan' AS double)`) compares equal to itself and above every number in
 *   DuckDB and Spark; the JS evaluator does the same (IEEE would make `NaN = 1` unordered).
 *
 * Known differences left (none fails a row): such lengths and starts when computed from
 * columns; text spellings beyond plain decimals and exponents ('1_000' and 'inf' convert in
 * DuckDB, '1.5d' in Spark and Trino) and boolean words beyond true/false/t/f/1/0 ('yes', 'y',
 * 'no', 'n': not Trino); `lower('İ')` is 'i' in DuckDB and Trino, 'i̇' in Spark, and Spark's
 * upper/lower map whole strings (`upper('straße')` is 'STRASSE', DuckDB's 'STRAẞE'); Spark's
 * `round(x, d)` of a double rounds its decimal text half up (`round(1.005, 2)` = 1.01), DuckDB
 * and the JS evaluator its binary value (1.0) — these reach only `.where()` filters, which Glue
 * evaluates; `floor`/`ceil` of NaN or ±Infinity are BIGINT in Spark (0, clamped), doubles in
 * DuckDB. BIGINT overflow (beyond ±2^63) raises in DuckDB and Trino and wraps in Spark without
 * ANSI mode; the local engine reports it per derive column.
 */
import type { ExprNode, PortableFunction, ScalarType, ParsedExpression } from './expression-node.js';
import { PORTABLE_FUNCTIONS } from './expression-node.js';
import { expressionError, type ExpressionErrorCode, type Span } from './expression-errors.js';
import type { SyntaxNode } from './expression-syntax.js';
import { suggestionText } from './did-you-mean.js';
import { functionHint } from './function-hints.js';
import { DATE_TRUNC_UNITS, type DateTruncUnit } from './time-functions.js';

type TypeClass = 'numeric' | 'string' | 'boolean' | 'timestamp' | 'any';

interface Typed {
  readonly node: ExprNode;
  readonly type: ScalarType;
}

/** Allowed argument counts per portable function: [min, max] (max `Infinity` = variadic). */
const ARITY: Readonly<Record<PortableFunction, readonly [number, number]>> = {
  abs: [1, 1], round: [1, 2], floor: [1, 1], ceil: [1, 1], sqrt: [1, 1], ln: [1, 1], exp: [1, 1], power: [2, 2],
  greatest: [2, Infinity], least: [2, Infinity], lower: [1, 1], upper: [1, 1], length: [1, 1], trim: [1, 1],
  substr: [2, 3], concat: [1, Infinity], coalesce: [1, Infinity], nullif: [2, 2],
  year: [1, 1], month: [1, 1], day: [1, 1], hour: [1, 1], minute: [1, 1], second: [1, 1],
  day_of_week: [1, 1], day_of_year: [1, 1], epoch_ms: [1, 1], date_trunc: [2, 2],
  starts_with: [2, 2], ends_with: [2, 2], contains: [2, 2], replace: [3, 3], split_part: [3, 3],
};

/**
 * Checks a syntax tree against the columns in scope and returns the typed plan node.
 *
 * @example
 * ```ts
 * checkExpression(parseSyntax('amount * 2', path), new Map([['amount', 'number']]), 'amount * 2', path).type // 'number'
 * ```
 * @throws ExpressionError `UNKNOWN_COLUMN`, `UNSUPPORTED_FUNCTION`, `ARGUMENT_COUNT` or `TYPE_MISMATCH`.
 */
export function checkExpression(syntax: SyntaxNode, columns: ReadonlyMap<string, ScalarType>, text: string, path: string): ParsedExpression {
  const result = new Checker(columns, text, path).check(syntax);
  return { text, node: result.node, type: result.type };
}

class Checker {
  constructor(
    private readonly columns: ReadonlyMap<string, ScalarType>,
    private readonly text: string,
    private readonly path: string,
  ) {}

  private fail(code: ExpressionErrorCode, span: Span, message: string): never {
    throw expressionError(code, this.path, this.text, span, message);
  }

  private source(node: SyntaxNode): string {
    const span = spanOf(node);
    return this.text.slice(span.start, span.end) || '(value)';
  }

  check(node: SyntaxNode): Typed {
    switch (node.kind) {
      case 'column':
        return this.column(node);
      case 'literal':
        // A double written as a whole number (2.0, 1e3) is printed as a cast: the bare number
        // would be an integer literal to every dialect and to the Lambda's evaluator.
        if (node.literalType === 'number' && Number.isInteger(node.value)) {
          return { node: { kind: 'cast', operand: { kind: 'literal', value: node.value }, to: 'double' }, type: 'number' };
        }
        return { node: { kind: 'literal', value: node.value }, type: node.literalType };
      case 'binary':
        return this.binary(node);
      case 'unary': {
        const operand = this.check(node.operand);
        if (node.op === 'not') {
          this.expectClass(operand, node.operand, 'boolean', 'NOT needs a condition (a boolean)');
          return { node: { kind: 'unary', op: 'not', operand: operand.node }, type: 'boolean' };
        }
        this.expectClass(operand, node.operand, 'numeric', 'A minus sign needs a number');
        return { node: { kind: 'unary', op: '-', operand: operand.node }, type: operand.type === 'null' ? 'integer' : operand.type };
      }
      case 'isNull':
        return { node: { kind: 'isNull', operand: this.check(node.operand).node, negated: node.negated }, type: 'boolean' };
      case 'in': {
        const operand = this.check(node.operand);
        const list = node.list.map((item) => this.check(item));
        list.forEach((item, i) => this.expectComparable(operand, node.operand, item, node.list[i]!, node.negated ? 'NOT IN' : 'IN'));
        return { node: { kind: 'in', operand: operand.node, list: list.map((i) => i.node), negated: node.negated }, type: 'boolean' };
      }
      case 'between': {
        const operand = this.check(node.operand);
        const low = this.check(node.low);
        const high = this.check(node.high);
        this.expectComparable(operand, node.operand, low, node.low, 'BETWEEN');
        this.expectComparable(operand, node.operand, high, node.high, 'BETWEEN');
        return { node: { kind: 'between', operand: operand.node, low: low.node, high: high.node, negated: node.negated }, type: 'boolean' };
      }
      case 'like':
        return this.like(node);
      case 'case':
        return this.caseExpr(node);
      case 'call':
        return this.call(node);
      case 'cast':
        return this.cast(node);
    }
  }

  private column(node: Extract<SyntaxNode, { kind: 'column' }>): Typed {
    const exact = this.columns.get(node.name);
    if (exact !== undefined) return { node: { kind: 'column', name: node.name }, type: exact };
    const names = [...this.columns.keys()];
    // Unquoted SQL names are case-insensitive in all three dialects; quoted ones are exact.
    const folded = names.filter((n) => n.toLowerCase() === node.name.toLowerCase());
    if (!node.quoted && folded.length === 1) return { node: { kind: 'column', name: folded[0]! }, type: this.columns.get(folded[0]!)! };
    const hint = node.quoted && folded.length ? `Quoted names match exactly: did you mean "${folded[0]}"? ` : '';
    this.fail('UNKNOWN_COLUMN', node.span, `Unknown column "${node.name}". ${hint || suggestionText(node.name, names, 'Available columns')}`.trimEnd());
  }

  private binary(node: Extract<SyntaxNode, { kind: 'binary' }>): Typed {
    const left = this.check(node.left);
    const right = this.check(node.right);
    const op = node.op;
    switch (op) {
      case 'and':
      case 'or':
        this.expectClass(left, node.left, 'boolean', `${op.toUpperCase()} joins conditions (booleans)`);
        this.expectClass(right, node.right, 'boolean', `${op.toUpperCase()} joins conditions (booleans)`);
        return { node: { kind: 'binary', op, left: left.node, right: right.node }, type: 'boolean' };
      case '||':
        this.expectClass(left, node.left, 'string', '|| joins strings', 'CAST(x AS string) first to join other values.');
        this.expectClass(right, node.right, 'string', '|| joins strings', 'CAST(x AS string) first to join other values.');
        return { node: { kind: 'binary', op, left: left.node, right: right.node }, type: 'string' };
      case '=': case '<>': case '<': case '<=': case '>': case '>=':
        this.expectComparable(left, node.left, right, node.right, op);
        return { node: { kind: 'binary', op, left: left.node, right: right.node }, type: 'boolean' };
      case '+': case '-': case '*': case '/': case '%': {
        const why = `Arithmetic (${op}) needs numbers`;
        const fix = `${op === '+' ? 'To join strings use ||. ' : ''}CAST(x AS double) converts a string that holds a number (NULL where it holds none).`;
        this.expectClass(left, node.left, 'numeric', why, fix);
        this.expectClass(right, node.right, 'numeric', why, fix);
        if (op === '/') {
          // See the file comment: integer division must not depend on the dialect.
          const dividend: ExprNode = left.type === 'number' ? left.node : { kind: 'cast', operand: left.node, to: 'double' };
          return { node: { kind: 'binary', op, left: dividend, right: nullIfZero(right.node) }, type: 'number' };
        }
        const type: ScalarType = left.type === 'unknown' || right.type === 'unknown' ? 'unknown' : left.type === 'number' || right.type === 'number' ? 'number' : 'integer';
        return { node: { kind: 'binary', op, left: left.node, right: op === '%' ? nullIfZero(right.node) : right.node }, type };
      }
    }
  }

  private caseExpr(node: Extract<SyntaxNode, { kind: 'case' }>): Typed {
    const whens = node.whens.map((w) => {
      const when = this.check(w.when);
      this.expectClass(when, w.when, 'boolean', 'A WHEN branch needs a condition (a boolean)');
      return { when, then: this.check(w.then), thenSyntax: w.then };
    });
    const results = whens.map((w) => ({ typed: w.then, syntax: w.thenSyntax }));
    const otherwise = node.else === undefined ? undefined : this.check(node.else);
    if (otherwise && node.else) results.push({ typed: otherwise, syntax: node.else });
    const type = this.unify(results, 'The branches of a CASE must all have the same type');
    const caseNode: ExprNode = {
      kind: 'case',
      whens: whens.map((w) => ({ when: w.when.node, then: w.then.node })),
      ...(otherwise ? { else: otherwise.node } : {}),
    };
    return { node: caseNode, type };
  }

  private call(node: Extract<SyntaxNode, { kind: 'call' }>): Typed {
    const name = node.name.toLowerCase();
    if (!(PORTABLE_FUNCTIONS as readonly string[]).includes(name)) {
      const nameSpan = { start: node.span.start, end: node.span.start + node.name.length };
      const hint = functionHint(name);
      this.fail('UNSUPPORTED_FUNCTION', nameSpan, `The function ${node.name}() is not in the portable subset shared by DuckDB, Spark and Trino. ${hint ?? suggestionText(name, PORTABLE_FUNCTIONS, 'Supported functions')}`);
    }
    const fn = name as PortableFunction;
    const [min, max] = ARITY[fn];
    if (node.args.length < min || node.args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail('ARGUMENT_COUNT', node.span, `${fn}() takes ${expected} argument${min === 1 && max === 1 ? '' : 's'}, got ${node.args.length}.`);
    }
    const args = node.args.map((a) => this.check(a));
    const at = (i: number) => ({ typed: args[i]!, syntax: node.args[i]! });
    const call = (type: ScalarType): Typed => ({ node: { kind: 'call', fn, args: args.map((a) => a.node) }, type });
    switch (fn) {
      case 'abs':
        this.expectClass(args[0]!, node.args[0]!, 'numeric', `${fn}() needs a number`);
        return call(args[0]!.type === 'null' ? 'integer' : args[0]!.type);
      case 'round':
      case 'floor':
      case 'ceil':
        this.expectClass(args[0]!, node.args[0]!, 'numeric', `${fn}() needs a number`);
        if (args[1]) this.expectType(args[1], node.args[1]!, ['integer'], 'The second argument of round() is a whole number of decimal places');
        return call(args[0]!.type === 'integer' ? 'integer' : 'number');
      case 'sqrt': case 'ln': case 'exp': case 'power':
        args.forEach((a, i) => this.expectClass(a, node.args[i]!, 'numeric', `${fn}() needs numbers`));
        return call('number');
      case 'lower': case 'upper': case 'trim':
        this.expectClass(args[0]!, node.args[0]!, 'string', `${fn}() needs a string`);
        return call('string');
      case 'length':
        this.expectClass(args[0]!, node.args[0]!, 'string', 'length() needs a string');
        return call('integer');
      case 'substr': {
        this.expectClass(args[0]!, node.args[0]!, 'string', 'substr() takes a string first');
        for (let i = 1; i < args.length; i++) this.expectType(args[i]!, node.args[i]!, ['integer'], 'substr() takes whole-number positions (1-based) and lengths');
        this.refuseUnportableSubstr(node);
        // A literal start counted from the end is planned as one counted from the front (file comment).
        const start = node.args[1]!;
        if (start.kind === 'literal' && typeof start.value === 'number' && start.value < 0) {
          return { node: substrFromEnd(args[0]!.node, start.value, args[2]?.node), type: 'string' };
        }
        return call('string');
      }
      case 'concat': {
        args.forEach((a, i) => this.expectClass(a, node.args[i]!, 'string', 'concat() joins strings', 'CAST(x AS string) first.'));
        // See the file comment: concat's NULL handling differs, `||` does not.
        const joined = args.map((a) => a.node).reduce((l, r) => ({ kind: 'binary', op: '||', left: l, right: r }));
        return { node: joined, type: 'string' };
      }
      case 'greatest': case 'least': case 'coalesce':
        return call(this.unify(args.map((_, i) => at(i)), `The arguments of ${fn}() must all have the same type`));
      case 'nullif':
        this.expectComparable(args[0]!, node.args[0]!, args[1]!, node.args[1]!, 'nullif()');
        return call(args[0]!.type);
      case 'starts_with': case 'ends_with': case 'contains':
        args.forEach((a, i) => this.expectClass(a, node.args[i]!, 'string', `${fn}() compares text`, 'CAST(x AS string) first.'));
        return call('boolean');
      case 'replace':
        this.expectClass(args[0]!, node.args[0]!, 'string', 'replace() works on text');
        this.literalText(node.args[1]!, "replace() takes the text to search for as a non-empty text literal, e.g. replace(url, 'http://', 'https://')");
        this.expectClass(args[2]!, node.args[2]!, 'string', 'replace() puts text in place of what it finds');
        return call('string');
      case 'split_part': {
        this.expectClass(args[0]!, node.args[0]!, 'string', 'split_part() splits text');
        this.literalText(node.args[1]!, "split_part() takes the delimiter as a non-empty text literal, e.g. split_part(email, '@', 2)");
        const part = node.args[2]!;
        if (part.kind !== 'literal' || part.literalType !== 'integer' || (part.value as number) < 1) {
          this.fail('TYPE_MISMATCH', spanOf(part), `split_part() takes the part's number as a whole number of at least 1 written in the expression (the first part is 1), got ${this.source(part)}: the dialects disagree on 0, on negative parts and on parts computed from columns.`);
        }
        return call('string');
      }
      case 'date_trunc': {
        const unit = this.truncUnit(node.args[0]!);
        this.expectClass(args[1]!, node.args[1]!, 'timestamp', 'date_trunc() truncates a timestamp');
        return { node: { kind: 'call', fn, args: [{ kind: 'literal', value: unit }, args[1]!.node] }, type: 'timestamp' };
      }
      default:
        // The parts of a timestamp (time-functions.ts).
        this.expectClass(args[0]!, node.args[0]!, 'timestamp', `${fn}() reads a timestamp`, fn === 'epoch_ms' ? '' : 'Use it on a z.date() or z.coerce.date() column.');
        return call('integer');
    }
  }

  /**
   * `s LIKE 'pattern'`, for the patterns every dialect reads alike and the functions above say
   * exactly: 'text' (=), 'prefix%', '%suffix', '%part%', 'prefix%suffix', '%'. The pattern is
   * written in the expression; `_` and `\` are refused (the dialects' escaping differs: Spark's
   * default escape is `\`, DuckDB and Trino have none), as is a `%` between two parts (a
   * position no portable function finds).
   */
  private like(node: Extract<SyntaxNode, { kind: 'like' }>): Typed {
    const operand = this.check(node.operand);
    const word = node.negated ? 'NOT LIKE' : 'LIKE';
    this.expectClass(operand, node.operand, 'string', `${word} matches text`, 'CAST(x AS string) first.');
    const pattern = node.pattern;
    if (pattern.kind !== 'literal' || typeof pattern.value !== 'string') {
      this.fail('TYPE_MISMATCH', spanOf(pattern), `${word} takes its pattern as a text literal, e.g. page LIKE '/product/%'; got ${this.source(pattern)}.`);
    }
    const text = pattern.value as string;
    if (/[_\\]/.test(text)) {
      this.fail('TYPE_MISMATCH', spanOf(pattern), `${word} patterns with _ or \\ are not supported: DuckDB, Spark and Trino escape them differently. Use % at the start and/or the end only, or starts_with(), ends_with(), contains(), length() and substr().`);
    }
    const parts = text.split(/%+/);
    if (parts.length > 3 || (parts.length === 3 && (parts[0] !== '' || parts[2] !== ''))) {
      this.fail('TYPE_MISMATCH', spanOf(pattern), `${word} supports % at the start and/or the end of the pattern only, e.g. '/product/%', '%.pdf', '%error%'; got ${this.source(pattern)}. For more than one part, join conditions: contains(s, 'a') AND contains(s, 'b').`);
    }
    const s = operand.node;
    const lit = (value: string): ExprNode => ({ kind: 'literal', value });
    const call = (fn: PortableFunction, ...args: ExprNode[]): ExprNode => ({ kind: 'call', fn, args });
    let matched: ExprNode;
    if (parts.length === 1) matched = { kind: 'binary', op: '=', left: s, right: lit(text) };
    else if (parts.length === 3) matched = call('contains', s, lit(parts[1]!));
    else {
      const [head, tail] = parts as [string, string];
      if (head === '' || tail === '') matched = head === '' ? call('ends_with', s, lit(tail)) : call('starts_with', s, lit(head));
      else {
        // 'ab%b' needs three characters at least: the prefix and the suffix must not overlap.
        const long: ExprNode = { kind: 'binary', op: '>=', left: call('length', s), right: { kind: 'literal', value: [...head].length + [...tail].length } };
        matched = { kind: 'binary', op: 'and', left: { kind: 'binary', op: 'and', left: call('starts_with', s, lit(head)), right: call('ends_with', s, lit(tail)) }, right: long };
      }
    }
    return { node: node.negated ? { kind: 'unary', op: 'not', operand: matched } : matched, type: 'boolean' };
  }

  /** A text argument that must be written in the expression and not be empty (see the file comment). */
  private literalText(syntax: SyntaxNode, rule: string): void {
    if (syntax.kind !== 'literal' || typeof syntax.value !== 'string' || syntax.value === '') {
      this.fail('TYPE_MISMATCH', spanOf(syntax), `${rule}; got ${this.source(syntax)}. DuckDB, Spark and Trino disagree on an empty one.`);
    }
  }

  /** `date_trunc()`'s unit: text written in the expression, one of DATE_TRUNC_UNITS (any case), returned in lower case. */
  private truncUnit(syntax: SyntaxNode): DateTruncUnit {
    const units = DATE_TRUNC_UNITS.map((u) => `'${u}'`).join(', ');
    if (syntax.kind !== 'literal' || typeof syntax.value !== 'string') {
      this.fail('TYPE_MISMATCH', spanOf(syntax), `date_trunc() takes the unit first, as text: one of ${units}; got ${this.source(syntax)}. Write e.g. date_trunc('day', ts).`);
    }
    const unit = syntax.value.toLowerCase();
    if (!(DATE_TRUNC_UNITS as readonly string[]).includes(unit)) {
      this.fail('TYPE_MISMATCH', syntax.span, `date_trunc() has no unit '${syntax.value}'. ${suggestionText(unit, DATE_TRUNC_UNITS, 'Units')}`);
    }
    return unit as DateTruncUnit;
  }

  private cast(node: Extract<SyntaxNode, { kind: 'cast' }>): Typed {
    const operand = this.check(node.operand);
    const from = operand.type;
    if (from === 'timestamp') {
      this.fail('TYPE_MISMATCH', node.span, `Casting a timestamp is not supported: DuckDB, Spark and Trino disagree on its text and number forms. For a number use epoch_ms(${this.source(node.operand)}) (milliseconds since 1970, UTC), or its parts: year(), month(), day(), hour(), minute(), second(), day_of_week(), day_of_year(); date_trunc('day', ${this.source(node.operand)}) for the start of its day.`);
    }
    if (node.to === 'string' && from === 'number') {
      this.fail('TYPE_MISMATCH', node.span, `CAST(${this.source(node.operand)} AS string) of a double is not portable: the dialects print doubles differently (1.5 vs 1.5E0). Round and cast to bigint first, e.g. CAST(CAST(x AS bigint) AS string).`);
    }
    const fromText = from === 'string' || from === 'unknown';
    if (node.to === 'bigint' && (from === 'number' || fromText)) {
      // See the file comment: Spark truncates where DuckDB and Trino round, and text goes
      // through double so that '12.7' means the same everywhere.
      const number: ExprNode = from === 'number' ? operand.node : { kind: 'cast', operand: operand.node, to: 'double', try: true };
      return { node: { kind: 'cast', operand: { kind: 'call', fn: 'round', args: [number] }, to: 'bigint', try: true }, type: 'integer' };
    }
    const type: ScalarType = node.to === 'string' ? 'string' : node.to === 'double' ? 'number' : node.to === 'bigint' ? 'integer' : 'boolean';
    // See the file comment: text that holds no such value becomes NULL, not an error.
    const cast: ExprNode = fromText && node.to !== 'string' ? { kind: 'cast', operand: operand.node, to: node.to, try: true } : { kind: 'cast', operand: operand.node, to: node.to };
    return { node: cast, type };
  }

  /** See the file comment: literal positions and lengths on which the dialects disagree. */
  private refuseUnportableSubstr(node: Extract<SyntaxNode, { kind: 'call' }>): void {
    const [, start, length] = node.args;
    if (start?.kind === 'literal' && start.value === 0) {
      this.fail('TYPE_MISMATCH', start.span, 'substr() positions start at 1 (the first character); 0 means different things in DuckDB, Spark and Trino. Write 1, or a negative position to count from the end.');
    }
    if (length?.kind === 'literal' && typeof length.value === 'number' && length.value < 1) {
      this.fail('TYPE_MISMATCH', length.span, `substr() takes a length of at least 1, got ${length.value}: DuckDB counts a negative length backwards while Spark and Trino return ''. To take characters before a position, start earlier: substr(s, start - n, n).`);
    }
  }

  // ---- type rules ----

  private expectClass(value: Typed, syntax: SyntaxNode, wanted: Exclude<TypeClass, 'any'>, why: string, fix = ''): void {
    const actual = classOf(value.type);
    if (actual !== 'any' && actual !== wanted) {
      this.fail('TYPE_MISMATCH', spanOf(syntax), `${why}, but ${this.source(syntax)} is ${article(value.type)}.${fix ? ` ${fix}` : ''}`);
    }
  }

  private expectType(value: Typed, syntax: SyntaxNode, wanted: readonly ScalarType[], why: string): void {
    if (value.type !== 'unknown' && value.type !== 'null' && !wanted.includes(value.type)) {
      this.fail('TYPE_MISMATCH', spanOf(syntax), `${why}, but ${this.source(syntax)} is ${article(value.type)}.`);
    }
  }

  private expectComparable(left: Typed, leftSyntax: SyntaxNode, right: Typed, rightSyntax: SyntaxNode, op: string): void {
    const a = classOf(left.type);
    const b = classOf(right.type);
    if (a !== 'any' && b !== 'any' && a !== b) {
      const span = { start: spanOf(leftSyntax).start, end: spanOf(rightSyntax).end };
      const fix = a === 'string' || b === 'string' ? ' Compare like with like: quote text values, or CAST(x AS double) a string that holds a number (NULL where it holds none).' : ' Compare values of the same type.';
      this.fail('TYPE_MISMATCH', span, `Cannot compare ${this.source(leftSyntax)} (${left.type}) with ${this.source(rightSyntax)} (${right.type}) using ${op}.${fix}`);
    }
  }

  /** The common type of several values (CASE branches, coalesce arguments), or a TYPE_MISMATCH. */
  private unify(values: readonly { typed: Typed; syntax: SyntaxNode }[], why: string): ScalarType {
    let type: ScalarType = 'null';
    let first: { typed: Typed; syntax: SyntaxNode } | undefined;
    for (const value of values) {
      const t = value.typed.type;
      if (t === 'null') continue;
      if (t === 'unknown') {
        if (type === 'null') type = 'unknown';
        continue;
      }
      if (first === undefined || type === 'unknown') {
        first ??= value;
        type = t;
        continue;
      }
      if (classOf(t) !== classOf(type)) {
        this.fail('TYPE_MISMATCH', spanOf(value.syntax), `${why}: ${this.source(first.syntax)} is ${article(first.typed.type)} but ${this.source(value.syntax)} is ${article(t)}.`);
      }
      if (t === 'number') type = 'number';
    }
    return type;
  }
}

/**
 * `substr(s, -k[, n])` with the start counted from the end, as a start counted from the front
 * (see the file comment): the 0-based start `length(s) - k`, the characters before the first
 * one dropped, so `substr('Hello', -7, 3)` is 'H' everywhere. DuckDB gave 'Hel' for a column and
 * 'H' for the same text as a constant; Trino gives ''.
 */
function substrFromEnd(text: ExprNode, start: number, length: ExprNode | undefined): ExprNode {
  const int = (value: number): ExprNode => ({ kind: 'literal', value });
  const plus = (left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'binary', op: '+', left, right });
  const call = (fn: PortableFunction, ...args: ExprNode[]): ExprNode => ({ kind: 'call', fn, args });
  const first = plus(call('length', text), int(start));
  const from = plus(call('greatest', first, int(0)), int(1));
  if (length === undefined) return call('substr', text, from);
  return call('substr', text, from, call('greatest', call('least', length, plus(first, length)), int(0)));
}

/** `nullif(divisor, 0)`, so that dividing by zero is NULL in every dialect (see the file comment). */
function nullIfZero(divisor: ExprNode): ExprNode {
  // A literal, or a double written as a whole number (a cast of one), that is not 0.
  const literal = divisor.kind === 'cast' && !divisor.try ? divisor.operand : divisor;
  if (literal.kind === 'literal' && typeof literal.value === 'number' && literal.value !== 0) return divisor;
  return { kind: 'call', fn: 'nullif', args: [divisor, { kind: 'literal', value: 0 }] };
}

function classOf(type: ScalarType): TypeClass {
  switch (type) {
    case 'integer':
    case 'number':
      return 'numeric';
    case 'null':
    case 'unknown':
      return 'any';
    default:
      return type;
  }
}

function article(type: ScalarType): string {
  return type === 'integer' ? 'an integer' : type === 'unknown' ? 'of unknown type' : type === 'null' ? 'NULL' : `a ${type === 'number' ? 'number' : type}`;
}

function spanOf(node: SyntaxNode): Span {
  switch (node.kind) {
    case 'binary':
      return { start: spanOf(node.left).start, end: spanOf(node.right).end };
    case 'isNull':
    case 'in':
    case 'between':
      return { start: spanOf(node.operand).start, end: Math.max(node.span.end, endOf(node)) };
    case 'unary':
      return { start: node.span.start, end: spanOf(node.operand).end };
    default:
      return node.span;
  }
}

function endOf(node: SyntaxNode): number {
  switch (node.kind) {
    case 'in':
      return node.list.length ? spanOf(node.list[node.list.length - 1]!).end + 1 : node.span.end;
    case 'between':
      return spanOf(node.high).end;
    default:
      return node.span.end;
  }
}
