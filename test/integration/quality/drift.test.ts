/**
 * Drift by PSI against a saved profile: the same distribution stays well under the threshold,
 * a shifted one fails the gate; a missing baseline says how to create one.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlanError } from '../../../sdk/src/errors.js';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { loadProfile, saveProfile } from '../../../sdk/src/quality/profile.js';
import { psi } from '../../../sdk/src/quality/psi.js';
import { createJsonRawRows, withConnection } from './raw-rows.js';

const Event = z.object({ amount: z.number(), kind: z.enum(['view', 'click', 'buy']), ts: z.coerce.date() });

/** A seeded generator (mulberry32), so the samples are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(seed: number, n: number, options: { shift?: number; kinds?: number[]; month?: number } = {}) {
  const r = random(seed);
  const weights = options.kinds ?? [0.6, 0.3, 0.1];
  return Array.from({ length: n }, (_, i) => {
    const normal = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
    const u = r();
    const kind = u < weights[0]! ? 'view' : u < weights[0]! + weights[1]! ? 'click' : 'buy';
    const ts = new Date(Date.UTC(2024, options.month ?? 0, 1) + Math.floor(r() * 28 * 86_400_000)).toISOString();
    return { object: 'events.jsonl', line: i + 1, raw: JSON.stringify({ amount: 100 + 15 * normal + (options.shift ?? 0), kind, ts }) };
  });
}

describe('drift gate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-drift-'));
  const baseline = join(dir, 'baseline.json');

  it('profiles a batch and saves it as a baseline', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, sample(1, 5000));
      const result = await runValidationStage(c, { schema: Event, representation: 'json' });
      await saveProfile(baseline, result.profile!);
      const loaded = await loadProfile(baseline);
      const amount = loaded!.columns.find((col) => col.name === 'amount')!;
      expect(amount.count).toBe(5000);
      // The minimum, nine deciles, the maximum, and just above it (continuous values: no repeats).
      expect(amount.bins!.edges).toHaveLength(12);
      expect(amount.bins!.fractions[0]).toBe(0);
      expect(amount.bins!.fractions.at(-1)).toBe(0);
      expect(amount.bins!.fractions.reduce((a, b) => a + b, 0) + amount.bins!.nullFraction).toBeCloseTo(1, 10);
      expect(amount.mean!).toBeGreaterThan(99);
      expect(amount.mean!).toBeLessThan(101);
      const kind = loaded!.columns.find((col) => col.name === 'kind')!;
      expect(Object.keys(kind.frequencies!.values).sort()).toEqual(['buy', 'click', 'view']);
    });
  });

  it('the same distribution (a new sample) passes with a small PSI', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, sample(2, 5000));
      const result = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2 } } });
      const drift = result.gates[0]!;
      expect(drift.passed).toBe(true);
      for (const e of drift.examples as { column: string; psi: number }[]) expect(e.psi).toBeLessThan(0.05);
    });
  });

  it('a shifted numeric distribution fails the gate', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, sample(3, 5000, { shift: 15 }));
      const result = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2 } } });
      const drift = result.gates[0]!;
      expect(drift.passed).toBe(false);
      expect(drift.detail).toMatch(/PSI above 0\.2: amount/);
      expect((drift.examples as { column: string }[])[0]!.column).toBe('amount');
    });
  });

  it('a shifted category mix fails the gate on that column only', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, sample(4, 5000, { kinds: [0.2, 0.3, 0.5] }));
      const result = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2, columns: ['amount', 'kind'] } } });
      const drift = result.gates[0]!;
      expect(drift.passed).toBe(false);
      expect(drift.detail).toMatch(/kind/);
      expect(drift.detail).not.toMatch(/amount/);
      const kind = (drift.examples as { column: string; psi: number }[]).find((e) => e.column === 'kind')!;
      // Independent check of the number: the PSI of the nominal mixes (the samples differ by noise).
      const nominal = psi([0.6, 0.3, 0.1, 0, 0], [0.2, 0.3, 0.5, 0, 0]);
      expect(Math.abs(kind.psi - nominal) / nominal).toBeLessThan(0.15);
    });
  });

  it('a later batch is not drift: the event timestamp is compared only when drift.columns names it', async () => {
    await withConnection(async (c) => {
      // January's baseline, February's batch: the same amounts and kinds, a month later.
      await createJsonRawRows(c, sample(6, 5000, { month: 1 }));
      const byDefault = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2 } } });
      expect(byDefault.gates[0]!.passed).toBe(true);
      expect((byDefault.gates[0]!.examples as { column: string }[]).map((e) => e.column).sort()).toEqual(['amount', 'kind']);
      const named = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2, columns: ['ts'] } } });
      expect(named.gates[0]).toMatchObject({ passed: false, detail: expect.stringMatching(/^PSI above 0\.2: ts /) });
    });
  });

  /** A baseline from `base` values, then the drift gate over `batch` values (column x). */
  async function driftOf(base: number[], batch: number[]) {
    const X = z.object({ x: z.number() });
    const rows = (values: number[]) => values.map((x, i) => ({ object: 'x.jsonl', line: i + 1, raw: JSON.stringify({ x }) }));
    const file = join(dir, `x-${Math.random().toString(36).slice(2)}.json`);
    return withConnection(async (c) => {
      await createJsonRawRows(c, rows(base));
      await saveProfile(file, (await runValidationStage(c, { schema: X, representation: 'json', distributions: true })).profile!);
      await createJsonRawRows(c, rows(batch));
      return (await runValidationStage(c, { schema: X, representation: 'json', gates: { drift: { baseline: file, maxPsi: 0.2 } } })).gates[0]!;
    });
  }

  it('a shift hidden from quantile bins by repeated values fails the gate: a mostly-zero amount, a constant, a flag', async () => {
    const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
    // 90% zeros and amounts up to 101, then 50% zeros and amounts 100× larger: quantile bins put
    // every positive value in the bin the zeros opened, and saw no change (PSI 0).
    expect((await driftOf(range(1000, (i) => (i < 900 ? 0 : i - 899)), range(1000, (i) => (i < 500 ? 0 : (i - 499) * 100)))).passed).toBe(false);
    expect((await driftOf(range(500, () => 5), range(500, () => 500))).passed).toBe(false);
    expect((await driftOf(range(500, (i) => i % 2), range(500, (i) => 2 * (i % 2)))).passed).toBe(false);
    // The same distributions again pass.
    expect((await driftOf(range(1000, (i) => (i < 900 ? 0 : i - 899)), range(1000, (i) => (i < 900 ? 0 : i - 899)))).passed).toBe(true);
  });

  it('a gate that could compare no column fails, saying why (a baseline of another schema passed everything)', async () => {
    const other = join(dir, 'other-schema.json');
    await withConnection(async (c) => {
      await createJsonRawRows(c, [{ object: 'o.jsonl', line: 1, raw: '{"y":1}' }, { object: 'o.jsonl', line: 2, raw: '{"y":2}' }]);
      await saveProfile(other, (await runValidationStage(c, { schema: z.object({ y: z.number() }), representation: 'json', distributions: true })).profile!);
      await createJsonRawRows(c, sample(7, 100));
      const drift = (await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline: other, maxPsi: 0.2 } } })).gates[0]!;
      expect(drift.passed).toBe(false);
      expect(drift.detail).toContain(`no column could be compared with ${other}: amount (not in the baseline), kind (not in the baseline), ts (not in the baseline)`);
    });
  });

  it('a baseline saved by an earlier sluice (profile version 1) whose bins may have been miscounted is refused, saying how to renew it', async () => {
    const X = z.object({ x: z.number(), kind: z.enum(['a', 'b']) });
    const rows = (values: number[]) => values.map((x, i) => ({ object: 'x.jsonl', line: i + 1, raw: JSON.stringify({ x, kind: i % 2 ? 'a' : 'b' }) }));
    // 80% of rows at 0.03: its own bin ends at 0.030000000000000002, the edge version 1 printed as a plain decimal.
    const values = [...Array(80).fill(0.03), ...Array(10).fill(0.5), ...Array(10).fill(7)] as number[];
    const current = join(dir, 'v2.json');
    const legacy = join(dir, 'v1.json');
    const textOnly = join(dir, 'v1-text-only.json');
    await withConnection(async (c) => {
      await createJsonRawRows(c, rows(values));
      await saveProfile(current, (await runValidationStage(c, { schema: X, representation: 'json', distributions: true })).profile!);
      const saved = JSON.parse(readFileSync(current, 'utf8')) as { version: number; columns: { name: string }[] };
      expect(saved.version).toBe(2);
      writeFileSync(legacy, JSON.stringify({ ...saved, version: 1 }));
      writeFileSync(textOnly, JSON.stringify({ ...saved, version: 1, columns: saved.columns.filter((col) => col.name === 'kind') }));

      const gate = (baseline: string) => runValidationStage(c, { schema: X, representation: 'json', gates: { drift: { baseline, maxPsi: 0.2 } } });
      expect((await gate(current)).gates[0]).toMatchObject({ passed: true });
      const error = await gate(legacy).catch((e: unknown) => e as PlanError);
      expect(error).toBeInstanceOf(PlanError);
      expect(error).toMatchObject({ code: 'DRIFT_BASELINE_OUTDATED', path: 'validate.gates.drift.baseline' });
      expect((error as Error).message).toContain(`${legacy} was saved by an earlier sluice (profile version 1)`);
      expect((error as Error).message).toContain('x (edge 0.030000000000000002)');
      expect((error as Error).message).toContain(`run({ saveProfile: '${legacy}' })`);
      // Category frequencies have no edges: a version 1 baseline of them compares as it always did.
      expect((await gate(textOnly)).gates[0]).toMatchObject({ passed: true });
    });
  });

  it('a profile saved by a newer sluice, or a file that is no profile, is refused with what to do', async () => {
    const newer = join(dir, 'v9.json');
    const notAProfile = join(dir, 'not-a-profile.json');
    writeFileSync(newer, JSON.stringify({ version: 9, rowCount: 1, columns: [] }));
    writeFileSync(notAProfile, JSON.stringify({ rows: [] }));
    await expect(loadProfile(newer)).rejects.toThrow(`${newer} is a column profile of version 9, saved by a newer sluice than this one (which reads versions 1 to 2). Upgrade sluice`);
    await expect(loadProfile(notAProfile)).rejects.toThrow(`${notAProfile} is not a sluice column profile (expected { version: 2, columns: [...] }, as run({ saveProfile }) writes).`);
  });

  it('a missing baseline is an error that says how to create one, with public API only', async () => {
    await withConnection(async (c) => {
      await createJsonRawRows(c, sample(5, 100));
      const missing = join(dir, 'nope.json');
      const error = await runValidationStage(c, { schema: Event, representation: 'json', gates: { drift: { baseline: missing, maxPsi: 0.2 } } }).catch((e: unknown) => e as Error);
      expect((error as Error).message).toContain(`does not exist. Create it once from a run on data you trust — run({ saveProfile: '${missing}' }), or \`sluice run <module> --save-profile ${missing}\``);
      // saveProfile() is internal (not exported from 'sluice'), and a run result carries no profile.
      expect((error as Error).message).not.toMatch(/saveProfile\(|result\.profile/);
    });
  });
});

describe('psi', () => {
  it('is zero for equal distributions and grows with the shift', () => {
    expect(psi([0.25, 0.25, 0.5], [0.25, 0.25, 0.5])).toBe(0);
    const small = psi([0.5, 0.5], [0.55, 0.45]);
    const large = psi([0.5, 0.5], [0.9, 0.1]);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    // Σ (a − e) ln(a / e), by hand.
    expect(large).toBeCloseTo(0.4 * Math.log(0.9 / 0.5) + -0.4 * Math.log(0.1 / 0.5), 12);
  });
});
