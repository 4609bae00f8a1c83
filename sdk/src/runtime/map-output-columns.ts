/**
 * The event stage's side of the map-output check (plan/map-output-check.ts). A local run
 * checks the table a `.map()` produced: its columns are every key any returned row had. The
 * event stage sees one object, row by row, so it collects the same thing over the object —
 * the keys the map's rows returned — and judges them with the same function after the last
 * record, when the union is complete (a column returned by any row counts, as it makes a
 * column of the local table; the rows without it read null in both). One difference remains:
 * a local run judges the union over all its objects, the event stage over one object, so an
 * object none of whose rows returns the column is quarantined even when other objects' rows
 * return it (a local run over all of them would read null for its rows). A map that drops a
 * column usually drops it from every row, and then both refuse.
 *
 * Cost: which columns each map must return is worked out once per definition. Per row, a map
 * whose rows have returned every needed column is done after one comparison; keys are only
 * collected until then — in a well-formed pipeline that is the first row of each object.
 *
 * The state is plain data kept in the object's checkpoint: an object resumed by a later
 * invocation still counts the keys its earlier segments returned.
 */
import type { PlanError } from '../errors.js';
import { columnsNeededAfterMap, mapOutputProblem } from '../plan/map-output-check.js';
import type { PlanStep } from '../plan/pipeline-plan.js';

/**
 * What one object's map rows have returned so far, by the map's step index: the keys in the
 * order they first appeared, or `true` once every column later steps read was among them
 * (nothing left to learn). A map that has returned no row yet has no entry. Under
 * `undeclared:<step index>`: the keys a declared map returned beyond its known columns.
 */
export type MapOutputState = Record<string, string[] | true>;

/** Notes one row a map returned into an object's state. */
export type MapOutputNote = (row: Readonly<Record<string, unknown>>, state: MapOutputState) => void;

export interface MapOutputWatch {
  /** The note for the map at `steps[stepIndex]`; undefined when no later step reads its columns (nothing to check, no cost). */
  noteFor(stepIndex: number): MapOutputNote | undefined;
  /**
   * The error of the first map whose rows, over the object, lacked a column a later step
   * reads; undefined when there is none. A map that returned no row is not judged: nothing of
   * it reaches the validated zone.
   */
  problem(state: Readonly<MapOutputState>): PlanError | undefined;
}

/**
 * Prepares the map-output check of a plan (once per definition).
 *
 * @example
 * ```ts
 * const watch = watchMapOutputs(plan.steps);
 * const state: MapOutputState = {};
 * watch.noteFor(2)?.({ user_id: 'u1', ts: new Date() }, state);
 * watch.problem(state); // PlanError MAP_DROPPED_COLUMNS at steps[2].map when steps[3] reads "amount"
 * ```
 */
export function watchMapOutputs(steps: readonly PlanStep[]): MapOutputWatch {
  const notes = new Map<number, MapOutputNote>();
  steps.forEach((step, stepIndex) => {
    if (step.kind !== 'map') return;
    const needed = [...new Set(columnsNeededAfterMap(steps, stepIndex).map((n) => n.column))];
    if (needed.length === 0) return;
    const slot = String(stepIndex);
    notes.set(stepIndex, (row, state) => {
      let returned = state[slot];
      if (returned === true) return;
      if (returned === undefined) state[slot] = returned = [];
      for (const key of Object.keys(row)) if (!returned.includes(key)) returned.push(key);
      if (needed.every((column) => (returned as string[]).includes(column))) state[slot] = true;
    });
  });
  return {
    noteFor: (stepIndex) => notes.get(stepIndex),
    problem(state) {
      for (const stepIndex of notes.keys()) {
        const returned = state[String(stepIndex)];
        if (returned === undefined || returned === true) continue;
        const problem = mapOutputProblem(steps, stepIndex, returned);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** How many undeclared keys an object's state keeps per map (enough to name the mistake). */
const UNDECLARED_KEYS_KEPT = 20;

/**
 * For a map whose columns the plan knows (`.map(fn, { columns })`): notes the keys a returned
 * row has beyond those columns. The event stage writes the known columns only, as a local run
 * keeps them only, so such keys are not kept; the object's manifest and its "object done" log
 * line name them (`undeclaredKeysOf`), where a local run names them in its notes.
 *
 * @example
 * ```ts
 * const note = undeclaredKeysNote({ user_id: 'string', cents: 'integer' }, 2);
 * const state: MapOutputState = {};
 * note({ user_id: 'u1', cents: 250, debug: 'x' }, state);
 * undeclaredKeysOf(state) // ['debug']
 * ```
 */
export function undeclaredKeysNote(known: Readonly<Record<string, unknown>>, stepIndex: number): MapOutputNote {
  const names = new Set(Object.keys(known));
  const slot = `undeclared:${stepIndex}`;
  return (row, state) => {
    for (const key of Object.keys(row)) {
      if (names.has(key)) continue;
      const list = (state[slot] ??= []);
      if (list !== true && list.length < UNDECLARED_KEYS_KEPT && !list.includes(key)) list.push(key);
    }
  };
}

/**
 * The keys `undeclaredKeysNote` noted in an object's state, over all its maps, in the order
 * first seen; empty when there were none.
 *
 * @example
 * ```ts
 * undeclaredKeysOf({ '2': true, 'undeclared:2': ['debug'] }) // ['debug']
 * ```
 */
export function undeclaredKeysOf(state: Readonly<MapOutputState>): string[] {
  const keys: string[] = [];
  for (const [slot, list] of Object.entries(state)) {
    if (!slot.startsWith('undeclared:') || list === true) continue;
    for (const key of list) if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}
