/**
 * Text values of an Arrow vector exactly as stored. apache-arrow's `get()` decodes UTF-8 with
 * TextDecoder's defaults, which drop a leading U+FEFF: right for a file's first bytes, wrong
 * for a value. A label id `\uFEFFu1` read that way becomes `u1` and joins another entity's
 * features. These are the bytes decoded as they are.
 */
import type { Data, Vector } from 'apache-arrow';

/** What is read of apache-arrow (passed in: some callers load it lazily). */
type ArrowModule = Pick<typeof import('apache-arrow'), 'DataType'>;

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * UTF-8 bytes of one value as text, a leading U+FEFF kept (hyparquet's parser hook for
 * Parquet labels uses it too).
 *
 * @example
 * ```ts
 * textAsWritten(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // '\ufeffa'
 * ```
 */
export const textAsWritten = (bytes: Uint8Array | undefined): string | undefined => bytes && decoder.decode(bytes);

/**
 * The values of a Utf8, LargeUtf8 or text-dictionary vector (null for a null); undefined for a
 * vector of another type (read it with `get()`: it holds no text to lose).
 *
 * @example
 * ```ts
 * exactTextValues(arrow, arrow.vectorFromArray(['\ufeffu1', null])) // ['\ufeffu1', null]
 * ```
 */
export function exactTextValues(arrow: ArrowModule, vector: Vector): (string | null)[] | undefined {
  const out = new Array<string | null>(vector.length);
  let at = 0;
  for (const data of vector.data as Data[]) {
    const { type } = data;
    if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) {
      const values = data.values as Uint8Array;
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      for (let i = 0; i < data.length; i++) {
        out[at++] = data.getValid(i) ? textAsWritten(values.subarray(Number(offsets[i]), Number(offsets[i + 1])))! : null;
      }
    } else if (arrow.DataType.isDictionary(type) && data.dictionary) {
      const entries = exactTextValues(arrow, data.dictionary);
      if (!entries) return undefined;
      const indexes = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) out[at++] = data.getValid(i) ? entries[Number(indexes[i])]! : null;
    } else {
      return undefined;
    }
  }
  return out;
}

/**
 * The first `count` values of any vector (all of them by default): text exactly as stored
 * (exactTextValues), anything else through `get()`.
 *
 * @example
 * ```ts
 * valuesAsWritten(arrow, table.getChild('entity_id')!, 20) // ['\ufeffu1', 'u2', …]
 * ```
 */
export function valuesAsWritten(arrow: ArrowModule, vector: Vector, count = vector.length): unknown[] {
  const head = count < vector.length ? vector.slice(0, count) : vector;
  return exactTextValues(arrow, head) ?? Array.from({ length: head.length }, (_, i) => head.get(i) as unknown);
}
