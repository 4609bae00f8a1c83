/**
 * Assembles the training set: the label table as given (its own columns, untouched, in input
 * order) plus one Arrow vector per feature, typed from the catalog.
 */
import type { Table, Vector } from 'apache-arrow';
import { tableFromColumns } from './ordered-table.js';
import type { FeatureColumnValues, TypedColumn } from './training-set-types.js';

/**
 * @example
 * ```ts
 * const table = await assembleTrainingSet(labels.table, output.columns);
 * ```
 */
export async function assembleTrainingSet(labels: Table, columns: readonly FeatureColumnValues[]): Promise<Table> {
  const arrow = await import('apache-arrow');
  // By position, not by name: label columns may be named anything, even twice.
  const vectors: [string, Vector][] = labels.schema.fields.map((field, i) => [field.name, labels.getChildAt(i)!]);
  for (const c of columns) {
    vectors.push([c.feature.outputName, Array.isArray(c.values) ? featureVector(arrow, c.feature.type, c.values) : typedVector(arrow, c.values as TypedColumn)]);
  }
  return tableFromColumns(arrow, vectors);
}

/** Typed arrays → Arrow without touching values one by one (validity packed into a bitmap). */
function typedVector(arrow: typeof import('apache-arrow'), column: TypedColumn): Vector {
  const length = column.valid.length;
  const bitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (column.valid[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  const common = { length, nullCount, nullBitmap: nullCount ? bitmap : undefined };
  return column.data instanceof Float64Array
    ? arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), data: column.data, ...common }))
    : arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), data: column.data, ...common }));
}

function featureVector(arrow: typeof import('apache-arrow'), catalogType: string, values: unknown[]): Vector {
  const t = catalogType.toUpperCase();
  if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UBIGINT') {
    return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : BigInt(v as bigint | number))), new arrow.Int64());
  }
  if (t === 'INTEGER' || t === 'INT' || t === 'SMALLINT' || t === 'TINYINT') {
    return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : Number(v))), new arrow.Int32());
  }
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL' || t.startsWith('DECIMAL')) {
    return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : Number(v))), new arrow.Float64());
  }
  if (t === 'BOOLEAN') return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : Boolean(v))), new arrow.Bool());
  if (t.startsWith('TIMESTAMP') || t === 'DATE') {
    return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Number(v))), new arrow.TimestampMillisecond());
  }
  return arrow.vectorFromArray(values.map((v) => (v === null || v === undefined ? null : String(v))), new arrow.Utf8());
}
