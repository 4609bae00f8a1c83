/**
 * A z.discriminatedUnion of event kinds in the event stage: each row decided as a local run
 * decides it (the oracle, parity-decisions.ts) — the rows of each kind, a kind no option names,
 * a field its kind rejects, a stray key its kind drops — from JSON Lines and CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const Event = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('view'), user: z.string().min(1), page: z.string().optional() }),
  z.object({ kind: z.literal('buy'), user: z.string().min(1), amount: z.coerce.number().positive() }),
  z.strictObject({ kind: z.enum(['click', 'tap']), user: z.string().min(1) }),
]);

const OBJECTS: Record<string, string> = {
  'kinds.jsonl': [
    { kind: 'view', user: 'a', page: 'home' },
    { kind: 'view', user: 'a', amount: 3 },
    { kind: 'buy', user: 'b', amount: 9.5 },
    { kind: 'buy', user: 'b', amount: -1 },
    { kind: 'buy', user: 'b' },
    { kind: 'tap', user: 'c' },
    { kind: 'click', user: 'c', page: 'x' },
    { kind: 'share', user: 'd' },
    { user: 'e' },
    { kind: 'view', user: '' },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n',
  'kinds.csv': 'kind,user,page,amount\nview,a,home,\nbuy,b,,9.5\nbuy,b,,abc\ntap,c,,\nshare,d,,\n',
};

const dir = mkdtempSync(join(tmpdir(), 'sluice-kinds-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipelineFor = (path: string) => pipeline('kinds').from(file(path)).validate(Event);

describe('the event stage decides rows of several kinds as a local run does', () => {
  for (const name of Object.keys(OBJECTS)) {
    it(name, async () => {
      const local = await localDecision(dir, pipelineFor, name, OBJECTS[name]!);
      const event = await eventStageDecision(pipelineFor, name, OBJECTS[name]!);
      expect(event).toEqual(local);
      expect(local.counts.valid).toBeGreaterThan(1);
      expect(local.counts.quarantined).toBeGreaterThan(1);
    });
  }
});
