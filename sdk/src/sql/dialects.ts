import type { Statement, SqlExpr } from './sql-node.js';
import type { Dialect, SqlPrinter } from './sql-printer.js';
import { DuckDbPrinter } from './duckdb-printer.js';
import { TrinoPrinter } from './trino-printer.js';
import { SparkPrinter } from './spark-printer.js';

/** Every dialect's printer: a new dialect is one more printer class and one more entry here. */
const printers: Partial<Record<Dialect, SqlPrinter>> = { duckdb: new DuckDbPrinter(), spark: new SparkPrinter(), trino: new TrinoPrinter() };

/**
 * The printer for a dialect.
 *
 * @example
 * ```ts
 * printerFor('duckdb').quoteIdentifier('valid_rows') // '"valid_rows"'
 * ```
 */
export function printerFor(dialect: Dialect): SqlPrinter {
  const printer = printers[dialect];
  if (!printer) throw new Error(`No SQL printer is registered for the ${dialect} dialect.`);
  return printer;
}

/**
 * Prints a statement in a dialect.
 *
 * @example
 * ```ts
 * printSql(select([as(lit(1), 'one')]), 'duckdb') // 'SELECT 1 AS "one"'
 * ```
 */
export function printSql(node: Statement, dialect: Dialect): string {
  return printerFor(dialect).print(node);
}

/**
 * Prints one expression in a dialect.
 *
 * @example
 * ```ts
 * printExpr(bin('*', col('amount'), lit(2)), 'duckdb') // '("amount" * 2)'
 * printExpr(bin('*', col('amount'), lit(2)), 'spark')  // '(`amount` * 2)'
 * ```
 */
export function printExpr(node: SqlExpr, dialect: Dialect): string {
  return printerFor(dialect).expr(node);
}
