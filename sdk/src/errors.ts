/**
 * Error families. Every sluice error carries a stable `code` users can branch on and a
 * message that says what went wrong and what to do instead. Causes are passed as
 * `{ cause }` so the original stack is never lost.
 */
// Type-only: errors.ts stays free of runtime imports, so every module can import it.
import type { BaseRunResult } from './pipeline/run-types.js';

/** Base class of every error sluice throws on purpose. */
export class SluiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
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

/** An expression given to `derive()` or `.where()` is outside the supported SQL subset. */
export class ExpressionError extends PlanError {}

/** A source cannot be listed or read at all (missing folder, bad URI, access denied). */
export class SourceError extends SluiceError {}

/** A batch gate (maxInvalidRatio, unique, notNull, references, drift) failed. */
export class GateError extends SluiceError {
  /** The run result, with its quality report (`result.quality.gates`), so callers can inspect what failed. */
  readonly result: BaseRunResult;
  constructor(message: string, result: BaseRunResult, options?: { cause?: unknown }) {
    super('GATE_FAILED', message, options);
    this.result = result;
  }
}

/** The engine failed while executing a compiled plan (a bug or an environment problem). */
export class EngineError extends SluiceError {}

/** Reading or writing the feature store failed, or its layout is not what sluice wrote. */
export class StoreError extends SluiceError {}
