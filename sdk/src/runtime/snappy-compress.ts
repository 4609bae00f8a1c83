/**
 * Snappy compression for the Parquet pages the event stage writes: hyparquet-writer's own
 * algorithm (snappyjs's port of the reference implementation), step for step, so every page
 * compresses to the same bytes — but writing into one preallocated array instead of through
 * its ByteWriter, which checked capacity and went through a DataView per output byte and
 * allocated a view per literal. That showed as a sixth of the time spent writing Parquet.
 * A test compares the two on random and repetitive inputs.
 */

const MAX_HASH_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
const INPUT_MARGIN = 15;
/** One table per size, reused (and cleared) by every call, as the writer's compressor does. */
const hashTables: (Uint32Array | undefined)[] = [];

/**
 * Compresses `input` as one Snappy block (the length as a varint, then literals and copies).
 *
 * @example
 * ```ts
 * parquetWriteBuffer({ columnData, compressors: { SNAPPY: snappyCompress } });
 * ```
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  // The reference bound on compressed size: literals cost at most 5 header bytes per 60+ bytes.
  const out = new Uint8Array(32 + input.length + Math.ceil(input.length / 6));
  let op = 0;
  let length = input.length;
  while ((length & ~0x7f) !== 0) {
    out[op++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  out[op++] = length;
  op = compressInput(out, op, input);
  return out.subarray(0, op);
}

function hashFunc(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

/** As the writer's: `+`, not `|`, so that a read past the end gives the same (unused) NaN-derived hash. */
function load32(array: Uint8Array, pos: number): number {
  return array[pos]! + (array[pos + 1]! << 8) + (array[pos + 2]! << 16) + (array[pos + 3]! << 24);
}

function equals32(array: Uint8Array, a: number, b: number): boolean {
  return array[a] === array[b] && array[a + 1] === array[b + 1] && array[a + 2] === array[b + 2] && array[a + 3] === array[b + 3];
}

function emitLiteral(out: Uint8Array, op: number, input: Uint8Array, ip: number, len: number): number {
  if (len <= 60) {
    out[op++] = (len - 1) << 2;
  } else {
    const value = len - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    out[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[op++] = value >>> (i * 8);
  }
  if (len < 32) {
    for (let i = 0; i < len; i++) out[op + i] = input[ip + i]!;
  } else {
    out.set(input.subarray(ip, ip + len), op);
  }
  return op + len;
}

function emitCopyLessThan64(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((len - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopyLessThan64(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyLessThan64(out, op, offset, 60);
    len -= 60;
  }
  return emitCopyLessThan64(out, op, offset, len);
}

function compressInput(out: Uint8Array, op: number, input: Uint8Array): number {
  const inputSize = input.length;
  let hashTableBits = 1;
  while (1 << hashTableBits <= inputSize && hashTableBits <= MAX_HASH_TABLE_BITS) hashTableBits++;
  hashTableBits--;
  const shift = 32 - hashTableBits;
  const hashTable = (hashTables[hashTableBits] ??= new Uint32Array(1 << hashTableBits));
  hashTable.fill(0);

  const ipEnd = inputSize;
  let ip = 0;
  let nextEmit = 0;
  if (inputSize >= INPUT_MARGIN) {
    const ipLimit = ipEnd - INPUT_MARGIN;
    ip++;
    let nextHash = hashFunc(load32(input, ip), shift);
    for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      let done = false;
      do {
        ip = nextIp;
        const hash = nextHash;
        const bytesBetweenHashLookups = skip >>> 5;
        skip++;
        nextIp = ip + bytesBetweenHashLookups;
        if (ip > ipLimit) {
          done = true;
          break;
        }
        nextHash = hashFunc(load32(input, nextIp), shift);
        candidate = hashTable[hash]!;
        hashTable[hash] = ip;
      } while (ip - candidate > MAX_OFFSET || !equals32(input, ip, candidate));
      if (done) break;

      op = emitLiteral(out, op, input, nextEmit, ip - nextEmit);

      // A match: copy it, and keep copying while the next position matches too.
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < ipEnd && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) {
          done = true;
          break;
        }
        hashTable[hashFunc(load32(input, ip - 1), shift)] = ip - 1;
        const curHash = hashFunc(load32(input, ip), shift);
        candidate = hashTable[curHash]!;
        hashTable[curHash] = ip;
      } while (ip - candidate <= MAX_OFFSET && equals32(input, ip, candidate));
      if (done) break;

      ip++;
      nextHash = hashFunc(load32(input, ip), shift);
    }
  }
  if (nextEmit < ipEnd) op = emitLiteral(out, op, input, nextEmit, ipEnd - nextEmit);
  return op;
}
