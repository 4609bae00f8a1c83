/**
 * The page decompressors hyparquet needs beyond its own Snappy, for Parquet landing objects:
 * every codec DuckDB (the local engine) reads, so an object a local run reads is read here too.
 * GZIP and BROTLI come from node:zlib (in every Lambda runtime, nothing to bundle), ZSTD from
 * fzstd (pure JS: Node 20's zlib has no zstd), LZ4 as below.
 */
import { brotliDecompressSync, unzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import type { Compressors } from 'hyparquet';

/**
 * @example
 * ```ts
 * await parquetReadObjects({ file, compressors: PARQUET_CODECS }); // reads GZIP, ZSTD, BROTLI, LZ4 and LZ4_RAW pages too
 * ```
 */
export const PARQUET_CODECS: Compressors = {
  GZIP: (input) => unzipSync(input), // gzip, or the zlib stream some older writers put there
  BROTLI: (input) => brotliDecompressSync(input),
  ZSTD: (input, outputLength) => zstdDecompress(input, new Uint8Array(outputLength)),
  LZ4_RAW: (input, outputLength) => lz4Block(input, outputLength),
  LZ4: (input, outputLength) => lz4Hadoop(input, outputLength),
};

/**
 * The deprecated `LZ4` codec: parquet-mr wrote Hadoop's framing (blocks, each behind its
 * big-endian decompressed and compressed lengths), some other writers a bare block. As Arrow
 * does, the framing is tried first and the bare block when the lengths do not add up.
 */
function lz4Hadoop(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let i = 0;
  let o = 0;
  while (i + 8 <= input.length) {
    const decompressed = view.getUint32(i);
    const compressed = view.getUint32(i + 4);
    if (i + 8 + compressed > input.length || o + decompressed > outputLength) return lz4Block(input, outputLength);
    out.set(lz4Block(input.subarray(i + 8, i + 8 + compressed), decompressed), o);
    i += 8 + compressed;
    o += decompressed;
  }
  return i === input.length && o === outputLength ? out : lz4Block(input, outputLength);
}

/**
 * One LZ4 block (the format of LZ4_RAW pages): sequences of literals, then a match copied from
 * `offset` bytes back (overlapping copies repeat a run).
 *
 * @throws Error when the block is corrupt: its sequences run past the input or the output, or
 * do not fill exactly `outputLength` bytes.
 */
export function lz4Block(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  let i = 0;
  let o = 0;
  const corrupt = (): never => {
    throw new Error(`corrupt LZ4 block (${input.length} bytes, ${outputLength} expected decompressed)`);
  };
  const length = (start: number): number => {
    let n = start;
    if (start !== 15) return n;
    for (;;) {
      if (i >= input.length) corrupt();
      const b = input[i++]!;
      n += b;
      if (b !== 255) return n;
    }
  };
  while (i < input.length) {
    const token = input[i++]!;
    const literals = length(token >> 4);
    if (i + literals > input.length || o + literals > outputLength) corrupt();
    out.set(input.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i === input.length) break; // the last sequence has literals only
    if (i + 2 > input.length) corrupt();
    const offset = input[i]! | (input[i + 1]! << 8);
    i += 2;
    const match = length(token & 15) + 4;
    let from = o - offset;
    if (offset === 0 || from < 0 || o + match > outputLength) corrupt();
    for (let k = 0; k < match; k++) out[o++] = out[from++]!;
  }
  if (o !== outputLength) corrupt();
  return out;
}
