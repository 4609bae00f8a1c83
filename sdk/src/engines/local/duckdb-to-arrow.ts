/**
 * DuckDB results → Apache Arrow tables, converting each type deliberately: BIGINT stays a
 * 64-bit integer (never a lossy JS number), timestamps become UTC millisecond timestamps,
 * everything else maps to its natural Arrow type.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { Bool, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, makeVector, vectorFromArray, type Vector } from 'apache-arrow';

/**
 * Runs a query and returns its result as an Arrow table.
 *
 * @example
 * ```ts
 * const table = await queryArrow(connection, 'SELECT * FROM feature_rows LIMIT 20');
 * ```
 */
export async function queryArrow(connection: DuckDBConnection, sql: string): Promise<Table> {
  return readerToArrow(await connection.runAndReadAll(sql));
}

/**
 * Converts a fully read DuckDB result to an Arrow table.
 *
 * @example
 * ```ts
 * const table = readerToArrow(await connection.runAndReadAll("SELECT 42::BIGINT AS n, TIMESTAMP '2024-01-31 10:00:00' AS ts"));
 * table.schema.fields.map(String) // ['n: Int64', 'ts: Timestamp<MILLISECOND>']
 * table.get(0)?.toJSON()          // { n: 42n, ts: 1706695200000 }
 * ```
 */
export function readerToArrow(reader: DuckDBResultReader): Table {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    vectors[name] = toVector(String(types[i]), columns[i] ?? []);
  });
  return new Table(vectors);
}

function toVector(duckType: string, values: readonly unknown[]): Vector {
  switch (duckType) {
    case 'BIGINT':
    case 'HUGEINT':
    case 'UBIGINT':
      return vectorFromArray(values.map((v) => (v === null ? null : BigInt(v as bigint))), new Int64());
    case 'INTEGER':
    case 'SMALLINT':
    case 'TINYINT':
    case 'UINTEGER':
    case 'USMALLINT':
    case 'UTINYINT':
      return vectorFromArray(values as (number | null)[], new Int32());
    case 'DOUBLE':
    case 'FLOAT':
      return makeNullableFloat(values);
    case 'BOOLEAN':
      return vectorFromArray(values as (boolean | null)[], new Bool());
    case 'TIMESTAMP':
    case 'TIMESTAMP WITH TIME ZONE':
    case 'TIMESTAMP_MS':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_NS':
    case 'DATE':
      return vectorFromArray(values.map((v) => (v === null ? null : (v as Date).getTime())), new TimestampMillisecond());
    default:
      if (duckType.startsWith('DECIMAL')) return makeNullableFloat(values.map((v) => (v === null ? null : Number(v))));
      return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v, bigintReplacer))), new Utf8());
  }
}

function makeNullableFloat(values: readonly unknown[]): Vector {
  if (values.every((v) => v !== null)) return makeVector(Float64Array.from(values as number[]));
  return vectorFromArray(values as (number | null)[], new Float64());
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
