/**
 * Labels in, as an Arrow table plus the keys the join needs. Label columns are carried through
 * untouched in JS; only `(row, entity id, ts)` ever reach an engine, so label values and column
 * names never become SQL text.
 */
import type { Table, TimeUnit, Vector } from 'apache-arrow';
import { PlanError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
import type { LabelKeys, LabelsInput } from './training-set-types.js';
import { exactTextValues } from '../format/arrow-exact-text.js';
import { readLabelSource } from './label-source-reader.js';
import { parseIsoInstant } from './label-time-text.js';
import { tableFromColumns } from './ordered-table.js';

export interface LabelFrame {
  readonly table: Table;
  readonly keys: LabelKeys;
}

/**
 * Loads labels and extracts their keys.
 *
 * @example
 * ```ts
 * const { table, keys } = await loadLabels([{ entity_id: 'u1', ts: '2024-01-05T00:00:00Z', y: 1 }], 'entity_id', 'ts');
 * ```
 * @throws PlanError `LABEL_COLUMN_MISSING` when the entity or time column is absent; `LABEL_TS_INVALID` for a timestamp that is not an instant.
 */
export async function loadLabels(labels: LabelsInput, entityColumn: string, timestampColumn: string, s3Client?: unknown): Promise<LabelFrame> {
  const arrow = await import('apache-arrow');
  let table: Table;
  if (labels instanceof arrow.Table) table = labels;
  else if (Array.isArray(labels)) table = objectsToArrow(arrow, labels as readonly Record<string, unknown>[]);
  else {
    const node = sourceNodeOf(labels);
    // The entity id is read as text from CSV: the store keys by the id's text, so '1.0' must stay '1.0'.
    const { columns, rows } = await readLabelSource(node, s3Client, [entityColumn]);
    table = objectsToArrow(arrow, rows, columns);
  }
  return { table, keys: extractKeys(arrow, table, entityColumn, timestampColumn) };
}

function sourceNodeOf(labels: LabelsInput): SourceNode {
  const candidate = (labels as { node?: SourceNode }).node ?? (labels as SourceNode);
  if (candidate && (candidate as SourceNode).kind === 'source') return candidate as SourceNode;
  throw new PlanError('INVALID_LABELS', 'labels', 'labels must be a source (file(...) or s3(...)), an Arrow table, or an array of objects.');
}

function extractKeys(arrow: ArrowModule, table: Table, entityColumn: string, timestampColumn: string): LabelKeys {
  const names = table.schema.fields.map((f) => f.name);
  for (const [column, option] of [[entityColumn, 'entityColumn'], [timestampColumn, 'timestampColumn']] as const) {
    if (!names.includes(column)) {
      throw new PlanError(
        'LABEL_COLUMN_MISSING',
        `labels.${column}`,
        `The labels have no column ${JSON.stringify(column)} (columns: ${names.join(', ') || 'none'}). Name the right one with { ${option}: '<column>' }.`,
      );
    }
  }
  const entityVector = table.getChild(entityColumn)!;
  const tsVector = table.getChild(timestampColumn)!;
  const count = table.numRows;
  // Text ids as stored (a leading U+FEFF kept: get() would drop it); other types through get().
  const exact = exactTextValues(arrow, entityVector);
  const entity: (string | null)[] = exact ?? new Array(count);
  if (!exact) {
    for (let i = 0; i < count; i++) {
      const e = entityVector.get(i);
      entity[i] = e === null || e === undefined ? null : typeof e === 'string' ? e : String(e);
    }
  }
  return { count, entity, tsMs: labelTimesMs(arrow, tsVector, timestampColumn) };
}

/** Raw units per millisecond, indexed by Arrow's `TimeUnit` (SECOND = 0 … NANOSECOND = 3); seconds multiply instead. */
const UNITS_PER_MS = [0n, 1n, 1000n, 1_000_000n] as const;

/**
 * Epoch milliseconds of every label time. Arrow timestamps are read from their raw 64-bit
 * values, not through `get()`: apache-arrow's `get()` already returns epoch ms for every unit,
 * but as a float, so a nanosecond time one tick before a cadence boundary rounds up onto the
 * boundary and would see the feature row computed there. Every other type goes through `get()`.
 */
function labelTimesMs(arrow: ArrowModule, vector: Vector, column: string): Float64Array {
  const out = new Float64Array(vector.length);
  if (!arrow.DataType.isTimestamp(vector.type)) {
    for (let i = 0; i < vector.length; i++) out[i] = toEpochMs(vector.get(i), i, column);
    return out;
  }
  let row = 0;
  for (const chunk of vector.data) {
    const values = chunk.values as BigInt64Array;
    const unit = (chunk.type as import('apache-arrow').Timestamp).unit;
    for (let j = 0; j < chunk.length; j++, row++) out[row] = chunk.getValid(j) ? timestampToEpochMs(values[j]!, unit) : Number.NaN;
  }
  return out;
}

/**
 * One raw Arrow timestamp (an integer count of `unit`s since the epoch) as epoch ms, floored —
 * also before 1970, where BigInt division alone would round toward zero, i.e. up.
 *
 * @example
 * ```ts
 * timestampToEpochMs(1_704_412_800n, 0)  // Timestamp<SECOND>     → 1704412800000
 * timestampToEpochMs(-1_500n, 2)         // Timestamp<MICROSECOND> → -2 (1969-12-31T23:59:59.998Z)
 * ```
 */
export function timestampToEpochMs(raw: bigint, unit: TimeUnit): number {
  if (unit === 0 /* TimeUnit.SECOND */) return Number(raw * 1000n);
  const per = UNITS_PER_MS[unit];
  const quotient = raw / per;
  return Number(raw % per < 0n ? quotient - 1n : quotient);
}

/**
 * A label time as epoch ms: a Date, epoch milliseconds (what apache-arrow's `get()` returns for
 * Date32/Date64, and what plain numbers and BIGINTs mean here), or an ISO-8601 string
 * (`parseIsoInstant`: UTC unless it carries an offset; nothing is guessed). Sub-millisecond digits
 * are dropped (floor), which is exact against feature rows whose `feature_ts` are
 * millisecond-aligned cadence boundaries.
 *
 * @example
 * ```ts
 * toEpochMs('2024-01-05T10:00:00Z', 0, 'ts')   // 1704448800000
 * toEpochMs('2024-01-05 10:00:00+02', 1, 'ts') // 1704441600000
 * toEpochMs(null, 2, 'ts')                     // NaN (a missing time)
 * toEpochMs('yesterday', 3, 'ts')              // throws PlanError LABEL_TS_INVALID at labels[3].ts
 * ```
 */
export function toEpochMs(value: unknown, row: number, column: string): number {
  if (value === null || value === undefined) return Number.NaN;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'bigint') ms = Number(value);
  else if (typeof value === 'string') ms = parseIsoInstant(value) ?? Number.NaN;
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new PlanError(
      'LABEL_TS_INVALID',
      `labels[${row}].${column}`,
      `Label row ${row} has ${JSON.stringify(String(value))} in ${JSON.stringify(column)}, which is not a point in time. Use a Date, epoch milliseconds, or an ISO-8601 string such as '2024-01-05T10:00:00Z' or '2024-01-05 10:00:00+00' (UTC unless it carries an offset).`,
    );
  }
  return Math.floor(ms);
}

