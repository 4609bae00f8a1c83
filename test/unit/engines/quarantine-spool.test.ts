/**
 * The quarantine spool holds a run's rejected rows as JSON lines: in memory while they are
 * few, in a temporary file past its memory budget. Either way every row comes back, once, in
 * the order it was added, and the temporary file is gone after dispose().
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QuarantineSpool } from '../../../sdk/src/engines/local/quarantine-spool.js';
import type { QuarantinedRow } from '../../../sdk/src/quality/quarantine.js';

const row = (object: string, line: number, raw: string): QuarantinedRow => ({ object, line, raw, issues: [{ path: ['amount'], code: 'too_small', message: 'Too small: expected number to be >=0' }] });

/** The spool's bytes as lines (each chunk ends at a line's end, so the last character is a newline). */
function linesOf(spool: QuarantineSpool): string[] {
  const text = Buffer.concat([...spool.chunks()]).toString('utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('QuarantineSpool', () => {
  it('an empty spool writes nothing', () => {
    const spool = new QuarantineSpool();
    expect(spool.count).toBe(0);
    expect([...spool.chunks()]).toEqual([]);
    expect(spool.rows()).toEqual([]);
  });

  it('gives back every row in order, kept in memory or spilled to a file, with counts per object and rule', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ object: fc.constantFrom('a.jsonl', 'b/c d.jsonl', 'é.csv'), raw: fc.string({ unit: 'binary', maxLength: 60 }) }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 400 }),
        (input, memoryChars) => {
          const spool = new QuarantineSpool({ memoryChars });
          const rows = input.map((r, i) => row(r.object, i + 1, r.raw));
          for (const r of rows) spool.add(r);
          try {
            expect(spool.count).toBe(rows.length);
            expect(spool.rows()).toEqual(rows);
            expect(linesOf(spool)).toEqual(rows.map((r) => JSON.stringify(r)));
            const byObject = new Map<string, number>();
            for (const r of rows) byObject.set(r.object, (byObject.get(r.object) ?? 0) + 1);
            expect(new Map(spool.countsByObject())).toEqual(byObject);
            expect(spool.rules.groups().map((g) => g.rows)).toEqual(rows.length ? [rows.length] : []);
          } finally {
            spool.dispose();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('spills past its memory budget to a temporary file that dispose() removes', () => {
    const spool = new QuarantineSpool({ memoryChars: 1_000 });
    for (let line = 1; line <= 100; line++) spool.add(row('a.jsonl', line, `{"amount":${-line}}`));
    const folder = spool.temporaryFolder!;
    expect(existsSync(folder)).toBe(true);
    expect(spool.rows().map((r) => r.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Rows added after reading still come after the others.
    spool.add(row('a.jsonl', 101, '{}'));
    expect(spool.rows().at(-1)!.line).toBe(101);
    spool.dispose();
    expect(existsSync(folder)).toBe(false);
    expect(spool.rows()).toEqual([]);
  });

  it('a spool within its budget never touches the disk', () => {
    const spool = new QuarantineSpool({ memoryChars: 1_000_000 });
    for (let line = 1; line <= 100; line++) spool.add(row('a.jsonl', line, '{}'));
    expect(spool.temporaryFolder).toBeUndefined();
    expect(spool.rows()).toHaveLength(100);
  });
});
