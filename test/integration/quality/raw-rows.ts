/** Test helpers: an in-memory DuckDB with a `raw_rows` table built from JS records. */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { z } from 'zod';
import { keepLeadingByteOrderMarks } from '../../../sdk/src/engines/local/duckdb-text-decoding.js';
import { runValidationStage, type ValidationStageResult } from '../../../sdk/src/engines/local/validation-stage.js';
import { zodOnly } from '../../helpers/zod-only.js';

export interface RawRecord {
  readonly object: string;
  readonly line: number;
  /** The original text; `json` defaults to it. */
  readonly raw: string;
  readonly json?: string | null;
  readonly error?: string | null;
}

/** A fresh database; text read back from it keeps a leading U+FEFF, as the engine's does. */
export async function withConnection<T>(body: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  keepLeadingByteOrderMarks();
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return await body(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Creates raw_rows(_row_id, _object, _line, _raw, _json, _error) as the engine does for JSON sources. */
export async function createJsonRawRows(c: DuckDBConnection, records: readonly RawRecord[], name = 'raw_rows'): Promise<void> {
  await c.run(`CREATE OR REPLACE TABLE "${name}" (_row_id BIGINT, _object VARCHAR, _line BIGINT, _raw VARCHAR, _json VARCHAR, _error VARCHAR)`);
  const appender = await c.createAppender(name);
  records.forEach((r, i) => {
    appender.appendBigInt(BigInt(i + 1));
    appender.appendVarchar(r.object);
    appender.appendBigInt(BigInt(r.line));
    appender.appendVarchar(r.raw);
    const json = r.json === undefined ? (r.error ? null : r.raw) : r.json;
    if (json === null) appender.appendNull();
    else appender.appendVarchar(json);
    if (r.error) appender.appendVarchar(r.error);
    else appender.appendNull();
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}

/** Rows of a table as JS objects, ordered by _row_id. */
export async function tableRows(c: DuckDBConnection, name: string): Promise<Record<string, unknown>[]> {
  return (await c.runAndReadAll(`SELECT * FROM "${name}" ORDER BY _row_id`)).getRowObjectsJS() as Record<string, unknown>[];
}

/**
 * The oracle for typed columns whose conversion for zod is the engine's own (decimals, instants):
 * runs the validation stage over the table `load` makes twice — as compiled, then with every row
 * sent to zod by an object-level refine — and checks that both keep the same rows with the same
 * values and that the first asked zod only about the rows zod rejects. Returns the valid rows.
 *
 * ```ts
 * validRows += await expectSameAsZodOnly(c, () => loadDecimals(c, values), schema);
 * ```
 */
export async function expectSameAsZodOnly(c: DuckDBConnection, load: () => Promise<void>, schema: z.ZodObject): Promise<number> {
  const { fast, whole } = await compareWithZodOnly(c, load, schema);
  expect(fast.fastPath.zodRows).toBe(whole.counts.quarantined);
  return fast.counts.valid;
}

/**
 * Runs the validation stage over the rows `load` makes as compiled, then again with every row
 * sent to zod (zod-only.ts), and expects the same valid rows and values, counts and quarantined
 * rows. Returns both results and the compiled run's valid rows.
 *
 * ```ts
 * const { fast, fastRows } = await compareWithZodOnly(c, () => createTypedRawRows(c, columns, rows), Event);
 * ```
 */
export async function compareWithZodOnly(
  c: DuckDBConnection, load: () => Promise<void>, schema: z.ZodType, options: { representation?: 'typed' | 'json'; canonicalJson?: boolean } = {},
): Promise<{ fast: ValidationStageResult; whole: ValidationStageResult; fastRows: Record<string, unknown>[] }> {
  const stage = { representation: options.representation ?? 'typed', profile: false, ...(options.canonicalJson === undefined ? {} : { canonicalJson: options.canonicalJson }) } as const;
  await load();
  const fast = await runValidationStage(c, { schema, ...stage });
  const fastRows = await tableRows(c, 'valid_rows');
  await load();
  const whole = await runValidationStage(c, { schema: zodOnly(schema), ...stage });
  expect(whole.fastPath.sqlRows).toBe(0);
  expect(whole.fastPath.zodRows).toBe(whole.counts.in);
  expect(fastRows).toEqual(await tableRows(c, 'valid_rows'));
  expect(fast.counts).toEqual(whole.counts);
  expect(fast.quarantined.rows()).toEqual(whole.quarantined.rows());
  return { fast, whole, fastRows };
}

/**
 * Creates raw_rows from JS rows as Parquet gives them, typed: a VARCHAR column holds the strings
 * (NULL for any other value), a DOUBLE the numbers; `timestamps` are VARCHAR columns cast to
 * TIMESTAMP (NULL where the text is not an instant). One object, `p.parquet`.
 *
 * ```ts
 * await createTypedRawRows(c, { user: 'VARCHAR', amount: 'DOUBLE', at: 'VARCHAR' }, rows, ['at']);
 * ```
 */
export async function createTypedRawRows(c: DuckDBConnection, columns: Readonly<Record<string, 'VARCHAR' | 'DOUBLE'>>, rows: readonly Record<string, unknown>[], timestamps: readonly string[] = []): Promise<void> {
  const names = Object.keys(columns);
  await c.run(`CREATE OR REPLACE TABLE staged (_row_id BIGINT, _object VARCHAR, _line BIGINT, ${names.map((n) => `"${n}" ${columns[n]}`).join(', ')})`);
  const appender = await c.createAppender('staged');
  rows.forEach((r, i) => {
    appender.appendBigInt(BigInt(i + 1));
    appender.appendVarchar('p.parquet');
    appender.appendBigInt(BigInt(i + 1));
    for (const name of names) {
      const v = r[name];
      if (columns[name] === 'DOUBLE' && typeof v === 'number') appender.appendDouble(v);
      else if (columns[name] === 'VARCHAR' && typeof v === 'string') appender.appendVarchar(v);
      else appender.appendNull();
    }
    appender.endRow();
  });
  appender.closeSync();
  const cast = timestamps.map((n) => `TRY_CAST("${n}" AS TIMESTAMP) AS "${n}"`).join(', ');
  await c.run(`CREATE OR REPLACE TABLE raw_rows AS SELECT *${cast ? ` REPLACE (${cast})` : ''} FROM staged`);
}
