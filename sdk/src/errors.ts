/**
 * Error families. Every sluice error carries a stable `code` users can branch on and a
 * message that says what went wrong and what to do instead. Causes are passed as
 * `{ cause }` so the original stack is never lost.
 */
// Type-only: errors.ts stays free of runtime imports, so every module can import it.
import type { BaseRunResult } from './pipeline/run-types.js';

/** Where a sluice error keeps its class names; `Symbol.for`, so every copy of sluice finds it. */
const FAMILY = Symbol.for('sluice.errorFamily');

/**
 * Base class of every error sluice throws on purpose. Branch on `code`, which is stable; the
 * message is for people.
 *
 * @example
 * ```ts
 * try {
 *   await engagement.run({ sample: 10_000 });
 * } catch (e) {
 *   if (!(e instanceof SluiceError)) throw e;  // a bug, not a mistake sluice recognised
 *   console.error(`${e.code}: ${e.message}`);
 * }
 * ```
 */
export class SluiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    // The names of its classes, from its own up to SluiceError: what `instanceof` reads when the
    // error comes from another copy of sluice.
    const family: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) family.push((c as { name: string }).name);
    Object.defineProperty(this, FAMILY, { value: Object.freeze(family) });
  }

  /**
   * `instanceof` holds for errors of another copy of sluice too. A globally installed CLI runs
   * a project's pipeline, which imports the project's own sluice: a failed gate from there is
   * still a `GateError` here (printed as a report, exit code 2), not an unknown error dumped
   * whole.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const family = typeof value === 'object' && value !== null ? (value as Record<symbol, unknown>)[FAMILY] : undefined;
    return Array.isArray(family) && family.includes(this.name);
  }
}

/**
 * The pipeline definition is wrong. Thrown while the plan is built or compiled, never deep
 * inside a backend. `path` locates the problem inside the plan, e.g.
 * `steps[2].window.features.clicks`.
 *
 * @example
 * ```ts
 * try { pipeline('p').from(file('x.jsonl')).validate(Event).aggregate(window({ ... })) }
 * catch (e) { if (e instanceof PlanError) console.log(e.code, e.path) }
 * ```
 */
export class PlanError extends SluiceError {
  readonly path: string;
  constructor(code: string, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${message}\n  → at ${path || '(plan)'}`, options);
    this.path = path;
  }
}

/**
 * An expression given to `derive()` or `.where()` is outside the supported SQL subset (or
 * names a column the row does not have). Thrown while the plan is built.
 *
 * @example
 * ```ts
 * try {
 *   validated.derive({ usd: 'amout * 1.1' });
 * } catch (e) {
 *   if (e instanceof ExpressionError) console.log(e.path); // steps[2].derive.usd — and the message suggests "amount"
 * }
 * ```
 */
export class ExpressionError extends PlanError {}

/**
 * A source cannot be listed or read at all (missing folder, bad URI, access denied). A bad
 * row or a bad object is not a `SourceError`: it is quarantined and reported.
 *
 * @example
 * ```ts
 * try {
 *   await pipeline('p').from(file('data/evnts/*.jsonl')).validate(Event).run();
 * } catch (e) {
 *   if (e instanceof SourceError) console.error(`Check the path: ${e.message}`);
 * }
 * ```
 */
export class SourceError extends SluiceError {}

/**
 * A batch gate (maxInvalidRatio, unique, notNull, references, drift) failed; nothing was
 * written to the feature store. `result` is the run result, so the report is still at hand.
 *
 * @example
 * ```ts
 * try {
 *   await engagement.run();
 * } catch (e) {
 *   if (!(e instanceof GateError)) throw e;
 *   console.log(e.result.quality.gates.filter((g) => !g.passed)); // which gate, and by how much
 *   console.log(qualityReportToText(e.result.quality));            // the whole report, as text
 * }
 * ```
 */
export class GateError extends SluiceError {
  /** The run result, with its quality report (`result.quality.gates`), so callers can inspect what failed. */
  readonly result: BaseRunResult;
  constructor(message: string, result: BaseRunResult, options?: { cause?: unknown }) {
    super('GATE_FAILED', message, options);
    this.result = result;
  }
}

/**
 * The engine failed while executing a compiled plan (a bug or an environment problem, e.g. a
 * `.map()` function that throws, or an Athena query that failed). `cause` holds the original.
 *
 * @example
 * ```ts
 * try {
 *   await ts.fetch({ engine: athena({ workgroup, database, outputLocation }) });
 * } catch (e) {
 *   if (e instanceof EngineError) console.error(e.code, e.message, e.cause);
 * }
 * ```
 */
export class EngineError extends SluiceError {}

/**
 * Reading or writing the feature store failed, or its layout is not what sluice wrote.
 *
 * @example
 * ```ts
 * try {
 *   await trainingSet(featureStore('s3://ml-features/features'), { labels, entity: 'user', features: ['engagement:*'], ttl: '30d' }).fetch();
 * } catch (e) {
 *   if (e instanceof StoreError && e.code === 'CATALOG_CORRUPT') console.error('Re-run the pipeline that writes this group.');
 * }
 * ```
 */
export class StoreError extends SluiceError {}
