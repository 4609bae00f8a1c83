/**
 * Evaluates `derive()` expressions in JS, inside the Lambda, where there is no DuckDB.
 * The semantics are DuckDB's, because the local engine runs the same expressions on DuckDB
 * and a notebook must show what production computes:
 *
 * - NULL propagates through arithmetic, comparison, `||`, and every function except
 *   `coalesce`, `concat` (skips NULLs), `greatest`/`least` (skip NULLs).
 * - `and`/`or`/`not` use three-valued logic; `x in (..)` is NULL when no member matches and
 *   one is NULL; `between` is `x >= low and x <= high`.
 * - `/` is floating-point division even on integers (`7 / 2 = 3.5`: DuckDB's `/`, and the
 *   parser makes it explicit with a cast to double for Spark and Trino). The parser also
 *   turns every divisor into `nullif(b, 0)`, so dividing by zero is NULL here as in SQL.
 *   `%` keeps the dividend's sign (as in JS and DuckDB).
 * - No value fails a row (the type checker's file comment lists why each rule is so):
 *   a cast marked `try` (TRY_CAST) is NULL where the value cannot be converted; `sqrt` of a
 *   negative number and `ln` of zero or a negative number are NULL (NaN stays NaN).
 * - Text → double accepts what DuckDB's cast accepts: surrounding whitespace, a sign, digits
 *   with single `_` between them, a decimal point, an exponent, `inf`/`infinity`/`nan` in any
 *   case; nothing else (no hex, no `1.5d`). Text → boolean: `true t yes y 1` / `false f no n 0`,
 *   any case, no surrounding spaces.
 * - `round` rounds half away from zero; `cast(double as bigint)` rounds half to even (DuckDB's
 *   cast; the parser rounds first, so only integral values reach it) and is NULL beyond ±2^63.
 * - Strings compare by code point (= UTF-8 byte order, DuckDB's default collation);
 *   `length` and `substr` count code points; `substr` is 1-based with SQL's negative starts
 *   and, for a negative length, DuckDB's rule: the characters before the start.
 *   `lower`/`upper` map each code point to one (DuckDB's simple case mapping: 'İ' → 'i').
 *
 * - `replace` replaces every occurrence left to right; `split_part` gives '' past the last part.
 * - Timestamp parts and `date_trunc` read the instant in UTC (plan/time-functions.ts); a
 *   `date_trunc` gives a Date.
 *
 * Known differences: JS numbers hold integers exactly only up to 2^53 (DuckDB BIGINT raises
 * on overflow at 2^63); casting a double to text prints JS's shortest form with `.0` added
 * to integral values (DuckDB prints `1e+20` where JS prints all digits).
 */
import type { ExprNode, ScalarType } from '../plan/expression-node.js';
import { ExpressionError } from '../errors.js';
import { isTimestampPart, type DateTruncUnit } from '../plan/time-functions.js';
import { timestampPart, truncateTimestamp } from './timestamp-parts.js';

export type Row = Readonly<Record<string, unknown>>;
export type CompiledExpression = (row: Row) => unknown;

/** Column types the evaluator needs to tell integers from doubles (for casts to text). */
export type ColumnTypes = Readonly<Record<string, ScalarType>>;

/**
 * Compiles an expression node into a JS function of one row (compiled once, evaluated per row).
 *
 * @example
 * ```ts
 * const f = compileExpression({ kind: 'binary', op: '/', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 2 } });
 * f({ a: 7 }) // 3.5
 * f({ a: null }) // null
 * ```
 * @throws ExpressionError only for a node the type checker would not have produced (a cast
 *   without `try` of text that holds no number); checked expressions never throw on a value.
 */
export function compileExpression(node: ExprNode, columnTypes: ColumnTypes = {}): CompiledExpression {
  return compile(node, columnTypes);
}

/**
 * Evaluates an expression against one row (compiles it each time: use `compileExpression` in loops).
 *
 * @example
 * ```ts
 * evaluateExpression({ kind: 'isNull', operand: { kind: 'column', name: 'x' }, negated: false }, { x: null }) // true
 * ```
 */
export function evaluateExpression(node: ExprNode, row: Row, columnTypes: ColumnTypes = {}): unknown {
  return compile(node, columnTypes)(row);
}

/**
 * The static type of a checked expression: the type checker's (expression-type-check.ts), which
 * a property test holds it to. Integer `%` and casts to text depend on it.
 *
 * @example
 * ```ts
 * const clicks = { kind: 'column', name: 'clicks' } as const;
 * inferType({ kind: 'binary', op: '*', left: clicks, right: { kind: 'literal', value: 2 } }, { clicks: 'integer' }) // 'integer'
 * inferType({ kind: 'binary', op: '/', left: clicks, right: { kind: 'literal', value: 2 } }, { clicks: 'integer' }) // 'number'
 * ```
 */
