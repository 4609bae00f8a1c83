/**
 * JSON.parse reads `1e400` as Infinity and `-0` as negative zero; a CSV cell `1e400` in a number
 * column decodes the same way. JSON.stringify writes Infinity as `null` and -0 as `0`, so a
 * loader that re-serialises records with it turns an out-of-range number into a valid null and
 * drops a sign. The oracle here is zod's safeParse over each record as the source decodes it
 * (JSON.parse of the line; Number() of the CSV cell), written independently of the engine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import fc from 'fast-check';
import { file, pipeline } from '../../../sdk/src/index.js';
import { exactJson } from '../../../sdk/src/engines/local/exact-json.js';

const Row = z.object({ id: z.string(), x: z.number().nullable() });

const LINES = ['{"id":"a","x":1e400}', '{"id":"b","x":-1e999}', '{"id":"c","x":-0}', '{"id":"d","x":null}', '{"id":"e","x":2.5}', '{"id":"f","x":[1e400]}'];
const CSV = 'id,x\na,1e400\nb,-1e999\nc,-0\nd,\ne,2.5\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-numbers-'));
  writeFileSync(join(dir, 'rows.jsonl'), `${LINES.join('\n')}\n`);
  writeFileSync(join(dir, 'rows.csv'), CSV);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What zod makes of each decoded record: the valid ids with their x, and the quarantined ids with their messages. */
function oracle(records: readonly Record<string, unknown>[]) {
  const valid: [string, number | null][] = [];
  const quarantined: [string, string[]][] = [];
  for (const record of records) {
    const parsed = Row.safeParse(record);
    if (parsed.success) valid.push([parsed.data.id, parsed.data.x]);
    else quarantined.push([String(record.id), parsed.error.issues.map((i) => i.message)]);
  }
  return { valid, quarantined };
}

async function actual(glob: string) {
  const result = await pipeline('numbers').from(file(join(dir, glob))).validate(Row).run({ zones: join(dir, `zones-${glob.slice(2)}`), failOnGate: false });
  const valid = result.preview.toArray().map((r) => [r.id as string, r.x as number | null] as [string, number | null]);
  // No quarantine file is written when no row was quarantined.
  const lines = result.outputs.quarantine ? readFileSync(result.outputs.quarantine, 'utf8').trim().split('\n') : [];
  const quarantine = lines.map((l) => JSON.parse(l) as { raw: string; issues: { message: string }[] });
  // The id is the first field of the raw text (a JSON line or a CSV row).
  const idOf = (raw: string): string => (raw.startsWith('{') ? String((JSON.parse(raw) as { id: string }).id) : raw.split(',')[0]!);
  const quarantined = quarantine.map((q) => [idOf(q.raw), q.issues.map((i) => i.message)] as [string, string[]]);
  expect(result.counts.in).toBe(result.counts.valid + result.counts.quarantined);
  return { valid, quarantined: quarantined.sort(), counts: result.counts };
}

/** Object.is tells -0 from 0, which toEqual does not. */
const signs = (rows: readonly [string, number | null][]) => rows.map(([id, x]) => [id, Object.is(x, -0) ? '-0' : x]);

describe('numbers JSON.stringify cannot write', () => {
  it('JSON Lines: 1e400 is rejected as zod rejects Infinity (not accepted as null), and -0 keeps its sign', async () => {
    const expected = oracle(LINES.map((l) => JSON.parse(l) as Record<string, unknown>));
    const got = await actual('*.jsonl');
    expect(signs(got.valid)).toEqual(signs(expected.valid));
    expect(got.quarantined).toEqual(expected.quarantined.sort());
    expect(got.counts).toEqual({ in: LINES.length, valid: expected.valid.length, quarantined: expected.quarantined.length });
  });

  it('CSV: a number cell out of range is rejected, -0 keeps its sign, an empty cell is null', async () => {
    const records = CSV.trim().split('\n').slice(1).map((line) => {
      const [id, x] = line.split(',');
      return { id, x: x === '' ? null : Number(x) };
    });
    const expected = oracle(records);
    const got = await actual('*.csv');
    expect(signs(got.valid)).toEqual(signs(expected.valid));
    expect(got.quarantined).toEqual(expected.quarantined.sort());
  });

  it('the JSON text the loader writes reads back as the very value the source decoded, signs and infinities included', () => {
    // Every number a source can decode: no source produces NaN (JSON has no literal for it).
    const number = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-0, Infinity, -Infinity));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, number, fc.string(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(fc.string(), value), (record) => {
      // Object.is tells -0 from 0, which toEqual does not.
      const back = JSON.parse(exactJson(record)) as unknown;
      const same = (a: unknown, b: unknown): boolean => {
        if (typeof a === 'number') return Object.is(a, b);
        if (a === null || typeof a !== 'object') return a === b;
        if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
        const ka = Object.keys(a);
        return b !== null && typeof b === 'object' && ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
      };
      expect(same(record, back)).toBe(true);
    }), { numRuns: 300 });
  });
});
