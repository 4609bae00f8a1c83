/**
 * User row expressions (`derive()`, `.where()`) printed for Spark (Glue) and Trino (Athena):
 * the rewrites that keep one bad value from failing a row — TRY_CAST, `nullif(divisor, 0)`,
 * domain-guarded sqrt/ln — Trino's NULL-skipping greatest/least, and the timestamp functions' spellings, compared with reviewed golden files, one expression per line, and
 * each parsed with dt-sql-parser's grammar for the dialect. Whether DuckDB and the JS evaluator
 * compute the same values on such rows is test/unit/runtime/evaluate-expression.test.ts.
 *
 * Update the golden files (then review the diff!) with SLUICE_UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';

const COLUMNS = new Map<string, ScalarType>([['amount', 'number'], ['n', 'integer'], ['email', 'string'], ['ts', 'timestamp']]);
const GOLDEN = join(import.meta.dirname, '..', '..', 'golden');

/** Each expression exercises one rule of expression-type-check.ts's file comment. */
const EXPRESSIONS = [
  'amount / n', 'n / 4', 'n % n', 'amount % 0',
  'CAST(email AS double)', 'CAST(email AS bigint)', 'CAST(email AS boolean)', 'CAST(amount AS bigint)', 'CAST(n AS double)',
  'sqrt(amount - 2)', 'ln(n)', 'sqrt(4)', 'ln(sqrt(amount))',
  'substr(email, 2, 3)', 'substr(email, n, n - 3)', 'substr(email, -3, 2)', 'substr(email, -4)',
  // NULL arguments are skipped (Trino's own greatest/least would return NULL).
  'greatest(amount, n)', 'least(amount, n, 0)',
  // Timestamp parts in UTC (the Glue driver sets Spark's session zone); ISO day of week, 1 = Monday.
  'year(ts)', 'month(ts)', 'day(ts)', 'hour(ts)', 'minute(ts)', 'second(ts)', 'day_of_week(ts)', 'day_of_year(ts)', 'epoch_ms(ts)',
  "date_trunc('week', ts)", "day_of_week(ts) >= 6 AND hour(ts) < 9", "epoch_ms(ts) - epoch_ms(date_trunc('day', ts))",
  // Text search and splitting: Spark's startswith/endswith, Trino's missing ends_with and contains, split_part's '' past the end.
  "starts_with(email, 'admin')", "ends_with(email, '.de')", "contains(email, '+')", "replace(email, '.', '')", "split_part(email, '@', 2)",
];

const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() } as const;

describe.each(['spark', 'trino'] as const)('row expressions printed for %s', (dialect) => {
  const lines = EXPRESSIONS.map((text) => `${text}  →  ${printExpr(parseExpression(text, COLUMNS, 'test').node as SqlExpr, dialect)}`);

  it('match the reviewed golden file', () => {
    const file = join(GOLDEN, dialect, 'row-expressions.sql');
    const text = `${lines.map((l) => `-- ${l.split('  →  ')[0]}\n${l.split('  →  ')[1]}`).join('\n')}\n`;
    if (process.env.SLUICE_UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('has a grammar check that catches a broken expression (so the checks below mean something)', () => {
    expect(parsers[dialect].validate('SELECT sqrt(filter(ARRAY[1], v -> ) AS v FROM t')).not.toEqual([]);
  });

  it.each(EXPRESSIONS)('%s parses in the dialect\'s grammar', (text) => {
    const sql = `SELECT ${printExpr(parseExpression(text, COLUMNS, 'test').node as SqlExpr, dialect)} AS v FROM t`;
    expect(parsers[dialect].validate(sql).map((e) => e.message), sql).toEqual([]);
  });
});