export function inferType(node: ExprNode, columnTypes: ColumnTypes): ScalarType {
  switch (node.kind) {
    case 'column':
      return columnTypes[node.name] ?? 'unknown';
    case 'literal':
      if (node.value === null) return 'null';
      if (typeof node.value === 'number') return Number.isInteger(node.value) ? 'integer' : 'number';
      return typeof node.value === 'boolean' ? 'boolean' : 'string';
    case 'binary': {
      if (['=', '<>', '<', '<=', '>', '>=', 'and', 'or'].includes(node.op)) return 'boolean';
      if (node.op === '||') return 'string';
      if (node.op === '/') return 'number';
      const l = inferType(node.left, columnTypes);
      const r = inferType(node.right, columnTypes);
      return l === 'integer' && r === 'integer' ? 'integer' : 'number';
    }
    case 'unary':
      return node.op === 'not' ? 'boolean' : inferType(node.operand, columnTypes);
    case 'isNull':
    case 'in':
    case 'between':
      return 'boolean';
    case 'case':
      return unifiedType([...node.whens.map((w) => w.then), ...(node.else ? [node.else] : [])], columnTypes);
    case 'cast':
      return ({ string: 'string', double: 'number', bigint: 'integer', boolean: 'boolean' } as const)[node.to];
    case 'call':
      switch (node.fn) {
        case 'lower': case 'upper': case 'trim': case 'substr': case 'concat': case 'replace': case 'split_part':
          return 'string';
        case 'starts_with': case 'ends_with': case 'contains':
          return 'boolean';
        case 'length':
          return 'integer';
        case 'sqrt': case 'ln': case 'exp': case 'power':
          return 'number';
        case 'date_trunc':
          return 'timestamp';
        case 'year': case 'month': case 'day': case 'hour': case 'minute': case 'second':
        case 'day_of_week': case 'day_of_year': case 'epoch_ms':
          return 'integer';
        case 'greatest': case 'least': case 'coalesce':
          return unifiedType(node.args, columnTypes);
        case 'abs': {
          const type = inferType(node.args[0]!, columnTypes);
          return type === 'null' ? 'integer' : type;
        }
        case 'round': case 'floor': case 'ceil':
          return inferType(node.args[0]!, columnTypes) === 'integer' ? 'integer' : 'number';
        default:
          return node.args[0] ? inferType(node.args[0], columnTypes) : 'unknown';
      }
  }
}

/** The type values of these types share, as the checker unifies them: NULLs aside, an integer among numbers is a number. */
function unifiedType(nodes: readonly ExprNode[], columnTypes: ColumnTypes): ScalarType {
  let type: ScalarType = 'null';
  for (const node of nodes) {
    const t = inferType(node, columnTypes);
    if (t === 'null') continue;
    if (t === 'unknown') {
      if (type === 'null') type = 'unknown';
      continue;
    }
    if (type === 'null' || type === 'unknown' || t === 'number') type = t;
  }
  return type;
}