type ArrowModule = typeof import('apache-arrow');

/**
 * Plain objects → Arrow, one column per name: `columns` when the source knows its order (a CSV
 * header, a Parquet schema), else each key in first-seen order (JavaScript itself lists an
 * object's integer-like keys first, so that order is the object's, not the text's).
 *
 * @example
 * ```ts
 * objectsToArrow(await import('apache-arrow'), [{ entity_id: 'u1', ts: new Date(), y: 1 }]);
 * ```
 */
export function objectsToArrow(arrow: ArrowModule, rows: readonly Record<string, unknown>[], columns?: readonly string[]): Table {
  const names: string[] = [...(columns ?? [])];
  const seen = new Set<string>(names);
  for (const row of rows) for (const key of Object.keys(row)) if (!seen.has(key)) (seen.add(key), names.push(key));
  // Own properties only: a column named like an Object.prototype member ('constructor') is absent, not a function.
  const cell = (row: Record<string, unknown>, name: string): unknown => (Object.hasOwn(row, name) && row[name] !== undefined ? row[name] : null);
  return tableFromColumns(arrow, names.map((name) => [name, vectorFor(arrow, rows.map((r) => cell(r, name)))] as const));
}

function vectorFor(arrow: ArrowModule, values: unknown[]): import('apache-arrow').Vector {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => v instanceof Date)) {
    return arrow.vectorFromArray(values.map((v) => (v === null ? null : (v as Date).getTime())), new arrow.TimestampMillisecond());
  }
  // Integers beyond 2^53 arrive as bigints (Parquet INT64; JSON, where a number would have been
  // rounded), beside the smaller ones of the same column as numbers: one Int64 column holds both.
  if (present.length > 0 && present.some((v) => typeof v === 'bigint') && present.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)))) {
    return arrow.vectorFromArray(values.map((v) => (v === null ? null : BigInt(v as bigint | number))), new arrow.Int64());
  }
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return arrow.vectorFromArray(values as (number | null)[], new arrow.Float64());
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return arrow.vectorFromArray(values as (boolean | null)[], new arrow.Bool());
  return arrow.vectorFromArray(
    // A bigint as its digits (JSON.stringify would quote the text its replacer gives back).
    values.map((v) => (v === null ? null : typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)))),
    new arrow.Utf8(),
  );
}
