/**
 * `run({ saveProfile })` saves a drift baseline only from a run whose gates passed: saved after a
 * failed gate — a drift gate reading the same file above all — the baseline took in the bad
 * data, and the next run on it passed (PSI 0).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-save-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Row = z.object({ id: z.string(), x: z.number() });
const write = (name: string, xs: number[], ids = xs.map((_, i) => `r${i}`)) =>
  writeFileSync(join(dir, name), xs.map((x, i) => JSON.stringify({ id: ids[i], x })).join('\n'));

describe('saving a profile', () => {
  it('is skipped, with a note, when a gate failed; the baseline a drift gate reads keeps its trusted data', async () => {
    const baseline = join(dir, 'baseline.json');
    write('good.jsonl', Array.from({ length: 200 }, (_, i) => i % 10));
    const trusted = await pipeline('p').from(file(join(dir, 'good.jsonl'))).validate(Row).run({ zones: join(dir, 'z'), saveProfile: baseline });
    expect(trusted.gatesPassed).toBe(true);
    expect(existsSync(baseline)).toBe(true);
    const saved = JSON.stringify(JSON.parse(readFileSync(baseline, 'utf8')));

    write('drifted.jsonl', Array.from({ length: 200 }, (_, i) => 1000 + i));
    const drifted = pipeline('p').from(file(join(dir, 'drifted.jsonl'))).validate(Row, { drift: { baseline } });
    const failed = await drifted.run({ zones: join(dir, 'z'), saveProfile: baseline, failOnGate: false });
    expect(failed.gatesPassed).toBe(false);
    expect(failed.notes).toContain(`The column profile was not saved to ${baseline}: a gate failed, and a drift baseline must come from data that passed. Fix the data (or the gate) and run again to save it.`);
    expect(JSON.stringify(JSON.parse(readFileSync(baseline, 'utf8')))).toBe(saved);
    // And so the drift is still caught next time.
    expect((await drifted.run({ zones: join(dir, 'z'), failOnGate: false })).gatesPassed).toBe(false);
  });
});
