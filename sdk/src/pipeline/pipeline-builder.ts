/**
 * The fluent builder. Every call returns a new builder holding a larger, frozen plan; nothing
 * executes while building. Errors in the definition are thrown here, with their path in the
 * plan, never later inside a backend.
 *
 * The public types are interfaces (one per stage, so `toFeatureStore()` is only offered after
 * `aggregate()`); the implementing class stays private.
 */
import type { z } from 'zod';
import { PlanError } from '../errors.js';
import type { FlatRow } from './flat-row.js';
import type { KindsMerged, RowSchema } from './row-schema.js';
import type { ScalarType } from '../plan/expression-node.js';
import { PLAN_VERSION, type PipelinePlan, type PlanStep } from '../plan/pipeline-plan.js';
import { deepFreeze, planHash } from '../plan/canonical-json.js';
import type { GateSpec } from '../plan/validate-node.js';
import { describeSchema } from '../quality/describe-schema.js';
import { toJsonSchema } from '../quality/json-schema.js';
import { parseExpression } from '../plan/expression-parser.js';
import type { Source } from '../sources/index.js';
import { validateWindow, type WindowSpec } from '../features/window.js';
import type { FeatureStore } from './feature-store.js';
import type { PipelineDefinition } from './pipeline-definition.js';
import { localEngine, registeredPromoter } from './backend-ports.js';
import type { PromoteOptions, PromoteSummary } from '../promote/promote.js';
import type { RunOptions, RunResult } from './run-types.js';
import { checkGateColumns, checkName } from './builder-checks.js';
import { checkDeclaredColumns, checkRunOptions, VALIDATE_OPTION_KEYS } from './option-checks.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';

/** Gate options of `validate()`, typed by the schema's columns. */
export interface ValidateOptions<Row> {
  readonly maxInvalidRatio?: number;
  readonly unique?: readonly ((keyof Row & string) | readonly (keyof Row & string)[])[];
  readonly notNull?: readonly (keyof Row & string)[];
  readonly references?: readonly { readonly column: keyof Row & string; readonly values: readonly (string | number)[] }[];
  readonly drift?: { readonly baseline: string; readonly columns?: readonly (keyof Row & string)[]; readonly maxPsi?: number };
}

/** What every stage can do: show its plan and run locally. */
export interface RunnablePipeline {
  readonly name: string;
  /** The frozen, JSON-serialisable plan. */
  readonly plan: PipelinePlan;
  /** The plan's canonical hash: same definition → same hash, in any key order. */
  readonly hash: string;
  /** The plan plus the live schema and functions, as backends receive it. */
  readonly definition: PipelineDefinition;
  /**
   * Runs both stages locally on DuckDB: read → validate → transform → aggregate → store.
   *
   * @example
   * ```ts
   * const run = await engagement.run({ sample: 10_000 });
   * console.log(String(run));
   * ```
   */
  run(options?: RunOptions): Promise<RunResult>;
  toJSON(): PipelinePlan;
}

/** A pipeline that ends in a feature store: it can also be promoted to an AWS stack. */
export interface FeaturePipeline extends RunnablePipeline {
  /**
   * Turns this definition into a deployable AWS stack: the CDK app, the Lambda bundle, the
   * Glue driver and compiled Spark SQL, plan.json and the synthesized template, in `out`.
   * Pass `pipelineModule` (the file that default-exports this pipeline) so the Lambda can
   * bundle the live zod schema and map functions.
   *
   * @example
   * ```ts
   * const summary = await engagement.promote({ out: 'deploy/user-engagement', schedule: 'rate(1 hour)', pipelineModule: 'pipelines/engagement.ts' });
   * console.log(String(summary));
   * ```
   */
  promote(options: PromoteOptions): Promise<PromoteSummary>;
}

export interface PipelineStart {
  /**
   * Where raw records come from.
   *
   * @example
   * ```ts
   * pipeline('user-engagement').from(file('data/events/*.jsonl'))
   * ```
   */
  from(source: Source): SourcedPipeline;
}

