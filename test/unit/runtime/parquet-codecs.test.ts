/**
 * The LZ4 decoders the event stage adds to hyparquet (GZIP, BROTLI and ZSTD are node:zlib's and
 * fzstd's; DuckDB-written pages of every codec are read in parquet-landing-parity.test.ts). LZ4
 * blocks here are written by hand from the format's description, so the decoder is not checked
 * against itself.
 */
import { describe, expect, it } from 'vitest';
import { lz4Block, PARQUET_CODECS } from '../../../sdk/src/runtime/parquet-codecs.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

describe('an LZ4 block', () => {
  it('of literals only', () => {
    expect(text(lz4Block(bytes([0x50], 'hello'), 5))).toBe('hello');
  });

  it('with a match that overlaps what it copies (a run)', () => {
    // 'abc', then 6 bytes from 3 back: token = 3 literals << 4 | (6 - 4); offset 3, little-endian.
    expect(text(lz4Block(bytes([0x32], 'abc', [3, 0]), 9))).toBe('abcabcabc');
    // Then five literal bytes ending the block: the last sequence has no match.
    expect(text(lz4Block(bytes([0x32], 'abc', [3, 0], [0x50], 'hello'), 14))).toBe('abcabcabchello');
  });

  it('with lengths past 15 (extra length bytes)', () => {
    const literals = 'x'.repeat(15 + 255 + 3);
    // 15 in the token, then 255 (continue) and 3 (stop) = 273 literals.
    expect(text(lz4Block(bytes([0xf0, 255, 3], literals), 273))).toBe(literals);
    // A match of 4 + 15 + 20 = 39 bytes of 'y', from 1 back.
    expect(text(lz4Block(bytes([0x1f], 'y', [1, 0], [20]), 40))).toBe('y'.repeat(40));
  });

  it.each([
    ['a match from before the start', bytes([0x12], 'a', [5, 0]), 6],
    ['an offset of zero', bytes([0x12], 'a', [0, 0]), 7],
    ['literals past the input', bytes([0x50], 'hi'), 5],
    ['fewer bytes than the page says', bytes([0x50], 'hello'), 6],
    ['more bytes than the page says', bytes([0x32], 'abc', [3, 0]), 5],
  ])('that is corrupt (%s) throws', (_, block, length) => {
    expect(() => lz4Block(block, length)).toThrow(/corrupt LZ4 block/);
  });
});

describe('the deprecated LZ4 codec', () => {
  const block = bytes([0x32], 'abc', [3, 0]);
  const frame = (decompressed: number, compressed: Uint8Array) => bytes([0, 0, 0, decompressed, 0, 0, 0, compressed.length], [...compressed]);

  it("reads Hadoop's framing, one frame or several", () => {
    expect(text(PARQUET_CODECS.LZ4!(frame(9, block), 9))).toBe('abcabcabc');
    const hello = bytes([0x50], 'hello');
    expect(text(PARQUET_CODECS.LZ4!(bytes([...frame(9, block)], [...frame(5, hello)]), 14))).toBe('abcabcabchello');
  });

  it('reads a bare block when the framing does not add up', () => {
    expect(text(PARQUET_CODECS.LZ4!(bytes([0x50], 'hello'), 5))).toBe('hello');
  });
});
