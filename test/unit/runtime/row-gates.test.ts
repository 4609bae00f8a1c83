/**
 * The event stage's per-row gates and the key-hash set behind `unique`, against plain
 * JavaScript bookkeeping written here (a Set of JSON keys).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRowGates } from '../../../sdk/src/runtime/row-gates.js';
import { KeyHashSet } from '../../../sdk/src/runtime/key-hash-set.js';

describe('KeyHashSet', () => {
  it('remembers every key across table growth, and hands over exactly the new ones for a checkpoint', () => {
    const seen = new KeyHashSet();
    for (let i = 0; i < 5000; i++) expect(seen.addText(`key-${i}`)).toBe(true);
    for (let i = 0; i < 5000; i += 7) expect(seen.addText(`key-${i}`)).toBe(false);
    const first = seen.takeAdded();
    expect(first.byteLength).toBe(5000 * 8);
    expect(seen.addText('key-5000')).toBe(true);
    expect(seen.takeAdded().byteLength).toBe(8);
    expect(seen.takeAdded().byteLength).toBe(0);

    // A resumed object: the stored hashes rebuild the set, and do not count as new again.
    const resumed = new KeyHashSet();
    resumed.restore(first);
    expect(resumed.takeAdded().byteLength).toBe(0);
    expect(resumed.addText('key-4999')).toBe(false);
    expect(resumed.addText('key-5000')).toBe(true);
  });
});

describe('KeyHashSet.addTagged', () => {
  it('stores the hash of the tag and text joined (keys stored by an earlier version still match on resume)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 40 }), (texts) => {
        const joined = new KeyHashSet();
        const tagged = new KeyHashSet();
        for (const text of texts) expect(tagged.addTagged(0x73, text)).toBe(joined.addText(`s${text}`));
        expect(tagged.takeAdded()).toEqual(joined.takeAdded());
      }),
      { numRuns: 200 },
    );
  });
});

describe('createRowGates: unique', () => {
  it('counts the duplicates a Set of JSON keys counts (one and two columns, strings and numbers, nulls skipped)', () => {
    const value = fc.option(fc.oneof(fc.constantFrom('1', 'a', 's1', '["1"]', '[1]', ''), fc.constantFrom(1, 2)), { nil: null, freq: 6 });
    fc.assert(
      fc.property(fc.array(fc.record({ a: value, b: value }), { maxLength: 60 }), (rows) => {
        const gates = createRowGates({ unique: ['a', ['a', 'b']] });
        const violations: Record<string, number> = {};
        for (const row of rows) gates.check(row, violations);
        const expected = (columns: string[]): number => {
          const keys = new Set<string>();
          let duplicates = 0;
          for (const row of rows) {
            const key = columns.map((c) => row[c as 'a' | 'b']);
            if (key.some((v) => v === null)) continue;
            const text = JSON.stringify(key);
            if (keys.has(text)) duplicates++;
            keys.add(text);
          }
          return duplicates;
        };
        expect(violations['unique(a)'] ?? 0).toBe(expected(['a']));
        expect(violations['unique(a, b)'] ?? 0).toBe(expected(['a', 'b']));
      }),
      { numRuns: 200 },
    );
  });
});
