/**
 * The keys a `unique` gate has seen in one object, as 64-bit hashes in an open-addressing
 * table of one Uint32Array (hi, lo side by side, so a probe touches one cache line, not two:
 * the table outgrows the CPU caches at a few hundred thousand keys and the misses showed in
 * profiles): 8 bytes per key (×2 for the load factor), outside the JS heap,
 * instead of a Set of key strings (tens of bytes each, on the heap the memory budget caps).
 *
 * A hash stands for its key, so two different keys with the same 64-bit hash count as a
 * duplicate: for n keys the chance of any such collision is about n² / 2⁶⁵ (3·10⁻⁸ for a
 * million-row object). The hash is the same in every process and Node version (pure JS over
 * UTF-16 code units), which is what lets a resumed object rebuild the set from the hashes
 * persisted beside its checkpoint and reach the verdict a clean run reaches.
 */

/**
 * A 64-bit hash of a string as two unsigned 32-bit halves (cyrb53's mixing, both halves kept).
 * Never returns [0, 0], which the table uses for an empty slot.
 *
 * @example
 * ```ts
 * const [hi, lo] = hashKey('["e1"]');
 * ```
 */
export function hashKey(text: string): [number, number] {
  hashInto(text);
  return [hashed.hi, hashed.lo];
}

/** The last hash computed by hashInto: two numbers, not a new array per row (GC on the hot path). */
const hashed = { hi: 0, lo: 0 };

function hashInto(text: string): void {
  hashTaggedInto(-1, text);
}

/**
 * The hash of `String.fromCharCode(tag) + text` (of `text` alone when `tag` is -1), without
 * building that string: a concatenation per row is garbage, and hashing it flattens it (a copy).
 */
function hashTaggedInto(tag: number, text: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  if (tag >= 0) {
    h1 = Math.imul(h1 ^ tag, 2654435761);
    h2 = Math.imul(h2 ^ tag, 1597334677);
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  hashed.hi = h2 >>> 0;
  hashed.lo = h1 >>> 0;
  if (hashed.hi === 0 && hashed.lo === 0) hashed.lo = 1;
}

/**
 * A set of 64-bit key hashes that also remembers which hashes were added since the last
 * `takeAdded()` (what a segment must persist). Everything lives in typed arrays: a row adds no
 * garbage for the collector (a Set of strings, or an array of numbers above 2^31, would).
 *
 * @example
 * ```ts
 * const seen = new KeyHashSet();
 * seen.addText('["e1"]'); // true: new
 * seen.addText('["e1"]'); // false: a duplicate
 * ```
 */
export class KeyHashSet {
  /** Slot i holds (hi, lo) at [2i, 2i + 1]; (0, 0) is empty. */
  private slots = new Uint32Array(2 * 1024);
  private size = 0;
  /** (hi, lo) pairs added since the last takeAdded(); `addedLength` of them are in use. */
  private added = new Uint32Array(1024);
  private addedLength = 0;

  /** Hashes `text` and adds it; false when that hash was already there. */
  addText(text: string): boolean {
    hashInto(text);
    return this.add(hashed.hi, hashed.lo);
  }

  /**
   * Adds the key whose text is `String.fromCharCode(tag) + text` (the same hash, no string
   * built); false when it was already there.
   */
  addTagged(tag: number, text: string): boolean {
    hashTaggedInto(tag, text);
    return this.add(hashed.hi, hashed.lo);
  }

  /** Adds a hash; false when it was already there. */
  add(hi: number, lo: number): boolean {
    if (!this.insert(hi, lo)) return false;
    if (this.addedLength + 2 > this.added.length) {
      const larger = new Uint32Array(this.added.length * 2);
      larger.set(this.added);
      this.added = larger;
    }
    this.added[this.addedLength++] = hi;
    this.added[this.addedLength++] = lo;
    if (this.size * 4 > this.slots.length) this.grow();
    return true;
  }

  /** The hashes added since the last call, as big-endian (hi, lo) pairs of 4 bytes each. */
  takeAdded(): Uint8Array {
    const bytes = new Uint8Array(this.addedLength * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < this.addedLength; i++) view.setUint32(i * 4, this.added[i]!);
    this.addedLength = 0;
    return bytes;
  }

  /** Adds hashes written by `takeAdded()` (they do not count as added again). */
  restore(bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset + 8 <= bytes.byteLength; offset += 8) {
      this.insert(view.getUint32(offset), view.getUint32(offset + 4));
      if (this.size * 4 > this.slots.length) this.grow();
    }
  }

  private insert(hi: number, lo: number): boolean {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    // lo is already well mixed; hi breaks up runs of equal lo.
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const h = slots[2 * slot]!;
      const l = slots[2 * slot + 1]!;
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
      slot = (slot + 1) & mask;
    }
    slots[2 * slot] = hi;
    slots[2 * slot + 1] = lo;
    this.size++;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}
