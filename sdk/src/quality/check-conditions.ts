/**
 * Each zod check of a field (lengths, patterns, bounds, `.int()`, trim/case rewrites) as a SQL
 * condition on the field's typed value, or undefined where DuckDB cannot run it the way zod does
 * (the row is then zod's). Apart from field-readers.ts: a condition only sees the value that
 * reader made, whatever the field's representation.
 */
import type { SqlExpr } from '../sql/sql-node.js';
import { and, bin, eq, fn, lit, not } from '../sql/sql-builders.js';
import { ASTRAL_CHARACTER_RE2, canMatchNonAscii, escapeRe2, jsRegexToRe2 } from './regex-to-re2.js';
import type { CheckModel, FieldModel, Rewrite } from './zod-field-model.js';

/**
 * zod's `.int()` (and int32/uint32…) over a column that already holds integers: the value is
 * whole by its type, so only the bounds remain to test, and not even those when the column's
 * type cannot exceed them (TRUE). Parquet integer columns are common, and the `trunc` test and
 * a repeated range cost a scan of millions of rows measurable time for nothing.
 */
export function integerCheckOnIntegers(check: Extract<CheckModel, { kind: 'integer' }>, subject: SqlExpr, [low, high]: readonly [number, number]): SqlExpr {
  if (check.min <= low && high <= check.max) return lit(true);
  return { kind: 'between', operand: subject, low: lit(check.min), high: lit(check.max), negated: false };
}

/**
 * The condition for one check on `subject` (the field's value; a date as epoch milliseconds),
 * or undefined when DuckDB cannot run it as zod does. Records the RE2 patterns it uses in
 * `patterns`; a pattern in `refused` (DuckDB did not compile it) leaves the check to zod.
 */
export function checkCondition(check: CheckModel, subject: SqlExpr, base: FieldModel['base'], patterns: Set<string>, refused: ReadonlySet<string>): SqlExpr | undefined {
  const length = (): SqlExpr => fn('char_length', subject);
  const search = (pattern: string, guardAstral: boolean): SqlExpr | undefined => {
    if (refused.has(pattern)) return undefined;
    patterns.add(pattern);
    const match = fn('regexp_search', subject, lit(pattern));
    if (!guardAstral) return match;
    patterns.add(ASTRAL_CHARACTER_RE2);
    return and(match, not(fn('regexp_search', subject, lit(ASTRAL_CHARACTER_RE2))));
  };
  switch (check.kind) {
    case 'min_length': return bin('>=', length(), lit(check.n));
    case 'max_length': return bin('<=', length(), lit(check.n));
    case 'length_equals': return eq(length(), lit(check.n));
    case 'pattern': {
      const re2 = jsRegexToRe2(check.regex);
      return re2 === undefined ? undefined : search(re2, canMatchNonAscii(re2));
    }
    case 'starts_with': return search(`^${escapeRe2(check.text)}`, false);
    case 'ends_with': return search(`${escapeRe2(check.text)}$`, false);
    case 'includes': return search(escapeRe2(check.text), false);
    case 'greater_than':
    case 'less_than': {
      if (base !== 'number' && base !== 'date') return undefined;
      const op = check.kind === 'greater_than' ? (check.inclusive ? '>=' : '>') : check.inclusive ? '<=' : '<';
      return bin(op, subject, lit(check.value));
    }
    case 'integer':
      if (base !== 'number') return undefined;
      return and(eq(fn('trunc', subject), subject), { kind: 'between', operand: subject, low: lit(check.min), high: lit(check.max), negated: false });
    case 'range':
      if (base !== 'number') return undefined;
      return { kind: 'between', operand: subject, low: lit(check.min), high: lit(check.max), negated: false };
    case 'unchanged_by': {
      // Values the rewrite would change are zod's. On the rest it is the identity: every other
      // check sees the same value whatever their order, and the output is the input.
      if (base !== 'string') return undefined;
      const changed = REWRITTEN_BY_RE2[check.rewrite];
      if (refused.has(changed)) return undefined;
      patterns.add(changed);
      return not(fn('regexp_search', subject, lit(changed)));
    }
  }
}

/**
 * Text that each rewrite may change (a superset: a false alarm only sends the row to zod).
 * `trim()` strips JavaScript's white space and line terminators from both ends (U+0085 and
 * U+180E are not among them, and are included anyway); the case rewrites may change any letter
 * outside ASCII, so such text is left to zod whole.
 */
const TRIMMED_CHARACTER = String.raw`[\t\n\x{0B}\f\r \x{85}\x{A0}\x{180E}\x{FEFF}\p{Z}]`;
const REWRITTEN_BY_RE2: Readonly<Record<Rewrite, string>> = {
  trim: `^${TRIMMED_CHARACTER}|${TRIMMED_CHARACTER}$`,
  toLowerCase: String.raw`[A-Z]|[^\x00-\x7F]`,
  toUpperCase: String.raw`[a-z]|[^\x00-\x7F]`,
};
