import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCurrentObject, keyIdOf, markerIsOfVersion, markerKey, sequencerOrder } from '../../../sdk/src/runtime/current-versions.js';

/** S3's documented comparison, written out: right-pad the shorter with zeros, then compare as text. */
function s3Compare(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const [x, y] = [a.toUpperCase().padEnd(width, '0'), b.toUpperCase().padEnd(width, '0')];
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('sequencerOrder', () => {
  it('sorts marker names as S3 orders the events of a key', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 24 });
    fc.assert(fc.property(hex, hex, (a, b) => {
      const [x, y] = [sequencerOrder(a)!, sequencerOrder(b)!];
      expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(s3Compare(a, b));
    }));
  });

  it('refuses what is not a sequencer: absent, empty, not hex, longer than 64 digits', () => {
    for (const bad of [undefined, '', '0x12', '12 34', 'G1', '1'.repeat(65)]) expect(sequencerOrder(bad), String(bad)).toBeUndefined();
    expect(sequencerOrder('0055AED6DCD90281E5')).toBe('0055AED6DCD90281E5'.padEnd(64, '0'));
  });
});

describe('markers', () => {
  it('live in one folder per key, named by order then version; a removal without a version is named by its event', () => {
    const created = markerKey('p', { bucket: 'landing', key: 'a.jsonl', sequencer: '0A', version: 'etag1', objectId: 'o1' })!;
    const removed = markerKey('p', { bucket: 'landing', key: 'a.jsonl', sequencer: '0B', removed: true })!;
    const folder = `_current/p/${keyIdOf('landing', 'a.jsonl')}/`;
    expect(created.startsWith(`${folder}0A${'0'.repeat(62)}-`)).toBe(true);
    expect(removed.startsWith(`${folder}0B${'0'.repeat(62)}-`)).toBe(true);
    expect(markerIsOfVersion(created.slice(folder.length), 'landing', 'a.jsonl', 'etag1')).toBe(true);
    expect(markerIsOfVersion(created.slice(folder.length), 'landing', 'a.jsonl', 'etag2')).toBe(false);
    expect(markerIsOfVersion(created.slice(folder.length), 'landing', 'b.jsonl', 'etag1')).toBe(false);
    expect(markerKey('p', { bucket: 'landing', key: 'a.jsonl', sequencer: 'not hex' })).toBeUndefined();
    expect(keyIdOf('landing', 'a.jsonl')).not.toBe(keyIdOf('landing2', 'a.jsonl'));
  });

  it('isCurrentObject: the newest marker decides; no key id or no marker keeps every finished object', () => {
    expect(isCurrentObject('o1', 'k', { bucket: 'b', key: 'a', sequencer: '1', objectId: 'o1' })).toBe(true);
    expect(isCurrentObject('o1', 'k', { bucket: 'b', key: 'a', sequencer: '2', objectId: 'o2' })).toBe(false);
    expect(isCurrentObject('o1', 'k', { bucket: 'b', key: 'a', sequencer: '3', removed: true })).toBe(false);
    expect(isCurrentObject('o1', 'k', undefined)).toBe(true);
    expect(isCurrentObject('o1', undefined, { bucket: 'b', key: 'a', sequencer: '3', removed: true })).toBe(true);
  });
});
