/**
 * Valid rows of one segment → one Parquet file (hyparquet-writer, pure JS: nothing native
 * enters the Lambda bundle). Types follow the schema: string → UTF8, number → DOUBLE,
 * integer → INT64, boolean → BOOLEAN, timestamp → TIMESTAMP (millis, UTC). Columns whose type
 * the plan cannot tell (a `.map()` without declared columns) are typed from the values:
 * numbers → DOUBLE (never INT64, so files of one object agree), booleans, Dates, else text
 * (objects as JSON). Lineage columns `_object` (s3://bucket/key) and `_line` come last: the
 * aggregate stage breaks first/last ties by them.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ScalarType } from '../plan/expression-node.js';
import type { OutputColumn } from './row-transformer.js';

export interface ValidRow {
  readonly line: number;
  readonly row: Readonly<Record<string, unknown>>;
}

type BasicType = 'STRING' | 'DOUBLE' | 'INT64' | 'BOOLEAN' | 'TIMESTAMP';

/**
 * Encodes rows as a Parquet file.
 *
 * @example
 * ```ts
 * const bytes = writeParquetSegment([{ line: 1, row: { a: 1 } }], [{ name: 'a', type: 'integer' }], 's3://landing/x.jsonl', { pipeline: 'p' });
 * ```
 */
export function writeParquetSegment(
  rows: readonly ValidRow[],
  columns: readonly OutputColumn[] | undefined,
  objectUri: string,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const effective = columns ?? columnsFromRows(rows);
  const columnData = effective.map((column) => {
    const values = rows.map((r) => r.row[column.name]);
    const type = parquetType(column.type, values);
    return { name: column.name, data: values.map((v) => convert(v, type)), type };
  });
  columnData.push({ name: '_object', data: rows.map(() => objectUri), type: 'STRING' });
  columnData.push({ name: '_line', data: rows.map((r) => BigInt(r.line)), type: 'INT64' });
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    rowGroupSize: 100_000,
  });
  return new Uint8Array(buffer);
}

function columnsFromRows(rows: readonly ValidRow[]): OutputColumn[] {
  const names = new Set<string>();
  for (const r of rows) for (const name of Object.keys(r.row)) names.add(name);
  return [...names].map((name) => ({ name, type: 'unknown' as ScalarType }));
}

function parquetType(type: ScalarType, values: readonly unknown[]): BasicType {
  switch (type) {
    case 'string': return 'STRING';
    case 'number': return 'DOUBLE';
    case 'integer': return 'INT64';
    case 'boolean': return 'BOOLEAN';
    case 'timestamp': return 'TIMESTAMP';
    default: {
      const present = values.filter((v) => v !== null && v !== undefined);
      if (present.length === 0) return 'STRING';
      if (present.every((v) => typeof v === 'number')) return 'DOUBLE';
      if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
      if (present.every((v) => v instanceof Date)) return 'TIMESTAMP';
      return 'STRING';
    }
  }
}

function convert(value: unknown, type: BasicType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'DOUBLE':
      return typeof value === 'number' ? value : Number(value);
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
    case 'BOOLEAN':
      return Boolean(value);
    case 'TIMESTAMP':
      return value instanceof Date ? value : new Date(value as string | number);
  }
}