function compile(node: ExprNode, types: ColumnTypes): CompiledExpression {
  switch (node.kind) {
    case 'column': {
      const name = node.name;
      return (row) => {
        const v = row[name];
        return v === undefined ? null : v;
      };
    }
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'unary': {
      const operand = compile(node.operand, types);
      if (node.op === 'not') return (row) => { const v = operand(row); return v === null ? null : !truthy(v); };
      return (row) => { const v = operand(row); return v === null ? null : -(v as number); };
    }
    case 'isNull': {
      const operand = compile(node.operand, types);
      const negated = node.negated;
      return (row) => (operand(row) === null) !== negated;
    }
    case 'binary': {
      const integers = inferType(node.left, types) === 'integer' && inferType(node.right, types) === 'integer';
      return compileBinary(node.op, compile(node.left, types), compile(node.right, types), integers);
    }
    case 'in': {
      const operand = compile(node.operand, types);
      const list = node.list.map((m) => compile(m, types));
      const negated = node.negated;
      return (row) => {
        const v = operand(row);
        if (v === null) return null;
        let sawNull = false;
        for (const member of list) {
          const m = member(row);
          if (m === null) sawNull = true;
          else if (compareValues(v, m) === 0) return !negated;
        }
        return sawNull ? null : negated;
      };
    }
    case 'between': {
      const operand = compile(node.operand, types);
      const low = compile(node.low, types);
      const high = compile(node.high, types);
      const negated = node.negated;
      return (row) => {
        const v = operand(row);
        const lo = low(row);
        const hi = high(row);
        const a = v === null || lo === null ? null : compareValues(v, lo) >= 0;
        const b = v === null || hi === null ? null : compareValues(v, hi) <= 0;
        const both = and3(a, b);
        return both === null ? null : both !== negated;
      };
    }
    case 'case': {
      const whens = node.whens.map((w) => ({ when: compile(w.when, types), then: compile(w.then, types) }));
      const otherwise = node.else ? compile(node.else, types) : () => null;
      return (row) => {
        for (const w of whens) if (w.when(row) === true) return w.then(row);
        return otherwise(row);
      };
    }
    case 'cast': {
      const operand = compile(node.operand, types);
      const fromType = inferType(node.operand, types);
      const to = node.to;
      if (!node.try) return (row) => castValue(operand(row), to, fromType);
      return (row) => {
        try {
          return castValue(operand(row), to, fromType);
        } catch (error) {
          if (error instanceof ExpressionError) return null;
          throw error;
        }
      };
    }
    case 'call':
      return compileCall(node.fn, node.args.map((a) => compile(a, types)), node.args.map((a) => inferType(a, types)));
  }
}

function compileBinary(op: string, left: CompiledExpression, right: CompiledExpression, integers: boolean): CompiledExpression {
  switch (op) {
    case 'and':
      return (row) => and3(bool3(left(row)), bool3(right(row)));
    case 'or':
      return (row) => {
        const a = bool3(left(row));
        const b = bool3(right(row));
        if (a === true || b === true) return true;
        return a === null || b === null ? null : false;
      };
    case '||':
      return (row) => { const a = left(row); const b = right(row); return a === null || b === null ? null : textOf(a, 'unknown') + textOf(b, 'unknown'); };
    case '+': return arithmetic(left, right, (a, b) => a + b);
    case '-': return arithmetic(left, right, (a, b) => a - b);
    case '*': return arithmetic(left, right, (a, b) => a * b);
    case '/': return arithmetic(left, right, (a, b) => a / b);
    case '%': return arithmetic(left, right, (a, b) => (b === 0 && integers ? null : a % b));
    default: {
      const test = COMPARISONS[op];
      if (!test) throw new ExpressionError('UNSUPPORTED_OPERATOR', 'derive', `The operator "${op}" is not in the shared SQL subset.`);
      return (row) => { const a = left(row); const b = right(row); return a === null || b === null ? null : test(compareValues(a, b)); };
    }
  }
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};

function arithmetic(left: CompiledExpression, right: CompiledExpression, f: (a: number, b: number) => number | null): CompiledExpression {
  return (row) => {
    const a = left(row);
    if (a === null) return null;
    const b = right(row);
    if (b === null) return null;
    return f(toNumber(a), toNumber(b));
  };
}

