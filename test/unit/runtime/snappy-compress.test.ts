/**
 * The event stage's Snappy compressor must write the bytes hyparquet-writer's does (the
 * Parquet files are compared byte for byte across runs), and must round-trip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { snappyCompress as writerSnappy } from 'hyparquet-writer/src/snappy.js';
import { snappyUncompress } from 'hyparquet';
import { snappyCompress } from '../../../sdk/src/runtime/snappy-compress.js';

/** Bytes with structure: runs, repeats at short and long distances, incompressible stretches. */
const pieces = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 200 })).map(([b, n]) => new Uint8Array(n).fill(b)),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 30 })).map(([p, n]) => {
      const out = new Uint8Array(p.length * n);
      for (let i = 0; i < n; i++) out.set(p, i * p.length);
      return out;
    }),
  ),
  { maxLength: 30 },
);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function same(input: Uint8Array): void {
  const ours = snappyCompress(input);
  expect(Buffer.from(ours).equals(Buffer.from(writerSnappy(input)))).toBe(true);
  const back = new Uint8Array(input.length);
  snappyUncompress(ours, back);
  expect(Buffer.from(back).equals(Buffer.from(input))).toBe(true);
}

describe('snappyCompress', () => {
  it('writes the bytes hyparquet-writer writes, for structured and random inputs', () => {
    fc.assert(fc.property(pieces, (parts) => same(concat(parts))), { numRuns: 500 });
  });

  it('matches on inputs past the largest hash table and the 64 KiB copy offset', () => {
    const random = new Uint8Array(200_000);
    let x = 1;
    for (let i = 0; i < random.length; i++) random[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    same(random);
    const text = new TextEncoder().encode(Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(''));
    same(text);
    same(concat([random.subarray(0, 70_000), random.subarray(0, 70_000)]));
    for (let n = 0; n < 40; n++) same(random.subarray(0, n));
  });
});
