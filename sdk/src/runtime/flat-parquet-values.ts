/**
 * The values of one column chunk for flat-parquet-writer.ts, sorted out in one pass each: which
 * are present, the choice between PLAIN and dictionary encoding (hyparquet-writer's
 * useDictionary, decision for decision), and the chunk's statistics (min, max, nulls, NaNs).
 */
import type { FlatColumn, FlatParquetType } from './flat-parquet-writer.js';

/** useDictionary's sample: up to 1000 values spread over the chunk; above 90% distinct bytes means PLAIN. */
const SAMPLE_SIZE = 1000;
const SAMPLE_REJECTION_RATIO = 0.9;

/** A column chunk's values, sorted out once: which are present, their statistics, their encoding. */
export interface Prepared {
  /** 1 where a value is present, 0 where null (the definition levels). */
  readonly present: Uint8Array;
  readonly nulls: number;
  /** Dictionary encoding: the distinct values in order of first appearance, and each row's index (-1 for null). */
  readonly dictionary?: { readonly entries: unknown[]; readonly indexes: Int32Array };
  readonly statistics: { min_value?: unknown; max_value?: unknown; null_count: bigint; nan_count?: bigint };
  /** Text whose PLAIN values (the column's, or its dictionary's entries) are all ASCII: pages are built as one latin1 string. */
  readonly ascii?: boolean;
}

/**
 * @example
 * ```ts
 * prepare({ name: 'kind', type: 'STRING', values: ['view', 'view', null] }, ['view', 'view', null]).dictionary?.entries // ['view']
 * ```
 */
export function prepare(column: FlatColumn, values: ArrayLike<unknown>): Prepared {
  switch (column.type) {
    case 'STRING': return prepareStrings(values as ArrayLike<string | null | undefined>, column.plain === true);
    case 'BOOLEAN': return prepareBooleans(values as ArrayLike<boolean | null | undefined>);
    default: return prepareNumbers(column.type, values as ArrayLike<number | bigint | null | undefined>, column.plain === true);
  }
}

function presence(values: ArrayLike<unknown>): { present: Uint8Array; nulls: number } {
  const present = new Uint8Array(values.length);
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else present[i] = 1;
  }
  return { present, nulls };
}

/**
 * useDictionary's sample test: true when the sampled distinct bytes exceed 90% of the sampled
 * bytes (then PLAIN). `size` is the library's estimate of a present value, its length prefix included.
 */
function sampleRulesOutDictionary(values: ArrayLike<unknown>, keyOf: (v: unknown) => unknown, size: (v: unknown) => number): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  const seen = new Set<unknown>();
  let distinctSize = 0;
  let totalSize = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleIndex(i, sampleSize, values.length)];
    // A null adds no bytes (the library keys it too, at size 0).
    if (value === null || value === undefined) continue;
    const s = size(value);
    const key = keyOf(value);
    if (!seen.has(key)) {
      seen.add(key);
      distinctSize += s;
    }
    totalSize += s;
  }
  return !totalSize || distinctSize / totalSize > SAMPLE_REJECTION_RATIO;
}

const sampleIndex = (i: number, sampleSize: number, length: number): number => (sampleSize === 1 ? 0 : Math.floor((i * (length - 1)) / (sampleSize - 1)));

/** Scratch space for the numeric sample: one allocation for the process, not one per column. */
const numericSample = new Float64Array(SAMPLE_SIZE);

/**
 * `sampleRulesOutDictionary` for fixed-width numbers: the sample sorted in a typed array and
 * its distinct values counted between neighbours, instead of keyed into a Set (a heap number
 * and a hash entry per value). Distinct as in a Set: NaN one value, -0 and +0 one. Every value
 * has the same size, so the ratio is the distinct share of the sample.
 */
function numericSampleRulesOutDictionary(values: ArrayLike<unknown>): boolean {
  const sampleSize = Math.min(values.length, SAMPLE_SIZE);
  let count = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value = values[sampleIndex(i, sampleSize, values.length)];
    if (value === null || value === undefined) continue;
    numericSample[count++] = value as number;
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
  return !count || distinct / count > SAMPLE_REJECTION_RATIO;
}

/**
 * The library's choice (useDictionary): PLAIN when asked; else a sample spread over the chunk
 * rules the dictionary out past 90% distinct bytes; else the dictionary is built (first
 * appearance first, keyed as Map keys: NaN one value, -0 and 0 one) and kept only when it and
 * its bit-packed indexes at least halve the PLAIN bytes. Sizes are the library's estimates: a
 * string's length plus the 4-byte prefix byte arrays carry (per value in PLAIN, per entry in
 * the dictionary), `width` bytes for a number; `bigint` keys INT64 values as int64Key does. A
 * chunk of at most SAMPLE_SIZE values is its own whole sample, so the built dictionary's
 * figures answer the first test too, in the same pass.
 */