export interface SourcedPipeline {
  readonly name: string;
  readonly plan: PipelinePlan;
  /**
   * Validates every row against a zod object schema; rows that fail are quarantined with
   * their source and zod issues. Options add batch gates. A stream of several kinds of event
   * takes a `z.discriminatedUnion` of one object per kind: the rows then have every kind's
   * fields, null where a kind lacks one.
   *
   * @example
   * ```ts
   * .validate(Event, { maxInvalidRatio: 0.01, unique: ['event_id'] })
   * .validate(z.discriminatedUnion('event', [View, Purchase]))   // amount: number | null
   * ```
   */
  validate<S extends RowSchema>(schema: S, options?: ValidateOptions<FlatRow<KindsMerged<z.output<S>>>>): ValidatedPipeline<FlatRow<KindsMerged<z.output<S>>>>;
}

export interface ValidatedPipeline<Row> extends RunnablePipeline {
  /**
   * Adds columns computed by expressions in the SQL subset DuckDB, Spark and Trino share.
   * Timestamps have their UTC parts (`hour(ts)`, `day_of_week(ts)` with 1 = Monday,
   * `epoch_ms(ts)`…) and `date_trunc('day', ts)`.
   *
   * @example
   * ```ts
   * .derive({ amount_usd: 'amount * 1.1', is_click: "event_type = 'click'" })
   * .derive({ hour: 'hour(ts)', weekend: 'day_of_week(ts) >= 6', day: "date_trunc('day', ts)" })
   * .derive({ domain: "split_part(email, '@', 2)", is_test: "ends_with(email, '@example.com')" })
   * ```
   */
  derive<D extends Record<string, string>>(columns: D): ValidatedPipeline<Omit<Row, keyof D> & { [K in keyof D]: unknown }>;
  /**
   * Applies a self-contained function to every valid row (in JS: slower than `derive`, and
   * the run report says so). Declare new columns' types to use them in `aggregate()`.
   *
   * @example
   * ```ts
   * .map((row) => ({ ...row, domain: row.email.split('@')[1] }), { columns: { domain: 'string' } })
   * ```
   */
  map<R extends Record<string, unknown>>(fn: (row: Row) => R, options?: { columns?: Record<string, ScalarType> }): ValidatedPipeline<R>;
  /**
   * Computes windowed features per entity (see `window()`).
   *
   * @example
   * ```ts
   * .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { clicks: count() } }))
   * ```
   */
  aggregate(spec: WindowSpec<keyof Row & string>): AggregatedPipeline;
}

export interface AggregatedPipeline extends RunnablePipeline {
  /**
   * Writes the feature rows to a feature store as feature group `group` of entity `entity`.
   *
   * @example
   * ```ts
   * .toFeatureStore(featureStore('./.sluice/features'), { entity: 'user', group: 'engagement' })
   * ```
   */
  toFeatureStore(store: FeatureStore, options: { entity: string; group: string }): FeaturePipeline;
}


interface BuilderState {
  readonly name: string;
  readonly steps: readonly PlanStep[];
  readonly schema?: RowSchema;
  readonly mapFunctions: readonly ((row: any) => any)[];
  /** The types each map() declared, beside its function (undefined where it declared none). */
  readonly mapColumnTypes: readonly (Readonly<Record<string, ScalarType>> | undefined)[];
  /** Known column types after the last step; `undefined` once a map() without declared columns ran. */
  readonly columns?: ReadonlyMap<string, ScalarType>;
  readonly stage: 'start' | 'sourced' | 'validated' | 'aggregated' | 'sunk';
}

/**
 * Starts a pipeline definition.
 *
 * @example
 * ```ts
 * const engagement = pipeline('user-engagement')
 *   .from(file('data/events/*.jsonl'))
 *   .validate(Event, { maxInvalidRatio: 0.01 })
 *   .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { clicks: count() } }))
 *   .toFeatureStore(featureStore('./.sluice/features'), { entity: 'user', group: 'engagement' });
 * ```
 */
export function pipeline(name: string): PipelineStart {
  checkName(name, 'name', 'pipeline name', 'pipeline("user-engagement")');
  return new PipelineBuilder({ name, steps: [], mapFunctions: [], mapColumnTypes: [], stage: 'start' }) as unknown as PipelineStart;
}