function compileCall(fn: string, args: CompiledExpression[], argTypes: ScalarType[]): CompiledExpression {
  const [a0, a1, a2] = args;
  const strict1 = (f: (v: unknown) => unknown): CompiledExpression => (row) => { const v = a0!(row); return v === null ? null : f(v); };
  const text2 = (f: (a: string, b: string) => unknown): CompiledExpression => (row) => {
    const a = a0!(row); const b = a1!(row);
    return a === null || b === null ? null : f(textOf(a, argTypes[0]!), textOf(b, argTypes[1]!));
  };
  switch (fn) {
    case 'abs': return strict1((v) => Math.abs(toNumber(v)));
    case 'floor': return strict1((v) => Math.floor(toNumber(v)));
    case 'ceil': return strict1((v) => Math.ceil(toNumber(v)));
    case 'exp': return strict1((v) => Math.exp(toNumber(v)));
    // Outside the domain: NULL (the SQL printers guard the argument the same way); NaN stays NaN.
    case 'sqrt': return strict1((v) => { const n = toNumber(v); return n < 0 ? null : Math.sqrt(n); });
    case 'ln': return strict1((v) => { const n = toNumber(v); return n <= 0 ? null : Math.log(n); });
    case 'round':
      return (row) => {
        const v = a0!(row);
        const digits = a1 ? a1(row) : 0;
        if (v === null || digits === null) return null;
        return roundHalfAway(toNumber(v), toNumber(digits));
      };
    case 'power':
      return (row) => { const a = a0!(row); const b = a1!(row); return a === null || b === null ? null : Math.pow(toNumber(a), toNumber(b)); };
    case 'greatest':
    case 'least': {
      const sign = fn === 'greatest' ? 1 : -1;
      return (row) => {
        let best: unknown = null;
        for (const arg of args) {
          const v = arg(row);
          if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
        }
        return best;
      };
    }
    case 'lower': return strict1((v) => lowerPerCodePoint(textOf(v, argTypes[0]!)));
    case 'upper': return strict1((v) => upperPerCodePoint(textOf(v, argTypes[0]!)));
    case 'length': return strict1((v) => codePointLength(textOf(v, argTypes[0]!)));
    case 'trim': return strict1((v) => textOf(v, argTypes[0]!).replace(/^ +| +$/g, ''));
    case 'substr':
      return (row) => {
        const s = a0!(row);
        const start = a1!(row);
        const length = a2 ? a2(row) : undefined;
        if (s === null || start === null || length === null) return null;
        return sqlSubstr(textOf(s, argTypes[0]!), toNumber(start), length === undefined ? undefined : toNumber(length));
      };
    case 'concat':
      return (row) => args.map((arg, i) => { const v = arg(row); return v === null ? '' : textOf(v, argTypes[i]!); }).join('');
    case 'coalesce':
      return (row) => {
        for (const arg of args) { const v = arg(row); if (v !== null) return v; }
        return null;
      };
    case 'nullif':
      return (row) => { const a = a0!(row); const b = a1!(row); return a !== null && b !== null && compareValues(a, b) === 0 ? null : a; };
    case 'starts_with': return text2((s, p) => s.startsWith(p));
    case 'ends_with': return text2((s, p) => s.endsWith(p));
    case 'contains': return text2((s, p) => s.includes(p));
    case 'replace':
      // split/join: String.replaceAll would read `$&` and the like in the replacement.
      return (row) => {
        const s = a0!(row); const search = a1!(row); const by = a2!(row);
        return s === null || search === null || by === null ? null : textOf(s, argTypes[0]!).split(textOf(search, 'string')).join(textOf(by, argTypes[2]!));
      };
    case 'split_part':
      return (row) => {
        const s = a0!(row); const delimiter = a1!(row); const n = a2!(row);
        return s === null || delimiter === null || n === null ? null : (textOf(s, argTypes[0]!).split(textOf(delimiter, 'string'))[toNumber(n) - 1] ?? '');
      };
    case 'date_trunc': {
      // The type checker leaves the unit as a lower-case text literal.
      const unit = a0!({}) as DateTruncUnit;
      return (row) => { const v = a1!(row); return v === null ? null : new Date(truncateTimestamp(unit, toTime(v))); };
    }
    default:
      if (isTimestampPart(fn)) return strict1((v) => timestampPart(fn, toTime(v)));
      throw new ExpressionError('UNSUPPORTED_FUNCTION', 'derive', `The function "${fn}" has no runtime implementation; use one of the portable functions.`);
  }
}

function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function bool3(v: unknown): boolean | null {
  return v === null ? null : truthy(v);
}

function truthy(v: unknown): boolean {
  return typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : Boolean(v);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  const n = Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(n)) return n;
  throw new ExpressionError('CONVERSION', 'derive', `Could not convert ${JSON.stringify(v)} to a number`);
}

/**
 * Compares two non-null values the way DuckDB does after implicit casts.
 *
 * @example
 * ```ts
 * compareValues('10', 9)           // 1 (the string is compared as a number)
 * compareValues('apple', 'banana') // -1
 * compareValues(new Date('2024-01-02T00:00:00Z'), '2024-01-01 00:00:00') // 86400000 (positive: later; the literal is UTC)
 * ```
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date || b instanceof Date) return toTime(a) - toTime(b);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = toNumber(a);
  const y = toNumber(b);
  // DuckDB (and Spark) order NaN above every number and equal to itself; IEEE's "unordered"
  // would make NaN = 1 (neither less nor greater) true here.
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function toTime(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    // A bare timestamp literal is UTC (sluice's time is UTC everywhere).
    const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`;
    const t = Date.parse(iso);
    if (!Number.isNaN(t)) return t;
  }
  if (typeof v === 'number') return v;
  throw new ExpressionError('CONVERSION', 'derive', `Could not convert ${JSON.stringify(v)} to a timestamp`);
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 order differs from code point order only when a surrogate meets U+E000..U+FFFF.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function upperPerCodePoint(s: string): string {
  // DuckDB maps each character to one character (ß → ẞ); JS's toUpperCase can expand (ß → SS).
  return perCodePoint(s, (ch) => ch.toUpperCase(), { ß: 'ẞ' });
}

function lowerPerCodePoint(s: string): string {
  // DuckDB maps each character alone: 'İ' → 'i' (JS: 'i̇'), a final 'Σ' → 'σ' (JS: 'ς').
  return perCodePoint(s, (ch) => ch.toLowerCase(), { İ: 'i' });
}

/**
 * Case-maps one character at a time, as DuckDB does. Where JS's mapping of a character is
 * more than one character, DuckDB's one-character mapping from `single` is used, or the
 * character is kept.
 */
