import { describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { sampleObjects, type SourceObject } from '../../../sdk/src/sources/index.js';

const object = (key: string): SourceObject => ({ key, uri: `/data/${key}`, size: 10, format: 'jsonl', compression: 'none' });

describe('sampleObjects', () => {
  test('candidates come in key order', () => {
    const plan = sampleObjects([object('b'), object('a/z'), object('a')], 10);
    expect(plan.objects.map((o) => o.key)).toEqual(['a', 'a/z', 'b']);
  });

  test('the limit for the next object is the number of rows still missing, then 0', () => {
    const plan = sampleObjects([object('a')], 100);
    expect([0, 40, 99, 100, 250].map(plan.limitFor)).toEqual([100, 60, 1, 0, 0]);
  });

  test('without a sample every object is read in full', () => {
    const plan = sampleObjects([object('a')]);
    expect(plan.limitFor(1_000_000)).toBeUndefined();
  });

  test('a simulated run reads objects in key order until N rows and no further', () => {
    // Oracle: objects with known row counts; the first N rows in key order are what a sample holds.
    const rows: Record<string, number> = { 'd1.jsonl': 4, 'd2.jsonl': 4, 'd3.jsonl': 4 };
    const plan = sampleObjects(Object.keys(rows).reverse().map(object), 6);
    const read: [string, number][] = [];
    let total = 0;
    for (const o of plan.objects) {
      const limit = plan.limitFor(total);
      if (limit === 0) break;
      const got = Math.min(rows[o.key]!, limit ?? Infinity);
      read.push([o.key, got]);
      total += got;
    }
    expect(read).toEqual([['d1.jsonl', 4], ['d2.jsonl', 2]]);
  });

  test.each([[0], [-5], [1.5], [Number.NaN]])('rejects sample %s', (sample) => {
    expect(() => sampleObjects([], sample)).toThrow(SourceError);
  });
});
