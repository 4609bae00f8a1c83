/**
 * Test helper: the same schema, made one SQL can decide no row of, so that every row takes the
 * zod-only path — the oracle the fast path is compared with. An object-level overwrite() may
 * return any row, so SQL cannot hold its output; this one returns the row unchanged, so the
 * schema accepts and outputs exactly what the original does.
 */
import type { z } from 'zod';

/**
 * @example
 * ```ts
 * const whole = await runValidationStage(c, { schema: zodOnly(Event), representation: 'json' });
 * whole.fastPath.sqlRows // 0
 * ```
 */
export function zodOnly<S extends z.ZodType>(schema: S): S {
  return (schema as unknown as { overwrite(fn: (row: unknown) => unknown): S }).overwrite((row) => row);
}
