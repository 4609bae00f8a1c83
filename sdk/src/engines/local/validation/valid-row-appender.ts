/**
 * Appends rows that zod accepted (with zod's output values) to `valid_rows`, through the
 * DuckDB Appender. Values are converted deliberately per column type; a value of the wrong
 * type (a transform or default that produces something the column cannot hold) is an error
 * that names the column and the fix, never a silent coercion.
 */
import { BIGINT, BOOLEAN, DOUBLE, DuckDBTimestampValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { ChunkBuffer } from '../chunk-buffer.js';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { EngineError } from '../../../errors.js';
import { withArticle, type ColumnType } from '../../../quality/describe-schema.js';
import { NOT_STORABLE } from '../../../quality/quarantine.js';
import type { RowIssue } from '../../../quality/quarantine.js';

export interface ValidRowSink {
  /**
   * Appends the row, or returns why its column cannot hold a value zod accepted (a bigint
   * beyond 64 bits): nothing is appended then, and the caller quarantines the row.
   */
  append(output: Record<string, unknown>, rowId: bigint, object: string, line: bigint): RowIssue | undefined;
  close(): void;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Opens an appender on `table`, whose columns are `columns` then `_row_id, _object, _line`
 * (`{ positions: false }`: then `_row_id` only, for values joined to rows by it).
 *
 * @example
 * ```ts
 * const sink = await openValidRowSink(connection, 'valid_rows', columns);
 * sink.append({ user_id: 'u1', ts: new Date() }, 1n, 'a.jsonl', 1n);
 * sink.close();
 * ```
 */
export async function openValidRowSink(
  connection: DuckDBConnection, table: string, columns: readonly { name: string; type: ColumnType }[], options: { readonly positions?: boolean } = {},
): Promise<ValidRowSink> {
  const appender = await connection.createAppender(table);
  const positions = options.positions !== false;
  const rows = new ChunkBuffer([...columns.map((c) => DUCKDB_TYPE[c.type]), BIGINT, ...(positions ? [VARCHAR, BIGINT] : [])]);
  return {
    append(output, rowId, object, line) {
      // Checked before the first value goes in: a row is taken whole or not at all.
      for (const column of columns) {
        const value = output[column.name];
        if (!fits(column.type, value)) throw wrongType(column, value);
        const issue = unstorable(column, value);
        if (issue) return issue;
      }
      const values = columns.map((column) => duckValue(column, output[column.name]));
      rows.push(appender, positions ? [...values, rowId, object, line] : [...values, rowId]);
      return undefined;
    },
    close() {
      try {
        rows.appendTo(appender);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
  };
}

const DUCKDB_TYPE: Record<ColumnType, DuckDBType> = { string: VARCHAR, number: DOUBLE, integer: BIGINT, boolean: BOOLEAN, timestamp: TIMESTAMP };

/** A value of the column's own type that the column still cannot hold. */
function unstorable(column: { name: string; type: ColumnType }, value: unknown): RowIssue | undefined {
  if (column.type !== 'integer' || typeof value !== 'bigint' || (value >= INT64_MIN && value <= INT64_MAX)) return undefined;
  return {
    path: [column.name],
    code: NOT_STORABLE,
    message: `${value} does not fit the 64-bit integer column sluice stores "${column.name}" in (${INT64_MIN} to ${INT64_MAX}). Bound the field, e.g. z.int64() or .max(), so that zod rejects such values.`,
  };
}

/** Whether the appender takes `value` for a column of this type (null and undefined fit any). */
function fits(type: ColumnType, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number';
    case 'integer': return (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint';
    case 'boolean': return typeof value === 'boolean';
    case 'timestamp': return value instanceof Date && !Number.isNaN(value.getTime());
    default: return false;
  }
}

/** A value that `fits` the column, as DuckDB takes it. */
function duckValue(column: { name: string; type: ColumnType }, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string': return value as string;
    case 'number': return value as number;
    case 'integer': return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'boolean': return value as boolean;
    case 'timestamp': return new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n);
    default: throw wrongType(column, value);
  }
}

function wrongType(column: { name: string; type: ColumnType }, value: unknown): EngineError {
  return new EngineError(
    'VALID_ROW_TYPE',
    `zod accepted a row whose column "${column.name}" is ${describe(value)}, but the column is ${withArticle(column.type)}. ` +
      `A transform or default in the schema produces a value of another type: make it produce ${withArticle(column.type)}, or move the change to .map() after validation.`,
  );
}

function describe(value: unknown): string {
  return `${typeof value} ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)}`;
}
