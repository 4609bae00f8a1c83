/**
 * The SDK's published types must compile under the TypeScript tslab bundles (5.0), with
 * tslab's own settings (module resolution Node10, which ignores package.json `exports`).
 * A type error stops a notebook cell from running, so this is checked directly here as well
 * as by executing the notebooks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

interface Check {
  source: string;
  skipLibCheck?: boolean;
  diagnose?: boolean;
}
interface CheckResult {
  messages: string[];
  sluiceTypes: string | null;
}

/** Runs cell-type-checker.mjs (tslab's TypeScript) over the checks, in one child process. */
function typeCheck(checks: Check[]): Promise<{ version: string; results: CheckResult[] }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'cell-type-checker.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`type checker exited ${code}: ${err}`))));
    child.stdin.end(JSON.stringify({ root: ROOT, checks }));
  });
}

const USER_CELL = `
import { pipeline, file, window, count, sum, mean, featureStore } from 'sluice';
import { z } from 'zod';

const Event = z.object({
  event_id: z.string().uuid(),
  user_id: z.string().min(1),
  event_type: z.enum(['view', 'click', 'purchase']),
  amount: z.number().nonnegative().nullable(),
  ts: z.coerce.date(),
});

const store = featureStore('./.sluice/features');

const engagement = pipeline('user-engagement')
  .from(file('data/events/*.jsonl'))
  .validate(Event, { maxInvalidRatio: 0.01, unique: ['event_id'] })
  .aggregate(window({
    entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d', '30d'],
    features: {
      clicks: count().where("event_type = 'click'"),
      spend: sum('amount'),
      avg_spend: mean('amount'),
    },
  }))
  .toFeatureStore(store, { entity: 'user', group: 'engagement' });

export async function explore() {
  const run = await engagement.run({ sample: 10_000 });
  const total: number = run.counts.in;
  const conserved: boolean = run.counts.in === run.counts.valid + run.counts.quarantined;
  const rows: number = run.preview.numRows;
  return { total, conserved, rows, quality: run.quality };
}
`;

// The GateError message says "Inspect error.result.quality": that must compile in a cell.
const GATE_CELL = `
import { pipeline, file, GateError } from 'sluice';
import { z } from 'zod';

const events = pipeline('p').from(file('data/events/*.jsonl')).validate(z.object({ id: z.string() }), { maxInvalidRatio: 0.01 });

export async function inspect() {
  try {
    await events.run();
  } catch (e) {
    if (e instanceof GateError) {
      const failed: string[] = e.result.quality.gates.filter((g) => !g.passed).map((g) => g.gate);
      const quarantined: number = e.result.counts.quarantined;
      return { failed, quarantined, code: e.code };
    }
    throw e;
  }
}
`;

describe("sluice's types under tslab's TypeScript", () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'sdk/dist/index.d.ts'))) {
      throw new Error('sdk/dist/index.d.ts is missing: run `npm run build` first (`npm test` does it in pretest).');
    }
  });

  let version = '';
  let results: CheckResult[] = [];
  beforeAll(async () => {
    const typo = USER_CELL.replace("entity: 'user_id'", "entity: 'user_idd'");
    ({ version, results } = await typeCheck([
      { source: `import { pipeline } from 'sluice';`, diagnose: false },
      { source: USER_CELL, skipLibCheck: true },
      { source: USER_CELL, skipLibCheck: false },
      { source: typo },
      { source: GATE_CELL, skipLibCheck: false },
    ]));
  }, 300_000);

  it('uses TypeScript 5.0 from tslab', () => {
    expect(version).toMatch(/^5\.0\./);
  });

  it('resolves `sluice` to the published declarations with Node10 resolution', () => {
    expect(results[0]!.sluiceTypes).toBe(join(ROOT, 'sdk/dist/index.d.ts'));
  });

  it('compiles a typical user cell, with tslab settings and with sluice declarations lib-checked', () => {
    expect(results[1]!.messages).toEqual([]);
    expect(results[2]!.messages).toEqual([]);
  });

  it('types GateError.result: a cell can read error.result.quality, as the error message says to', () => {
    expect(results[4]!.messages).toEqual([]);
  });

  it('rejects a misspelt entity column, as the notebook would', () => {
    expect(results[3]!.messages.length).toBeGreaterThan(0);
    expect(results[3]!.messages.join('\n')).toMatch(/user_idd/);
  });
});
