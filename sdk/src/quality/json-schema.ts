import { z } from 'zod';

/**
 * The schema as JSON Schema, for the plan (serialisable, hashable, readable in plan.json).
 * Refinements and transforms JSON Schema cannot say are recorded as `{}` rather than failing.
 *
 * @example
 * ```ts
 * toJsonSchema(z.object({ id: z.string() })) // { type: 'object', properties: { id: { type: 'string' } }, ... }
 * ```
 */
export function toJsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' });
}
