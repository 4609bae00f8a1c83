/**
 * Per-row work of the event stage, compiled once per pipeline: zod validation (zod has the
 * final word, as everywhere in sluice), then the plan's transforms in step order — `derive`
 * through the JS evaluator, `map` through the live functions. A row that fails anywhere is
 * quarantined with issues `{ path, code, message }`; nothing is dropped. What a map's rows
 * return is noted per object for the map-output check (map-output-columns.ts), which judges
 * the whole object, not a row.
 */
import type { PlanError } from '../errors.js';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import type { ScalarType } from '../plan/expression-node.js';
import type { WindowNode } from '../plan/window-node.js';
import type { GateSpec } from '../plan/validate-node.js';
import { describeSchema } from '../quality/describe-schema.js';
import { csvDecodingFor, type CsvDecoding } from '../sources/csv-decoding.js';
import { MALFORMED_RECORD, NOT_STORABLE } from '../quality/quarantine.js';
import { compileExpression, type ColumnTypes, type CompiledExpression } from './evaluate-expression.js';
import { assertEventStageGates } from './event-stage-gates.js';
import { columnTypesAfterMaps, mapReturnedValuesCheck } from '../pipeline/map-returned-types.js';
import { undeclaredKeysNote, watchMapOutputs, type MapOutputNote, type MapOutputState } from './map-output-columns.js';
import type { RawRecord } from './record-reader.js';
import { rowGateColumns } from './row-gates.js';
import { storableCheck } from './storable-values.js';
import { coercionSurprises, type CoercionState } from '../quality/coercion-surprises.js';
import { jsonIntegerPrecision } from '../quality/json-integer-precision.js';
import { rowFlattener, storedRow } from '../quality/nested-fields.js';
import { kindFieldsOnly } from '../quality/kind-fields.js';

