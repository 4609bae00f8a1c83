/**
 * The quarantine's raw content of a typed row (a Parquet row, which has no text of its own), in
 * one place for both backends: the local engine reads the row through DuckDB, the event stage
 * through hyparquet, and a rejected row must read the same from either.
 */

/**
 * A typed row's JSON text, for the quarantine (bigints as strings, Dates as ISO strings).
 *
 * @example
 * ```ts
 * rowToRawJson({ id: 2n ** 60n, ts: new Date(0) }) // '{"id":"1152921504606846976","ts":"1970-01-01T00:00:00.000Z"}'
 * ```
 */
export function rowToRawJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * A blob's text as DuckDB casts a BLOB to VARCHAR (and @duckdb/node-api prints one): printable
 * ASCII as itself, quotes and every other byte as `\xHH`.
 *
 * @example
 * ```ts
 * blobText(new Uint8Array([0, 0xff, 0x61, 0x27])) // '\\x00\\xFFa\\x27'
 * ```
 */
export function blobText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text += byte <= 0x1f || byte === 0x22 || byte === 0x27 || byte >= 0x7f ? `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return text;
}
