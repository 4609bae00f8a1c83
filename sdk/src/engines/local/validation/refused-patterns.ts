/**
 * Which of the compiled checks' regular expressions DuckDB's RE2 will not compile, found by
 * asking it: those checks are then left to zod.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { printSql } from '../../../sql/dialects.js';
import { as, lit, select } from '../../../sql/sql-builders.js';

/**
 * Patterns DuckDB's RE2 refuses to compile (the translator is conservative, but RE2 has limits of its own).
 *
 * @example
 * ```ts
 * const refused = await refusedPatterns(connection, checks.patterns);
 * if (refused.size) checks = compileChecks(schema, representation, { refusedPatterns: refused });
 * ```
 */
export async function refusedPatterns(connection: DuckDBConnection, patterns: readonly string[]): Promise<Set<string>> {
  const refused = new Set<string>();
  for (const pattern of patterns) {
    try {
      await connection.run(printSql(select([as({ kind: 'fn', name: 'regexp_search', args: [lit(''), lit(pattern)] }, 'm')]), 'duckdb'));
    } catch {
      refused.add(pattern);
    }
  }
  return refused;
}
