/**
 * An Arrow table from named columns, in the order given. apache-arrow's `new Table({ ... })`
 * takes a plain object, and a plain object is the wrong container for label column names:
 * JavaScript lists integer-like keys ('0', '1', as a NumPy export names columns) before the
 * others, and assigning '__proto__' replaces the object's prototype instead of adding a key.
 * So the table is built under neutral keys (`c0`, `c1`, …) and its fields renamed afterwards.
 */
import type { Table, Vector } from 'apache-arrow';

/**
 * @example
 * ```ts
 * const arrow = await import('apache-arrow');
 * tableFromColumns(arrow, [['2', two], ['1', one], ['__proto__', p]]).schema.fields.map((f) => f.name);
 * // ['2', '1', '__proto__']
 * ```
 */
export function tableFromColumns(arrow: typeof import('apache-arrow'), columns: readonly (readonly [string, Vector])[]): Table {
  // Object.fromEntries over `c<i>` keys keeps insertion order, and the Table constructor aligns
  // vectors of different chunkings (a multi-batch label table beside one-chunk features).
  const neutral = new arrow.Table(Object.fromEntries(columns.map(([, vector], i) => [`c${i}`, vector])));
  const fields = neutral.schema.fields.map((field, i) => field.clone({ name: columns[i]![0] }));
  const schema = new arrow.Schema(fields);
  const batches = neutral.batches.map(
    (batch) => new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children: batch.data.children })),
  );
  return new arrow.Table(schema, batches);
}