export interface RowIssue {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

export type RowOutcome =
  /** `gated`: the row's gate columns as validate() produced them (before transforms; the row itself when the plan has none); absent when no gate reads rows. */
  | { readonly ok: true; readonly row: Record<string, unknown>; readonly gated?: Readonly<Record<string, unknown>> }
  /** `gated`: present when validate() accepted the row and a transform rejected it — the gates still count it, as local runs do. */
  | { readonly ok: false; readonly issues: readonly RowIssue[]; readonly gated?: Readonly<Record<string, unknown>> };

export interface OutputColumn {
  readonly name: string;
  /** `unknown`: decided once per object from the values (a `.map()` whose types the definition does not carry). */
  readonly type: ScalarType;
}

export interface RowTransformer {
  /** Output columns when they are known from the plan; `undefined` after an undeclared `.map()`. */
  readonly columns: readonly OutputColumn[] | undefined;
  /** The window's timestamp column (dt comes from it), when the plan aggregates. */
  readonly timestampColumn: string | undefined;
  readonly gates: GateSpec;
  /** How the schema decodes CSV text (as the local sources do), when there is a schema. */
  readonly csvDecoding: CsvDecoding | undefined;
  /**
   * Transforms one record. `mapOutputs`: the object's map-output state, into which the rows
   * each `.map()` returns are noted (omit it to skip the check). `coercions`: the object's
   * count of values z.coerce made of nulls (and the like) in rows validate() accepted.
   */
  transform(record: RawRecord, mapOutputs?: MapOutputState, coercions?: CoercionState): RowOutcome;
  /** After an object's last record: the PlanError of a map whose rows lacked a column a later step reads, if any. */
  mapOutputProblem(mapOutputs: Readonly<MapOutputState>): PlanError | undefined;
  /** The notes a local run gives for the same coercions (quality/coercion-surprises.ts); empty when there were none. */
  coercionNotes(coercions: Readonly<CoercionState>): string[];
}

type Step = (row: Record<string, unknown>) => Record<string, unknown>;

interface CompiledStep {
  readonly kind: string;
  readonly run: Step;
  /** The issue of a row this step threw on (default: `<kind>_error` with the bare message). */
  readonly failure?: (message: string) => RowIssue;
  /** A map whose output later steps read: notes the keys of the rows it returns. */
  readonly note?: MapOutputNote;
  /** A map after which the plan knows the column types: the value of the returned row that does not fit its column. */
  readonly misfit?: (row: Readonly<Record<string, unknown>>) => RowIssue | undefined;
  /** The same map: notes the keys its rows return beyond those columns (not kept). */
  readonly undeclared?: MapOutputNote;
}

/**
 * Compiles a pipeline definition into a row transformer.
 *
 * @example
 * ```ts
 * const t = createRowTransformer(definition);
 * const mapOutputs: MapOutputState = {};  // one per object, kept in its checkpoint
 * const outcome = t.transform({ line: 1, raw: '{"a":1}', value: { a: 1 } }, mapOutputs);
 * if (outcome.ok) write(outcome.row); else quarantine(outcome.issues);
 * // after the object's last record:
 * const dropped = t.mapOutputProblem(mapOutputs); // PlanError MAP_DROPPED_COLUMNS, or undefined
 * ```
 */
export function createRowTransformer(definition: PipelineDefinition): RowTransformer {
  // A gate this stage does not enforce stops the handler at start, never silently passes.
  assertEventStageGates(definition.plan);
  const schema = definition.schema;
  const described = schema ? describeSchema(schema).columns : undefined;
  const csvDecoding = described ? csvDecodingFor(described) : undefined;
  let columns: OutputColumn[] | undefined = described?.map((c) => ({ name: c.name, type: c.type }));
  const steps: CompiledStep[] = [];
  let mapIndex = 0;
  let gates: GateSpec = {};
  let timestampColumn: string | undefined;
  const mapOutputs = watchMapOutputs(definition.plan.steps);
  const typesAfterMaps = columnTypesAfterMaps(definition);
  for (const [stepIndex, step] of definition.plan.steps.entries()) {
    if (step.kind === 'validate') gates = step.gates;
    else if (step.kind === 'window') timestampColumn = (step as WindowNode).timestamp;
    else if (step.kind === 'derive') {
      const types: ColumnTypes = Object.fromEntries((columns ?? []).map((c) => [c.name, c.type]));
      const compiled: [string, CompiledExpression][] = step.columns.map(({ name, expression }) => [name, compileExpression(expression.node, types)]);
      for (const { name, expression } of step.columns) {
        if (columns) columns = [...columns.filter((c) => c.name !== name), { name, type: expression.type }];
      }
      steps.push({
        kind: 'derive',
        run: (row) => {
          // Side by side, as in one SELECT list: every expression sees the row before this derive().
          const values = compiled.map(([, f]) => f(row));
          for (let i = 0; i < compiled.length; i++) row[compiled[i]![0]] = values[i];
          return row;
        },
      });
    } else if (step.kind === 'map') {
      const known = typesAfterMaps[mapIndex];
      const fn = definition.mapFunctions[mapIndex++];
      if (!fn) throw new Error(`The plan has a .map() step #${mapIndex} but the definition carries no function for it.`);
      // The plan names the columns a map() declares, added to the known ones (as the builder
      // does); their types are not in the plan: they come from the definition below.
      const declared = step.columns;
      columns = declared && columns
        ? [...columns.filter((c) => !declared.includes(c.name)), ...declared.map((name) => ({ name, type: 'unknown' as ScalarType }))]
        : undefined;
      // Those declared names say what the function should return, not what it does: the
      // columns of its rows are noted, and checked once the object is read.
      const note = mapOutputs.noteFor(stepIndex);
      steps.push({
        kind: 'map',
        ...(note ? { note } : {}),
        // The local engine's rule (pipeline/map-returned-types.ts): both quarantine the same rows.
        ...(known ? { misfit: mapReturnedValuesCheck(known, `steps[${stepIndex}].map`), undeclared: undeclaredKeysNote(known, stepIndex) } : {}),
        // The local engine's code and wording (transform-stage.ts), so a rejected row reads the same in both.
        failure: (message) => ({ path: [], code: 'map_failed', message: `steps[${stepIndex}].map: ${message}` }),
        run: (row) => {
          const out = fn(row);
          if (out === null || typeof out !== 'object' || Array.isArray(out)) {
            throw new Error(`map() must return an object (the new row); it returned ${Array.isArray(out) ? 'an array' : String(out)}`);
          }
          return { ...out };
        },
      });
    }
  }
  // Declared map() types travel in the definition (not the plan): with them every object's files
  // agree on each column's Parquet type; without them the writer decides once per object.
  const declaredTypes = definition.columnTypes;
  if (columns && declaredTypes) {
    columns = columns.map((c) => (c.type === 'unknown' && isKnown(declaredTypes[c.name]) ? { ...c, type: declaredTypes[c.name]! } : c));
  }
  const gateColumns = rowGateColumns(gates);
  const int64Columns = (described ?? []).filter((c) => c.type === 'integer').map((c) => c.name);
  const unstorable = storableCheck(columns);
  const coerced = schema ? coercionSurprises(schema) : undefined;
  const precision = schema ? jsonIntegerPrecision(schema) : undefined;
  const flatten = described && schema ? storedRow(kindFieldsOnly(schema), rowFlattener(described)) : undefined;
  return {
    columns,
    timestampColumn,
    gates,
    csvDecoding,
    mapOutputProblem: (state) => mapOutputs.problem(state),
    coercionNotes: (state) => [...(coerced?.notes(state) ?? []), ...(precision?.notes(state) ?? [])],
    transform(record, mapOutputState, coercions) {
      // The local engine's code for the same record, so reports and rules read the same in both.
      if (record.error !== undefined) return { ok: false, issues: [{ path: [], code: MALFORMED_RECORD, message: record.error }] };
      let row: Record<string, unknown>;
      if (schema) {
        // With the digits JSON.parse rounded away, where the schema keeps them (json-integer-precision.ts).
        const input = precision && record.value ? precision.input(record.value, record.roundedIntegers) : record.value;
        const parsed = schema.safeParse(input);
        if (!parsed.success) {
          return {
            ok: false,
            issues: parsed.error.issues.map((i) => ({
              path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
              code: i.code,
              message: i.message,
            })),
          };
        }
        const output = parsed.data as Record<string, unknown>;
        row = flatten ? flatten(output) : output;
        const unstorable = int64Issue(int64Columns, row);
        if (unstorable) return { ok: false, issues: [unstorable] };
        // Where a local run counts them: rows zod accepted and the store can hold (a later step may still reject the row).
        if (coercions) {
          // zod's own output, nested objects and all, as a local run observes it.
          coerced?.observe(input, output, coercions);
          if (input) precision?.observe(record.roundedIntegers, input, output, coercions);
        }
      } else {
        if (record.value === null || typeof record.value !== 'object' || Array.isArray(record.value)) {
          return { ok: false, issues: [{ path: [], code: 'invalid_type', message: 'expected a record object' }] };
        }
        row = { ...(record.value as Record<string, unknown>) };
      }
      // Transforms may replace a column (derive writes into the row): gates see it as validated.
      // Without transforms the row keeps its validated values, and is itself the snapshot (no
      // copy per row).
      let gated: Record<string, unknown> | undefined;
      if (gateColumns.length > 0) {
        if (steps.length === 0) gated = row;
        else {
          gated = {};
          for (const c of gateColumns) gated[c] = row[c];
        }
      }
      for (const step of steps) {
        try {
          row = step.run(row);
        } catch (error) {
          const message = (error as Error)?.message ?? String(error);
          const issues = [step.failure ? step.failure(message) : { path: [], code: `${step.kind}_error`, message }];
          return gated ? { ok: false, issues, gated } : { ok: false, issues };
        }
        const misfit = step.misfit?.(row);
        if (misfit) return gated ? { ok: false, issues: [misfit], gated } : { ok: false, issues: [misfit] };
        if (step.undeclared && mapOutputState) step.undeclared(row, mapOutputState);
        // Also for a row a later step rejects: its map returned it, as it makes the local map table.
        if (step.note && mapOutputState) step.note(row, mapOutputState);
      }
      const notStorable = unstorable(row);
      if (notStorable) return gated ? { ok: false, issues: [notStorable], gated } : { ok: false, issues: [notStorable] };
      return gated ? { ok: true, row, gated } : { ok: true, row };
    },
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A bigint zod accepted that the column's Parquet INT64 cannot hold. The Parquet writer would
 * throw for the whole object (retried into the dead-letter queue); the row is quarantined
 * instead, with the issue the local engine gives it (its valid-row appender; backends do not
 * import each other, so the wording is repeated here and a parity test keeps the two equal).
 */
function int64Issue(columns: readonly string[], row: Readonly<Record<string, unknown>>): RowIssue | undefined {
  for (const name of columns) {
    const value = row[name];
    if (typeof value !== 'bigint' || (value >= INT64_MIN && value <= INT64_MAX)) continue;
    return {
      path: [name],
      code: NOT_STORABLE,
      message: `${value} does not fit the 64-bit integer column sluice stores "${name}" in (${INT64_MIN} to ${INT64_MAX}). Bound the field, e.g. z.int64() or .max(), so that zod rejects such values.`,
    };
  }
  return undefined;
}

function isKnown(type: ScalarType | undefined): type is ScalarType {
  return type !== undefined && type !== 'unknown' && type !== 'null';
}
