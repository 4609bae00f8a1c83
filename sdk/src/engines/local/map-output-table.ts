/**
 * The table a `.map()` leaves behind, made from the JS rows its function returned.
 *
 * A column whose type the plan knows after the map (pipeline/map-returned-types.ts: the
 * schema's, the derived and the declared types) is stored as that type, which the rows were
 * checked to fit; it is there even when no row returned it (all null). The event stage's files
 * have the same columns with the same types.
 *
 * Any other column's type comes from its values; one with no value to go by — every row
 * returned null for it, or no row reached the map at all
 * (every row quarantined, the function threw on each, an empty input) — takes the type the map
 * declared (`.map(fn, { columns })`), else its type before the map. Without that, such a column
 * would be VARCHAR or missing, and the derive, window and feature store write that the builder
 * type-checked against the declaration would fail inside DuckDB ("No function matches
 * '*(VARCHAR, …)'", "Referenced column not found") on zero rows.
 */
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { EngineError } from '../../errors.js';
import type { ScalarType } from '../../plan/expression-node.js';
import type { KnownColumnTypes } from '../../pipeline/map-returned-types.js';
import { printerFor } from '../../sql/dialects.js';

/** The DuckDB column type of each type `.map(fn, { columns })` may declare. */
const DECLARED_DUCKDB_TYPES: Partial<Record<ScalarType, string>> = {
  string: 'VARCHAR', number: 'DOUBLE', integer: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP',
};

/**
 * Recreates `tableName` from the rows a map returned. With no rows, its columns are the map's
 * input columns (`previous`) and the declared ones — what the builder told the later steps the
 * map returns. `types.known` must hold only types the rows were checked to fit.
 *
 * @example
 * ```ts
 * await writeMapOutput(connection, 'valid_rows', [], await describeTable(connection, 'valid_rows'), { declared: { domain: 'string', cents: 'integer' } });
 * await describeTable(connection, 'valid_rows'); // [...the input columns, { name: 'domain', type: 'VARCHAR' }, { name: 'cents', type: 'BIGINT' }]
 * ```
 * @throws EngineError `MAP_WRITE_FAILED` when a returned value cannot be stored.
 */
export async function writeMapOutput(
  connection: DuckDBConnection,
  tableName: string,
  rows: readonly Record<string, unknown>[],
  previous: readonly { name: string; type: string }[],
  columnTypes: { readonly declared?: Readonly<Record<string, ScalarType>>; readonly known?: KnownColumnTypes } = {},
): Promise<void> {
  const p = printerFor('duckdb');
  const declared = columnTypes.declared ?? {};
  const names: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
  if (rows.length === 0) for (const name of [...previous.map((c) => c.name), ...Object.keys(declared)]) if (!names.includes(name)) names.push(name);
  // Every known column, as the event stage writes them: one no row returned is all null.
  for (const name of Object.keys(columnTypes.known ?? {})) if (!names.includes(name)) names.push(name);
  const typeOf = (name: string): string => {
    const known = DECLARED_DUCKDB_TYPES[columnTypes.known?.[name] as ScalarType];
    if (known) return known;
    const before = previous.find((c) => c.name === name)?.type;
    const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    // The declaration wins over the input's type, as in the builder: a map may change a column's type.
    if (values.length === 0) return DECLARED_DUCKDB_TYPES[declared[name]!] ?? before ?? 'VARCHAR';
    if (values.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v) && (before === 'BIGINT' || name.startsWith('_'))))) return 'BIGINT';
    if (values.every((v) => typeof v === 'number')) return 'DOUBLE';
    if (values.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
    if (values.every((v) => v instanceof Date)) return 'TIMESTAMP';
    return 'VARCHAR';
  };
  const types = names.map(typeOf);
  await connection.run(`CREATE OR REPLACE TABLE ${p.quoteIdentifier(tableName)} (${names.map((n, i) => `${p.quoteIdentifier(n)} ${types[i]}`).join(', ')})`);
  const appender = await connection.createAppender(tableName);
  try {
    for (const row of rows) {
      names.forEach((name, i) => {
        const value = row[name];
        if (value === null || value === undefined) return appender.appendNull();
        switch (types[i]) {
          case 'BIGINT': return appender.appendBigInt(BigInt(value as number));
          case 'DOUBLE': return appender.appendDouble(value as number);
          case 'BOOLEAN': return appender.appendBoolean(value as boolean);
          case 'TIMESTAMP': return appender.appendTimestamp(new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n));
          default: return appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
        }
      });
      appender.endRow();
    }
    appender.flushSync();
  } catch (error) {
    throw new EngineError('MAP_WRITE_FAILED', `Could not store the rows returned by map(): ${(error as Error).message}. Return plain values (strings, numbers, booleans, Dates).`, { cause: error });
  } finally {
    appender.closeSync();
  }
}
