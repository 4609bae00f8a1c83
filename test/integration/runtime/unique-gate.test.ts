/**
 * The `unique` gate in the event stage, whose batch is one object: duplicates of a key among
 * the object's valid rows send the object whole to quarantine. Expectations come from a naive
 * oracle in this file (zod per line, then a Map of key tuples). Resuming — after a yield at a
 * checkpoint or a crash at any write — must reach the verdict, and leave the zones, exactly as
 * a clean run does (fast-check over keys, segment sizes and interruption points).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PipelineDefinition } from '../../../sdk/src/pipeline/pipeline-definition.js';
import { deepFreeze, planHash } from '../../../sdk/src/plan/canonical-json.js';
import type { PipelinePlan, PlanStep } from '../../../sdk/src/plan/pipeline-plan.js';
import type { GateSpec } from '../../../sdk/src/plan/validate-node.js';
import type { MemoryS3 } from './memory-s3.js';
import { invoke, invokeUntilDone, landObject, newMemoryS3, ZONE_BUCKETS } from './object-runner.js';

const Row = z.object({ event_id: z.string().min(1), user_id: z.string().nullable(), n: z.number().int() });
type Row = z.infer<typeof Row>;

const GATES: GateSpec = { unique: ['event_id', ['user_id', 'n']] };

function uniqueDefinition(extraSteps: PlanStep[] = []): PipelineDefinition {
  const plan = deepFreeze({
    version: 1,
    name: 'unique-events',
    steps: [
      { kind: 'source', scheme: 's3', uri: 's3://landing/in/', format: 'jsonl', compression: 'auto' },
      { kind: 'validate', jsonSchema: z.toJSONSchema(Row), gates: GATES },
      ...extraSteps,
    ],
  } as PipelinePlan);
  return { plan, hash: planHash(plan), schema: Row, mapFunctions: [] };
}

/** The oracle: zod per line, then duplicates of each key tuple among valid rows (a null in the key: not compared). */
function expectedDuplicates(text: string): Record<string, number> {
  const valid: Row[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = Row.safeParse(value);
    if (parsed.success) valid.push(parsed.data);
  }
  const count = (key: (r: Row) => unknown[] | undefined) => {
    const seen = new Set<string>();
    let duplicates = 0;
    for (const r of valid) {
      const k = key(r);
      if (!k) continue;
      const text = JSON.stringify(k);
      if (seen.has(text)) duplicates++;
      else seen.add(text);
    }
    return duplicates;
  };
  const out: Record<string, number> = {};
  const ids = count((r) => [r.event_id]);
  const pairs = count((r) => (r.user_id === null ? undefined : [r.user_id, r.n]));
  if (ids) out['unique(event_id)'] = ids;
  if (pairs) out['unique(user_id, n)'] = pairs;
  return out;
}

function failuresOf(gateFailures: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of gateFailures) {
    const m = /^(unique\([^)]*\)): (\d+) valid rows/.exec(f);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

const line = (id: string, user: string | null, n: number) => JSON.stringify({ event_id: id, user_id: user, n });

describe('unique in one object', () => {
  it('passes distinct keys, ignores keys with a null, and counts only valid rows', async () => {
    const s3 = newMemoryS3();
    const text = [line('a', 'u1', 1), line('b', null, 1), line('c', null, 1), '{"event_id": "a", "user_id": "u9", "n": 1.5}', line('d', 'u1', 2), 'not json'].join('\n');
    expect(expectedDuplicates(text)).toEqual({});
    const def = uniqueDefinition();
    const done = await invokeUntilDone(s3, landObject(s3, 'in/ok.jsonl', text, def), def, { segmentRows: 2 });
    expect(done.manifest.status).toBe('processed');
    expect(done.manifest.rows).toEqual({ in: 6, valid: 4, quarantined: 2 });
  });

  it('quarantines the object whole on a duplicate in another segment, with the counts of each gate', async () => {
    const s3 = newMemoryS3();
    const text = [line('a', 'u1', 1), line('b', 'u1', 2), line('c', 'u2', 1), line('d', 'u1', 1), line('a', 'u3', 3), line('e', 'u2', 1)].join('\n');
    expect(expectedDuplicates(text)).toEqual({ 'unique(event_id)': 1, 'unique(user_id, n)': 2 });
    const def = uniqueDefinition();
    const done = await invokeUntilDone(s3, landObject(s3, 'in/dups.jsonl', text, def), def, { segmentRows: 2 });
    expect(done.manifest.status).toBe('quarantined');
    expect(failuresOf(done.manifest.gateFailures)).toEqual(expectedDuplicates(text));
    expect(done.manifest.rows).toEqual({ in: 6, valid: 0, quarantined: 6 });
    // The segments written before the verdict are gone; only the whole object and its error document remain.
    expect(s3.keys('validated', 'validated/')).toEqual([]);
    expect(s3.keys('quarantine')).toEqual(done.manifest.outputs.quarantine.slice().sort());
    expect(s3.keys('validated', '_gate-keys/')).toEqual([]);
    expect(s3.keys('validated', '_checkpoints/')).toEqual([]);
  });

  it('judges the values validate() produced, not what a later derive() wrote over them', async () => {
    const s3 = newMemoryS3();
    const def = uniqueDefinition([{ kind: 'derive', columns: [{ name: 'event_id', expression: { text: "'same'", node: { kind: 'literal', value: 'same' }, type: 'string' } }] }]);
    const text = [line('a', 'u1', 1), line('b', 'u1', 2)].join('\n');
    const done = await invokeUntilDone(s3, landObject(s3, 'in/derived.jsonl', text, def), def, { segmentRows: 5 });
    expect(done.manifest.status).toBe('processed');
  });
});

