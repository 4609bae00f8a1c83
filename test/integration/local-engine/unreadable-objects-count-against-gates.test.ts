/**
 * An unreadable object's rows are unknown, so they cannot count in the row ratio; without
 * more, a batch whose day files were nearly all truncated passed maxInvalidRatio on the rows of
 * the one that was not. The gate now also limits the share of objects that could not be read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, GateError, pipeline, type RunResult } from '../../../sdk/src/index.js';

const Row = z.object({ id: z.number().int() });
const dir = mkdtempSync(join(tmpdir(), 'sluice-unreadable-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `good` readable day files of 10 rows and `bad` truncated gzip ones. */
function days(name: string, good: number, bad: number): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (let d = 0; d < good; d++) writeFileSync(join(folder, `day-${String(d).padStart(2, '0')}.jsonl`), Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: d * 10 + i })).join('\n'));
  for (let d = good; d < good + bad; d++) writeFileSync(join(folder, `day-${String(d).padStart(2, '0')}.jsonl.gz`), gzipSync(Buffer.from('{"id":1}\n'.repeat(100))).subarray(0, 30));
  return folder;
}

const run = (folder: string, maxInvalidRatio: number) =>
  pipeline('unreadable-gate').from(file(join(folder, '*.jsonl*'))).validate(Row, { maxInvalidRatio }).run({ zones: join(folder, 'zones') });

describe('maxInvalidRatio and unreadable objects', () => {
  it('9 of 10 objects unreadable: every row read is valid, and the run still fails, saying why', async () => {
    const error = await run(days('nine-bad', 1, 9), 0.5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    const result = (error as GateError).result as RunResult;
    expect(result.counts).toEqual({ in: 10, valid: 10, quarantined: 0 });
    expect(result.quality.gates.find((g) => g.gate === 'maxInvalidRatio')).toMatchObject({
      passed: false,
      detail: 'quarantined 0 of 10 rows (0%); 9 of 10 objects unreadable (90%); limit 50%',
    });
    expect((error as GateError).message).toContain('9 of 10 objects unreadable (90%)');
  });

  it('at the limit it passes (1 of 4 objects, limit 25%), one more fails', async () => {
    const passed = await run(days('at-limit', 3, 1), 0.25);
    expect(passed.quality.gates.find((g) => g.gate === 'maxInvalidRatio')).toMatchObject({ passed: true, detail: 'quarantined 0 of 30 rows (0%); 1 of 4 objects unreadable (25%); limit 25%' });
    await expect(run(days('past-limit', 3, 2), 0.25)).rejects.toThrow(/2 of 5 objects unreadable \(40%\); limit 25%/);
  });

  it('with every object readable the detail is unchanged', async () => {
    const result = await run(days('all-good', 3, 0), 0.01);
    expect(result.quality.gates.find((g) => g.gate === 'maxInvalidRatio')).toMatchObject({ passed: true, detail: 'quarantined 0 of 30 rows (0%); limit 1%' });
  });
});
