/**
 * The event stage's map-output check over one object's rows, against bookkeeping written here:
 * the union of the keys the rows returned (first-seen order, as the columns of the local map
 * table), and the columns the window reads minus that union.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, pipeline, sum, window } from '../../../sdk/src/index.js';
import { undeclaredKeysNote, undeclaredKeysOf, watchMapOutputs, type MapOutputState } from '../../../sdk/src/runtime/map-output-columns.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), kind: z.string(), ts: z.coerce.date() });
type AnyRow = Record<string, unknown>;

/** steps[2] is the map; the window (steps[3]) reads user_id, ts, amount and kind. */
const steps = pipeline('watch')
  .from(file('/x/*.jsonl'))
  .validate(Event)
  .map((row: AnyRow) => row, { columns: { user_id: 'string', ts: 'timestamp' } })
  .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spend: sum('amount'), buys: count().where("kind = 'buy'") } }))
  .definition.plan.steps;
const NEEDED = ['user_id', 'ts', 'amount', 'kind'];
const KEYS = ['user_id', 'ts', 'amount', 'kind', 'note'];

const rowOf = (keys: readonly string[]): AnyRow => Object.fromEntries(keys.map((k) => [k, k === 'note' ? undefined : 1]));

describe('watchMapOutputs', () => {
  it('over any rows, split into any checkpointed pieces, finds exactly the needed columns no row returned', () => {
    const watch = watchMapOutputs(steps);
    const note = watch.noteFor(2)!;
    fc.assert(
      fc.property(fc.array(fc.subarray(KEYS), { maxLength: 12 }), fc.array(fc.nat(12)), (rows, checkpoints) => {
        let state: MapOutputState = {};
        rows.forEach((keys, i) => {
          // A resumed invocation starts from the checkpoint's JSON.
          if (checkpoints.includes(i)) state = JSON.parse(JSON.stringify(state)) as MapOutputState;
          note(rowOf(keys), state);
        });
        const union: string[] = [];
        for (const keys of rows) for (const k of keys) if (!union.includes(k)) union.push(k);
        const missing = NEEDED.filter((c) => !union.includes(c));
        const problem = watch.problem(state);
        if (rows.length === 0 || missing.length === 0) {
          expect(problem).toBeUndefined();
          return;
        }
        expect(problem?.code).toBe('MAP_DROPPED_COLUMNS');
        expect(problem?.path).toBe('steps[2].map');
        for (const column of NEEDED) expect(problem!.message.includes(`"${column}" (read by`)).toBe(missing.includes(column));
        expect(problem!.message).toContain(`The map returned: ${union.join(', ') || '(no columns)'}.`);
      }),
      { numRuns: 300 },
    );
  });

  it('stops reading rows once every needed column has been returned', () => {
    const note = watchMapOutputs(steps).noteFor(2)!;
    const state: MapOutputState = {};
    let keyReads = 0;
    const counted = (row: AnyRow) => new Proxy(row, { ownKeys: (target) => (keyReads++, Reflect.ownKeys(target)) });
    note(counted(rowOf(['user_id', 'ts'])), state);
    note(counted(rowOf(['user_id', 'ts', 'amount', 'kind'])), state);
    expect(keyReads).toBe(2);
    for (let i = 0; i < 100; i++) note(counted(rowOf(['user_id'])), state);
    expect(keyReads).toBe(2);
    expect(state).toEqual({ 2: true });
  });

  it('watches nothing for a map whose columns no later step reads', () => {
    const free = pipeline('free').from(file('/x/*.jsonl')).validate(Event).map((row: AnyRow) => ({ id: row.user_id })).definition.plan.steps;
    const watch = watchMapOutputs(free);
    expect(watch.noteFor(2)).toBeUndefined();
    expect(watch.problem({})).toBeUndefined();
  });

  it('judges each map by what the steps up to the next map read, and reports the first map that fails', () => {
    const twoMaps = pipeline('two')
      .from(file('/x/*.jsonl'))
      .validate(Event)
      .map((row: AnyRow) => row, { columns: { user_id: 'string', ts: 'timestamp', amount: 'number' } })
      .derive({ doubled: 'amount * 2' })
      .map((row: AnyRow) => row, { columns: { user_id: 'string', ts: 'timestamp', doubled: 'number' } })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spend: sum('doubled') } }))
      .definition.plan.steps;
    const watch = watchMapOutputs(twoMaps);
    const state: MapOutputState = {};
    // steps[2] only has to return amount (the derive reads it); steps[4] has to return user_id, ts and doubled.
    watch.noteFor(2)!(rowOf(['amount']), state);
    watch.noteFor(4)!(rowOf(['user_id', 'ts']), state);
    expect(state[2]).toBe(true);
    expect(watch.problem(state)?.message).toMatch(/^The rows this map\(\) returns have no column "doubled" \(read by steps\[5\]\.window\.features\.spend\)/);
    expect(watch.problem(state)?.path).toBe('steps[4].map');
  });
});

describe('undeclared keys of a declared map', () => {
  it('notes each key beyond the known columns once, per map, in first-seen order, beside the map-output check', () => {
    const state: MapOutputState = {};
    const second = undeclaredKeysNote({ user_id: 'string', ts: 'timestamp' }, 2);
    const fourth = undeclaredKeysNote({ user_id: 'string', cents: 'integer' }, 4);
    second({ user_id: 'u', ts: new Date(0), debug: 1 }, state);
    second({ user_id: 'u', ts: new Date(0), debug: 2, tmp: 3 }, state);
    fourth({ user_id: 'u', cents: 1, debug: 'again' }, state);
    watchMapOutputs(steps).noteFor(2)?.({ user_id: 'u', ts: new Date(0) }, state);
    expect(undeclaredKeysOf(state)).toEqual(['debug', 'tmp']);
    expect(state['undeclared:2']).toEqual(['debug', 'tmp']);
    expect(state['undeclared:4']).toEqual(['debug']);
    // The map-output check reads its own slots only.
    expect(watchMapOutputs(steps).problem(state)?.code).toBe('MAP_DROPPED_COLUMNS');
  });

  it('keeps at most 20 names per map', () => {
    const state: MapOutputState = {};
    const note = undeclaredKeysNote({}, 2);
    note(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])), state);
    expect(undeclaredKeysOf(state)).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
  });
});