describe('resuming reaches the clean run’s verdict and zones', () => {
  const rowArb = fc.oneof(
    { weight: 9, arbitrary: fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), user: fc.constantFrom('u1', 'u2', null), n: fc.integer({ min: 0, max: 3 }) }).map((r) => line(r.id, r.user, r.n)) },
    { weight: 1, arbitrary: fc.constant('{"event_id": ""}') },
  );
  const caseArb = fc.record({
    rows: fc.array(rowArb, { minLength: 1, maxLength: 30 }),
    segmentRows: fc.integer({ min: 1, max: 6 }),
    interruptions: fc.array(fc.record({ kind: fc.constantFrom('yield', 'crash'), after: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 3 }),
  });

  it('after yields and crashes at any write, in any order (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ rows, segmentRows, interruptions }) => {
        const text = `${rows.join('\n')}\n`;
        const def = uniqueDefinition();
        const clean = newMemoryS3();
        const cleanDone = await invokeUntilDone(clean, landObject(clean, 'in/x.jsonl', text, def), def, { segmentRows });
        const expected = expectedDuplicates(text);
        expect(cleanDone.manifest.status).toBe(Object.keys(expected).length ? 'quarantined' : 'processed');
        expect(failuresOf(cleanDone.manifest.gateFailures)).toEqual(expected);

        const resumed = newMemoryS3();
        const target = landObject(resumed, 'in/x.jsonl', text, def);
        for (const step of interruptions) {
          if (step.kind === 'yield') await invoke(resumed, target, def, { segmentRows, yieldAfterSegments: step.after });
          else await invoke(resumed, target, def, { segmentRows, client: crashingClient(resumed, step.after) }).catch((e: Error) => expect(e.message).toBe('crash'));
        }
        const resumedDone = await invokeUntilDone(resumed, target, def, { segmentRows });
        expect(resumedDone.manifest).toEqual(cleanDone.manifest);
        expect(resumed.snapshot(ZONE_BUCKETS)).toEqual(clean.snapshot(ZONE_BUCKETS));
      }),
      { numRuns: 60, seed: 20241126 },
    );
  });

  it('starts over when a stored key file is gone, and still agrees with the clean run', async () => {
    const text = [line('a', 'u1', 1), line('b', 'u1', 2), line('c', 'u2', 1), line('d', 'u2', 2), line('a', 'u3', 3)].join('\n');
    const def = uniqueDefinition();
    const clean = newMemoryS3();
    const cleanDone = await invokeUntilDone(clean, landObject(clean, 'in/x.jsonl', text, def), def, { segmentRows: 1 });
    expect(cleanDone.manifest.status).toBe('quarantined');

    const resumed = newMemoryS3();
    const target = landObject(resumed, 'in/x.jsonl', text, def);
    expect((await invoke(resumed, target, def, { segmentRows: 1, yieldAfterSegments: 3 })).status).toBe('yielded');
    const [first] = resumed.keys('validated', '_gate-keys/');
    resumed.removeObject('validated', first!);
    const done = await invokeUntilDone(resumed, target, def, { segmentRows: 1 });
    expect(done.resumedAt).toBe(0);
    expect(done.manifest).toEqual(cleanDone.manifest);
    expect(resumed.snapshot(ZONE_BUCKETS)).toEqual(clean.snapshot(ZONE_BUCKETS));
  });
});

/** An S3 client that fails the `after`-th write of the validated bucket (without writing), as a process dying there would. */
function crashingClient(s3: MemoryS3, after: number) {
  let writes = 0;
  return {
    send: (command: { constructor: { name: string }; input: { Bucket?: string } }) => {
      if (command.constructor.name === 'PutObjectCommand' && command.input.Bucket === 'validated' && ++writes === after) return Promise.reject(new Error('crash'));
      return s3.send(command);
    },
  } as never;
}
