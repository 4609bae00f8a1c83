import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planTimeChunks, mergedDtRanges } from '../../../sdk/src/retrieval/time-chunk-planner.js';

const DAY = 86_400_000;
const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('time chunks', () => {
  it('each label is in exactly one chunk whose dt range covers [date(ts - ttl), date(ts)]; chunks never share a partition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 400 * DAY }), { freq: 10 }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(3_600_000, DAY, 7 * DAY, 30 * DAY),
        (times, ttlMs) => {
          const keys = { count: times.length, entity: times.map(() => 'e'), tsMs: Float64Array.from(times.map((t) => (t === null ? Number.NaN : t))) };
          const chunks = planTimeChunks(keys, { ttlMs });
          const seen = new Map<number, number>();
          for (const c of chunks) for (const i of c.rows) seen.set(i, (seen.get(i) ?? 0) + 1);
          times.forEach((t, i) => {
            if (t === null) return expect(seen.has(i)).toBe(false);
            expect(seen.get(i)).toBe(1);
            const c = chunks.find((ch) => ch.rows.includes(i))!;
            expect(c.dtFrom! <= date(t - ttlMs) && date(t) <= c.dtTo).toBe(true);
          });
          // minimal: each chunk's range is exactly the union of its labels' needs, with no partition read twice
          for (const c of chunks) {
            const ts = [...c.rows].map((i) => times[i]!);
            expect([c.dtFrom, c.dtTo]).toEqual([date(Math.min(...ts) - ttlMs), date(Math.max(...ts))]);
          }
          const sorted = [...chunks].sort((a, b) => a.minTsMs - b.minTsMs);
          for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.dtFrom! > sorted[k - 1]!.dtTo).toBe(true);
          expect(mergedDtRanges(chunks)).toHaveLength(chunks.length);
        },
      ),
    );
  });

  it('unbounded ttl: one chunk with no lower bound', () => {
    const keys = { count: 2, entity: ['a', 'b'], tsMs: Float64Array.from([0, 500 * DAY]) };
    expect(planTimeChunks(keys, { ttlMs: null }).map((c) => [c.dtFrom, c.dtTo, c.rows.length])).toEqual([[undefined, date(500 * DAY), 2]]);
  });
});
