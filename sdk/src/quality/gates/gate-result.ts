/**
 * What every batch gate returns, and what it is given. Gates are pure over SQL: they read the
 * valid table through a `SqlRunner`, so the same gate code serves every backend that can run
 * DuckDB-dialect SQL.
 */
import type { ColumnDescription } from '../describe-schema.js';
import type { RowCounts } from '../quarantine.js';
import type { SqlRunner } from '../sql-runner.js';

export interface GateResult {
  /** `maxInvalidRatio`, `unique(event_id)`, `notNull(user_id)`, `references(country)`, `drift`. */
  readonly gate: string;
  readonly passed: boolean;
  /** One readable sentence: what was measured against what limit. */
  readonly detail: string;
  /** How many rows (or values) failed, where that means something. */
  readonly count?: number;
  readonly examples?: readonly unknown[];
}

export interface GateContext {
  readonly run: SqlRunner;
  readonly validTable: string;
  readonly counts: RowCounts;
  readonly columns: readonly ColumnDescription[];
}

/** Formats a count for messages: 12,345. */
export const fmt = (n: number): string => n.toLocaleString('en-US');
