/**
 * No gate is silently ignored in AWS: every gate kind of the plan's `GateSpec` is either
 * enforced by the event stage — an object that violates it is quarantined whole and names the
 * gate, one that satisfies it is processed — or refused before deployment (promote, the CDK
 * construct) and by the handler at start. `CASES` is keyed by every kind of `GateSpec` (a new
 * kind is a type error here until it gets a case), and the test does not consult the
 * runtime's own list to decide which outcome to expect: it observes.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../sdk/src/errors.js';
import type { GateSpec } from '../../../sdk/src/plan/validate-node.js';
import { FeaturePipeline } from '../../../sdk/src/promote/feature-pipeline-construct.js';
import { assertPromotable, promote } from '../../../sdk/src/promote/promote.js';
import { createRowTransformer } from '../../../sdk/src/runtime/row-transformer.js';
import { definition } from '../../unit/promote/promote-fixtures.js';
import { invokeUntilDone, landObject, newMemoryS3 } from '../runtime/object-runner.js';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const event = (i: number, fields: { id?: number; type?: string; amount?: number | null } = {}) => JSON.stringify({
  event_id: uuid(fields.id ?? i), user_id: `u${i % 3}`, event_type: fields.type ?? 'click',
  amount: fields.amount === undefined ? i : fields.amount, ts: new Date(Date.UTC(2024, 2, 1, i)).toISOString(),
});
const invalid = (i: number) => JSON.stringify({ event_id: uuid(i), user_id: 'u', event_type: 'nope', amount: 1, ts: '2024-03-01T00:00:00Z' });

interface GateCase {
  readonly gates: GateSpec;
  /** Rows (JSON lines) of an object that violates the gate, and of one that satisfies it. */
  readonly violating: readonly string[];
  readonly satisfying: readonly string[];
}

const CASES: { readonly [K in keyof Required<GateSpec>]: GateCase } = {
  maxInvalidRatio: {
    gates: { maxInvalidRatio: 0.25 },
    violating: [event(1), invalid(2), event(3)],
    satisfying: [event(1), event(2), event(3), invalid(4)],
  },
  unique: {
    gates: { unique: ['event_id'] },
    violating: [event(1), event(2), event(3, { id: 1 })],
    satisfying: [event(1), event(2), event(3)],
  },
  notNull: {
    gates: { notNull: ['amount'] },
    violating: [event(1), event(2, { amount: null })],
    satisfying: [event(1), event(2)],
  },
  references: {
    gates: { references: [{ column: 'event_type', values: ['view', 'click'] }] },
    violating: [event(1), event(2, { type: 'purchase' })],
    satisfying: [event(1), event(2, { type: 'view' })],
  },
  drift: {
    // Were drift ever enforced per object, this case would need a baseline profile at that path.
    gates: { drift: { baseline: 'profiles/events.json', maxPsi: 0.2 } },
    violating: Array.from({ length: 20 }, (_, i) => event(i + 1, { amount: 10_000 + i })),
    satisfying: Array.from({ length: 20 }, (_, i) => event(i + 1)),
  },
};

describe('every gate kind is enforced by the event stage or refused before deployment', () => {
  for (const [kind, c] of Object.entries(CASES) as [keyof GateSpec, GateCase][]) {
    it(kind, async () => {
      const def = definition({ gates: c.gates });
      let refusal: unknown;
      try {
        assertPromotable(def);
      } catch (error) {
        refusal = error;
      }
      if (refusal !== undefined) {
        expect(refusal).toBeInstanceOf(PlanError);
        expect(refusal).toMatchObject({ code: 'GATE_NOT_PROMOTABLE', path: `steps[1].validate.gates.${kind}` });
        // The handler refuses to start on such a plan too (a plan deployed some other way).
        expect(() => createRowTransformer(def)).toThrow(PlanError);
        return;
      }
      const s3 = newMemoryS3();
      const violated = await invokeUntilDone(s3, landObject(s3, `in/${kind}-violating.jsonl`, `${c.violating.join('\n')}\n`, def), def, { segmentRows: 2 });
      expect(violated.manifest.status).toBe('quarantined');
      expect(violated.manifest.gateFailures).toHaveLength(1);
      expect(violated.manifest.gateFailures[0]!.startsWith(kind)).toBe(true);
      const satisfied = await invokeUntilDone(s3, landObject(s3, `in/${kind}-satisfying.jsonl`, `${c.satisfying.join('\n')}\n`, def), def, { segmentRows: 2 });
      expect(satisfied.manifest).toMatchObject({ status: 'processed', gateFailures: [] });
    });
  }
});

describe('a drift gate is refused where a plan enters AWS, with what to do instead', () => {
  const drifting = () => definition({ gates: { maxInvalidRatio: 0.01, drift: { baseline: 'profiles/events.json', maxPsi: 0.2 } } });

  it('promote() refuses it before writing anything', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sluice-drift-')), 'deploy');
    const attempt = promote(drifting(), { out });
    await expect(attempt).rejects.toBeInstanceOf(PlanError);
    await expect(promote(drifting(), { out })).rejects.toThrow(/checked in local runs[\s\S]*Remove `drift`/);
    expect(existsSync(out)).toBe(false);
  });

  it('the FeaturePipeline construct refuses it (a user\'s own CDK app does not go through promote)', () => {
    const def = drifting();
    const stack = new Stack(new App(), 'Drift');
    expect(() => new FeaturePipeline(stack, 'Pipeline', { plan: def.plan, planHash: def.hash, bundlePath: '.', aggregateSqlPath: 'x.sql', glueScriptPath: 'x.py' }))
      .toThrow(/GATE_NOT_PROMOTABLE|drift gate/);
  });
});