function perCodePoint(s: string, map: (ch: string) => string, single: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of s) {
    const mapped = map(ch);
    out += [...mapped].length === 1 ? mapped : (single[ch] ?? ch);
  }
  return out;
}

/**
 * DuckDB's substring(), measured against it: 1-based, a negative start counts from the end,
 * a negative length takes the characters before the start. Positions are clamped to the
 * string only after the range is computed (so `substr('abc', 0, 2)` is 'a').
 */
function sqlSubstr(s: string, offset: number, length: number | undefined): string {
  const chars = [...s];
  const size = chars.length;
  const first = offset < 0 ? size + offset : offset - 1;
  const [from, to] = length === undefined ? [first, size] : length >= 0 ? [first, first + length] : [first + length, first];
  const start = Math.min(Math.max(from, 0), size);
  const end = Math.min(Math.max(to, 0), size);
  return start >= end ? '' : chars.slice(start, end).join('');
}

function roundHalfAway(v: number, digits: number): number {
  // -0 becomes 0; NaN stays NaN (`|| 0` made it 0, where DuckDB and Spark keep NaN).
  const away = (x: number): number => {
    const r = Math.sign(x) * Math.round(Math.abs(x));
    return r === 0 ? 0 : r;
  };
  // DuckDB's arithmetic, step for step: it divides by 10^-digits for negative digits (not
  // multiplies by 10^digits), and where that overflows it returns 0, resp. the value itself
  // (round(x, 400) = x). On doubles it rounds the binary value (round(1.005, 2) = 1.0).
  if (digits < 0) {
    const modifier = Math.pow(10, -digits);
    const rounded = away(v / modifier) * modifier;
    return Number.isFinite(rounded) ? rounded : 0;
  }
  const modifier = Math.pow(10, digits);
  const rounded = away(v * modifier) / modifier;
  return Number.isFinite(rounded) ? rounded : v;
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function textOf(v: unknown, type: ScalarType): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  if (typeof v === 'number') {
    if (type === 'number' && Number.isInteger(v) && Math.abs(v) < 1e15) return `${v}.0`;
    return String(v);
  }
  return String(v);
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const DECIMAL_TEXT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const SPECIAL_TEXT = /^([+-]?)(inf|infinity|nan)$/i;

/** Text → double as DuckDB's cast reads it (see the file comment). */
function textToDouble(text: string): number {
  const s = text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
  if (DECIMAL_TEXT.test(s)) return Number(s.replaceAll('_', ''));
  const special = SPECIAL_TEXT.exec(s);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  throw new ExpressionError('CONVERSION', 'derive', `Could not convert string '${text}' to DOUBLE`);
}

function castValue(v: unknown, to: 'string' | 'double' | 'bigint' | 'boolean', fromType: ScalarType): unknown {
  if (v === null) return null;
  switch (to) {
    case 'string':
      return textOf(v, fromType);
    case 'double':
      return typeof v === 'string' ? textToDouble(v) : toNumber(v);
    case 'bigint': {
      if (typeof v === 'string' && !/^\s*[+-]?\d+\s*$/.test(v)) {
        throw new ExpressionError('CONVERSION', 'derive', `Could not convert string '${v}' to INT64`);
      }
      // DuckDB casts a DOUBLE to BIGINT rounding half to even (2.5 → 2, 3.5 → 4).
      const n = roundHalfEven(toNumber(typeof v === 'string' ? v.trim() : v));
      if (!(n >= -(2 ** 63) && n < 2 ** 63)) {
        throw new ExpressionError('CONVERSION', 'derive', `The value ${String(v)} is out of range for INT64`);
      }
      return n;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      const s = String(v).toLowerCase();
      if (['true', 't', 'yes', 'y', '1'].includes(s)) return true;
      if (['false', 'f', 'no', 'n', '0'].includes(s)) return false;
      throw new ExpressionError('CONVERSION', 'derive', `Could not convert string '${String(v)}' to BOOL`);
    }
  }
}