function chooseDictionary(
  values: ArrayLike<unknown>, kind: 'string' | 'number' | 'bigint', width: number, sampleRulesOut: () => boolean,
): { entries: unknown[]; indexes: Int32Array } | undefined {
  if (values.length > SAMPLE_SIZE && sampleRulesOut()) return undefined;
  const prefix = kind === 'string' ? 4 : 0;
  // The PLAIN size first (no hashing): the build stops as soon as the dictionary can no longer halve it.
  let presentAll = 0;
  let plainAll = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    presentAll++;
    plainAll += (kind === 'string' ? (value as string).length : width) + prefix;
  }
  let bitWidthNow = 0;
  const byKey = new Map<unknown, number>();
  const entries: unknown[] = [];
  const indexes = new Int32Array(values.length);
  let dictionaryBytes = 0;
  let totalBytes = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      indexes[i] = -1;
      continue;
    }
    present++;
    // Sizes and keys inline (no callbacks): this loop runs for every value of most columns.
    const key = kind === 'bigint' ? int64Key(value) : value;
    const size = kind === 'string' ? (value as string).length : width;
    let index = byKey.get(key);
    totalBytes += size;
    if (index === undefined) {
      index = entries.length;
      entries.push(value);
      byKey.set(key, index);
      dictionaryBytes += size;
      while (2 ** bitWidthNow < entries.length) bitWidthNow++;
      // Entries and bit width only grow: past half the PLAIN size now, past it at the end too.
      if (2 * (dictionaryBytes + entries.length * prefix + Math.ceil((presentAll * bitWidthNow) / 8)) > plainAll) return undefined;
    }
    indexes[i] = index;
  }
  const distinctWithPrefix = dictionaryBytes + entries.length * prefix;
  const plainBytes = totalBytes + present * prefix;
  if (values.length <= SAMPLE_SIZE && (!plainBytes || distinctWithPrefix / plainBytes > SAMPLE_REJECTION_RATIO)) return undefined;
  const bitWidth = Math.ceil(Math.log2(entries.length));
  const indexBytes = Math.ceil((present * bitWidth) / 8);
  if (2 * (distinctWithPrefix + indexBytes) > plainBytes) return undefined;
  return { entries, indexes };
}

const sameKey = (v: unknown): unknown => v;

function prepareStrings(values: ArrayLike<string | null | undefined>, plain: boolean): Prepared {
  const { present, nulls } = presence(values);
  const dictionary = plain ? undefined
    : chooseDictionary(values, 'string', 0, () => sampleRulesOutDictionary(values, sameKey, (v) => (v as string).length + 4));
  // Statistics over the distinct values when there is a dictionary (the same min and max).
  const candidates: ArrayLike<string | null | undefined> = dictionary ? (dictionary.entries as string[]) : values;
  // JavaScript's `<` (UTF-16 order) is UTF-8 byte order unless a surrogate is involved: one
  // search of the column's text decides whether the native comparison will do.
  const text = Array.prototype.join.call(candidates, '');
  const ascii = !NON_ASCII.test(text);
  const compare = ascii || !SURROGATE.test(text) ? compareUtf16 : compareCodePoints;
  let min: string | undefined;
  let max: string | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i];
    if (v === null || v === undefined) continue;
    if (min === undefined || compare(v, min) < 0) min = v;
    if (max === undefined || compare(v, max) > 0) max = v;
  }
  return {
    present, nulls, ...(dictionary ? { dictionary } : {}), ascii,
    statistics: { min_value: min, max_value: max, null_count: BigInt(nulls) },
  };
}

const NON_ASCII = /[^\x00-\x7f]/;
const SURROGATE = /[\ud800-\udfff]/;
const compareUtf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders strings as their UTF-8 bytes order (code point order, a lone surrogate as U+FFFD, as
 * the library and TextEncoder treat it). JavaScript's `<` compares UTF-16 code units, which
 * disagrees only where a surrogate meets a unit from U+E000 up; those pairs take the slow way.
 */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x < 0xd800 && y < 0xd800) return x - y;
  // Whole strings: a cut at i could split a surrogate pair.
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function prepareBooleans(values: ArrayLike<boolean | null | undefined>): Prepared {
  const { present, nulls } = presence(values);
  let min: boolean | undefined;
  let max: boolean | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  return { present, nulls, statistics: { min_value: min, max_value: max, null_count: BigInt(nulls) } };
}

/** A number as the dictionary keys it: INT64 bigints inside ±2^53 as the numbers they equal. */
function int64Key(v: unknown): unknown {
  if (typeof v === 'bigint' && v >= -MAX_SAFE && v <= MAX_SAFE) return Number(v);
  return v;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function prepareNumbers(type: FlatParquetType, values: ArrayLike<number | bigint | null | undefined>, plain: boolean): Prepared {
  const { present, nulls } = presence(values);
  const width = type === 'INT32' ? 4 : 8;
  let bigints = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'bigint') bigints = true;
    if (type === 'INT32' ? !(Number.isSafeInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647)
      : type === 'DOUBLE' ? typeof v !== 'number'
      : typeof v === 'bigint' ? v < INT64_MIN || v > INT64_MAX : !Number.isSafeInteger(v)) {
      throw new RangeError(`parquet ${type} column cannot hold ${String(v)} (row ${i + 1} of the chunk)`);
    }
  }
  const dictionary = plain ? undefined
    : chooseDictionary(values, bigints ? 'bigint' : 'number', width, () => (bigints ? sampleRulesOutDictionary(values, int64Key, () => width) : numericSampleRulesOutDictionary(values)));
  const candidates: ArrayLike<unknown> = dictionary ? dictionary.entries : values;
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  let nan = 0n;
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i] as number | bigint | null | undefined;
    if (v === null || v === undefined) continue;
    if (v !== v) {
      nan++;
      continue;
    }
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  // NaNs counted over every value, not the dictionary's one.
  if (dictionary && type === 'DOUBLE') {
    nan = 0n;
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) nan++;
  }
  // The library's normalisation of signed zero: min -0, max +0.
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return {
    present, nulls, ...(dictionary ? { dictionary } : {}),
    statistics: { min_value: min, max_value: max, null_count: BigInt(nulls), ...(type === 'DOUBLE' ? { nan_count: nan } : {}) },
  };
}
