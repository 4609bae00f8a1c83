/**
 * How the validation schema's fields decode CSV cells: the same on a local run and in the
 * event stage, so an empty cell means the same thing on both.
 */
import type { CsvColumnType } from './source-object.js';

/** A schema field as far as CSV decoding cares (a ColumnDescription has these). */
export interface CsvFieldShape {
  readonly name: string;
  readonly type: CsvColumnType;
  readonly nullable: boolean;
  readonly optional: boolean;
  readonly defaulted?: boolean;
}

export interface CsvDecoding {
  readonly columnTypes: Readonly<Record<string, CsvColumnType>>;
  /** Typed columns whose empty cell is null rather than a missing field. */
  readonly nullColumns: readonly string[];
}

/**
 * An empty cell is a missing value. It reaches zod as a missing field, except where the field
 * accepts null and nothing else would take a missing value (no `.optional()`, no `.default()`):
 * `z.number().nullable()` gets null, `z.number().optional()` nothing, `z.number().default(0)`
 * its default, and a required `z.coerce.date()` is refused as missing instead of becoming
 * 1970-01-01.
 *
 * @example
 * ```ts
 * csvDecodingFor(describeSchema(z.object({ n: z.number().nullable(), d: z.coerce.date() })).columns)
 * // { columnTypes: { n: 'number', d: 'timestamp' }, nullColumns: ['n'] }
 * ```
 */
export function csvDecodingFor(fields: readonly CsvFieldShape[]): CsvDecoding {
  return {
    columnTypes: Object.fromEntries(fields.map((f) => [f.name, f.type])),
    nullColumns: fields.filter((f) => f.type !== 'string' && f.nullable && !f.optional && !f.defaulted).map((f) => f.name),
  };
}