class PipelineBuilder {
  readonly plan: PipelinePlan;
  readonly hash: string;
  readonly #state: BuilderState;

  constructor(state: BuilderState) {
    this.#state = state;
    this.plan = deepFreeze({ version: PLAN_VERSION, name: state.name, steps: state.steps } as PipelinePlan);
    this.hash = planHash(this.plan);
  }

  get name(): string {
    return this.#state.name;
  }

  get definition(): PipelineDefinition {
    const { schema, mapFunctions, mapColumnTypes, columns } = this.#state;
    return Object.freeze({
      plan: this.plan, hash: this.hash, mapFunctions, mapColumnTypes, ...(schema ? { schema } : {}),
      ...(columns ? { columnTypes: Object.freeze(Object.fromEntries(columns)) } : {}),
    });
  }

  #next(step: PlanStep, patch: Partial<BuilderState>): PipelineBuilder {
    return new PipelineBuilder({ ...this.#state, ...patch, steps: [...this.#state.steps, step] });
  }

  #expect(stage: BuilderState['stage'][], method: string, hint: string): void {
    if (!stage.includes(this.#state.stage)) {
      throw new PlanError('STEP_OUT_OF_ORDER', `steps[${this.#state.steps.length}]`, `${method}() cannot follow ${describeStage(this.#state.stage)}. ${hint}`);
    }
  }

  from(source: Source): PipelineBuilder {
    this.#expect(['start'], 'from', 'A pipeline has exactly one source: pipeline("x").from(file(...)).');
    if (!source || typeof source !== 'object' || (source as Source).node?.kind !== 'source') {
      throw new PlanError('INVALID_SOURCE', 'steps[0]', 'from() takes a source made by file("data/*.jsonl") or s3("s3://bucket/prefix/").');
    }
    return this.#next(source.node, { stage: 'sourced' });
  }

  validate(schema: RowSchema, options: ValidateOptions<Record<string, unknown>> = {}): PipelineBuilder {
    this.#expect(['sourced'], 'validate', 'Call validate() once, right after from().');
    const path = `steps[${this.#state.steps.length}]`;
    rejectUnknownKeys(options, VALIDATE_OPTION_KEYS, 'validate(schema, options)', `${path}.validate`);
    const description = describeSchema(schema, `${path}.validate.schema`);
    const columns = new Map<string, ScalarType>(description.columns.map((c) => [c.name, c.type]));
    const gates: GateSpec = checkGateColumns(options, columns, `${path}.validate`);
    return this.#next({ kind: 'validate', jsonSchema: toJsonSchema(schema), gates }, { stage: 'validated', schema, columns });
  }

  derive(definitions: Record<string, string>): PipelineBuilder {
    this.#expect(['validated'], 'derive', 'derive() goes between validate() and aggregate().');
    const path = `steps[${this.#state.steps.length}].derive`;
    if (!this.#state.columns) {
      throw new PlanError('UNKNOWN_COLUMNS', path, 'derive() after a map() needs to know the map\'s output columns: pass them with .map(fn, { columns: { name: "string", ... } }).');
    }
    const columns = new Map(this.#state.columns);
    const parsed = Object.entries(definitions ?? {}).map(([name, text]) => {
      checkName(name, `${path}.${name}`, 'derived column name', "derive({ amount_usd: 'amount * 1.1' })");
      if (typeof text !== 'string') throw new PlanError('INVALID_EXPRESSION', `${path}.${name}`, `derive({ ${name}: ... }) takes an expression string, e.g. 'amount * 1.1'.`);
      // Each expression sees the columns as they were before this derive(): expressions are
      // evaluated side by side, as in one SELECT list.
      const expression = parseExpression(text, this.#state.columns!, `${path}.${name}`);
      return { name, expression };
    });
    if (parsed.length === 0) throw new PlanError('EMPTY_DERIVE', path, 'derive() needs at least one column: derive({ name: "expression" }).');
    for (const { name, expression } of parsed) columns.set(name, expression.type);
    return this.#next({ kind: 'derive', columns: parsed }, { columns });
  }

  map(fn: (row: any) => any, options: { columns?: Record<string, ScalarType> } = {}): PipelineBuilder {
    this.#expect(['validated'], 'map', 'map() goes between validate() and aggregate().');
    const path = `steps[${this.#state.steps.length}].map`;
    if (typeof fn !== 'function') throw new PlanError('INVALID_MAP', path, 'map() takes a function (row) => newRow.');
    rejectUnknownKeys(options, ['columns'], 'map(fn, options)', path);
    const declaredTypes = checkDeclaredColumns(options?.columns, path);
    const declared = declaredTypes ? new Map(Object.entries(declaredTypes)) : undefined;
    const source = fn.toString();
    return this.#next(
      { kind: 'map', source, ...(declared ? { columns: [...declared.keys()] } : {}) },
      {
        mapFunctions: [...this.#state.mapFunctions, fn],
        mapColumnTypes: [...this.#state.mapColumnTypes, declaredTypes ? Object.freeze({ ...declaredTypes }) : undefined],
        columns: declared ? new Map([...(this.#state.columns ?? []), ...declared]) : undefined,
      },
    );
  }

  aggregate(spec: WindowSpec<string>): PipelineBuilder {
    this.#expect(['validated'], 'aggregate', 'aggregate() follows validate() (and any derive()/map()), once.');
    const path = `steps[${this.#state.steps.length}].window`;
    if (!this.#state.columns) {
      throw new PlanError('UNKNOWN_COLUMNS', path, 'aggregate() after a map() needs the map\'s output columns: pass them with .map(fn, { columns: { name: "number", ... } }).');
    }
    const node = validateWindow(spec, this.#state.columns, path);
    return this.#next(node, { stage: 'aggregated' });
  }

  toFeatureStore(store: FeatureStore, options: { entity: string; group: string }): PipelineBuilder {
    this.#expect(['aggregated'], 'toFeatureStore', 'toFeatureStore() comes last, after aggregate(window(...)).');
    const path = `steps[${this.#state.steps.length}].featureStore`;
    if (!store || typeof store.root !== 'string') throw new PlanError('INVALID_STORE', path, 'toFeatureStore() takes a store made by featureStore("./.sluice/features").');
    rejectUnknownKeys(options, ['entity', 'group'], "toFeatureStore(store, { entity, group })", path);
    checkName(options?.entity, `${path}.entity`, 'entity name', "toFeatureStore(store, { entity: 'user', group: 'engagement' })");
    checkName(options?.group, `${path}.group`, 'feature group name', "toFeatureStore(store, { entity: 'user', group: 'engagement' })");
    return this.#next(
      { kind: 'featureStore', root: store.root, entity: options.entity, group: options.group, ...(store.endpoint ? { endpoint: store.endpoint } : {}), ...(store.region ? { region: store.region } : {}) },
      { stage: 'sunk' },
    );
  }

  async run(options: RunOptions = {}): Promise<RunResult> {
    return runDefinition(this.definition, options);
  }

  promote(options: PromoteOptions): Promise<PromoteSummary> {
    if (this.#state.stage !== 'sunk') {
      throw new PlanError('STEP_OUT_OF_ORDER', 'steps', 'promote() needs a complete pipeline: from() → validate() → aggregate() → toFeatureStore().');
    }
    return registeredPromoter().promote(this.definition, options);
  }

  toJSON(): PipelinePlan {
    return this.plan;
  }

  toString(): string {
    return `pipeline(${JSON.stringify(this.name)}) · ${this.plan.steps.map((s) => s.kind).join(' → ')} · plan ${this.hash}`;
  }
}

function describeStage(stage: BuilderState['stage']): string {
  return { start: 'pipeline()', sourced: 'from()', validated: 'validate()', aggregated: 'aggregate()', sunk: 'toFeatureStore()' }[stage];
}

/**
 * What `run()` does for any definition: checks the options, then runs it on the local engine.
 * For code that derives a definition of its own (the demo points a pipeline at its data folder).
 *
 * @example
 * ```ts
 * const result = await runDefinition(pipeline.definition, { sample: 1_000 });
 * ```
 */
export async function runDefinition(definition: PipelineDefinition, options: RunOptions = {}): Promise<RunResult> {
  checkRunOptions(options);
  return localEngine().run(definition, options);
}
