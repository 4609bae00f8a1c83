/**
 * hyparquet-writer's choice between PLAIN and dictionary encoding, made before calling it.
 *
 * The writer tries a dictionary for every column of every file (useDictionary in its
 * dictionary.js): it samples up to 1000 values into Maps — keyed by a hash per value for byte
 * arrays, by value otherwise — and when the sample does not rule a dictionary out, builds the
 * whole dictionary before its final size test. The event stage writes many small files (one
 * per dt per segment), and that trial was the largest single cost of writing them. The
 * functions here take the same two decisions, with the same thresholds, over the values as
 * the event stage holds them (strings, numbers): a column they show PLAIN is handed to the
 * writer with `encoding: 'PLAIN'`, which then skips the trial and writes what it would have
 * written; a column where a dictionary wins is left to the writer, which builds it.
 *
 * The sizes are the writer's estimates: a string's length (its byte length for ASCII; a
 * string column the writer receives as strings is measured the same way), 8 for DOUBLE and
 * INT64, plus a 4-byte length prefix per byte-array value.
 */

/** useDictionary's sampling threshold: distinct bytes above this share of the sample's bytes mean PLAIN. */
const SAMPLE_REJECTION_RATIO = 0.9;
const SAMPLE_SIZE = 1000;

/**
 * The writer's first test: true when its sample rules a dictionary out (then the column is
 * written PLAIN). `keyOf` maps a value to what the writer's sample would key it by (a Date's
 * milliseconds stand for the bigint the writer sees: equal exactly when those are equal);
 * `sizeOf` is the writer's size estimate of a non-null value, its prefix included.
 *
 * @example
 * ```ts
 * sampleRulesOutDictionary(['a', 'b', 'c'], (v) => v, (v) => (v as string).length + 4) // true: all distinct
 * sampleRulesOutDictionary(['a', 'a', 'a'], (v) => v, (v) => (v as string).length + 4) // false
 * ```
 */
export function sampleRulesOutDictionary(
  values: readonly unknown[],
  keyOf: (value: unknown) => unknown,
  sizeOf: (value: unknown) => number,
): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  const seen = new Set<unknown>();
  let distinctSize = 0;
  let totalSize = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleSize === 1 ? 0 : Math.floor((i * (values.length - 1)) / (sampleSize - 1))];
    // A null adds no bytes, as in the writer (whose Map counts it under its own key, at size 0).
    if (value === null || value === undefined) continue;
    const size = sizeOf(value);
    const key = keyOf(value);
    if (!seen.has(key)) {
      seen.add(key);
      distinctSize += size;
    }
    totalSize += size;
  }
  return !totalSize || distinctSize / totalSize > SAMPLE_REJECTION_RATIO;
}

/**
 * The writer's final test for a string column (BYTE_ARRAY) whose sample allowed a dictionary:
 * true when the dictionary plus its bit-packed indexes at least halve the PLAIN bytes (then the
 * writer keeps it).
 *
 * @example
 * ```ts
 * dictionaryWinsForStrings(['view', 'view', 'view', 'click']) // true
 * dictionaryWinsForStrings(['u1', 'u2', 'u3', 'u1'])          // false
 * ```
 */
export function dictionaryWinsForStrings(values: readonly (string | null | undefined)[]): boolean {
  const distinct = new Set<string>();
  let distinctSize = 0;
  let totalSize = 0;
  let nonNull = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    nonNull++;
    totalSize += value.length;
    if (!distinct.has(value)) {
      distinct.add(value);
      distinctSize += value.length;
    }
  }
  const bitWidth = Math.ceil(Math.log2(distinct.size));
  const indexSize = Math.ceil((nonNull * bitWidth) / 8);
  const plainSize = totalSize + nonNull * 4;
  const dictionarySize = distinctSize + distinct.size * 4;
  return !(2 * (dictionarySize + indexSize) > plainSize);
}

/** Scratch space for the numeric sample: one allocation for the process, not one per column. */
const numericSample = new Float64Array(SAMPLE_SIZE);

/**
 * `sampleRulesOutDictionary` for a column of 8-byte values given as numbers (DOUBLE, or the
 * epoch milliseconds of a TIMESTAMP: equal exactly when the writer's bigints are). The sample
 * is sorted in a typed array and its distinct values counted between neighbours, instead of
 * being keyed into a Set (a heap number and a hash entry per value): same sample, same
 * decision. Distinct as in a Set: NaN is one value, -0 and +0 are one.
 *
 * @example
 * ```ts
 * numericSampleRulesOutDictionary([1.5, 2.5, null, 3.5]) // true: all distinct
 * numericSampleRulesOutDictionary([1, 1, 1, 2])           // false
 * ```
 */
export function numericSampleRulesOutDictionary(values: ArrayLike<number | null | undefined>): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  let count = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleSize === 1 ? 0 : Math.floor((i * (values.length - 1)) / (sampleSize - 1))];
    if (value === null || value === undefined) continue;
    numericSample[count++] = value;
  }
  const sorted = numericSample.subarray(0, count).sort();
  let distinct = 0;
  for (let k = 0; k < count; k++) {
    const value = sorted[k]!;
    // Sorted NaNs come last: the first of them is a new value, the rest repeat it.
    if (value !== value) {
      distinct++;
      break;
    }
    if (k === 0 || value !== sorted[k - 1]) distinct++;
  }
  // The writer's sizes: 8 bytes per value, so the sums are these products exactly.
  const totalSize = count * 8;
  return !totalSize || (distinct * 8) / totalSize > SAMPLE_REJECTION_RATIO;
}

/**
 * Both of the writer's tests for a string column, `!sampleRulesOutDictionary(...) &&
 * dictionaryWinsForStrings(...)`: true when it would write a dictionary. A column of at most
 * 1000 values (most files of the event stage) is sampled whole, so one pass over it gives the
 * figures of both tests; a longer one takes the two passes.
 *
 * @example
 * ```ts
 * stringDictionaryWins(['view', 'view', 'click', null]) // true
 * stringDictionaryWins(['e1', 'e2', 'e3'])              // false
 * ```
 */
export function stringDictionaryWins(values: readonly (string | null | undefined)[]): boolean {
  if (values.length > SAMPLE_SIZE) {
    return !sampleRulesOutDictionary(values, (v) => v, (v) => (v as string).length + 4) && dictionaryWinsForStrings(values);
  }
  const distinct = new Set<string>();
  let distinctLength = 0;
  let totalLength = 0;
  let nonNull = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    nonNull++;
    totalLength += value.length;
    if (!distinct.has(value)) {
      distinct.add(value);
      distinctLength += value.length;
    }
  }
  // The sample's sizes count the 4-byte length prefix of each value.
  const sampleTotal = totalLength + 4 * nonNull;
  const sampleDistinct = distinctLength + 4 * distinct.size;
  if (!sampleTotal || sampleDistinct / sampleTotal > SAMPLE_REJECTION_RATIO) return false;
  const bitWidth = Math.ceil(Math.log2(distinct.size));
  const indexSize = Math.ceil((nonNull * bitWidth) / 8);
  return !(2 * (sampleDistinct + indexSize) > sampleTotal);
}
