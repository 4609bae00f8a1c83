import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modelSchema } from '../../../sdk/src/quality/zod-field-model.js';

/** The oracle for missing keys and nulls is zod itself, run on a one-field object. */
function zodOutcome(field: z.ZodType, input: object): { kind: 'value'; value: unknown } | { kind: 'zod' } {
  const r = z.object({ f: field }).safeParse(input);
  if (!r.success) return { kind: 'zod' };
  const v = (r.data as { f?: unknown }).f;
  return { kind: 'value', value: v === undefined ? null : v };
}

describe('modelSchema', () => {
  const fields: [string, z.ZodType][] = [
    ['string', z.string()],
    ['optional', z.string().optional()],
    ['nullable', z.string().nullable()],
    ['nullish', z.string().nullish()],
    ['default', z.number().default(5)],
    ['nullable default', z.number().nullable().default(5)],
    ['default nullable', z.number().default(5).nullable()],
    ['optional default', z.number().default(3).optional()],
    ['coerce date', z.coerce.date()],
    ['date nullable', z.date().nullable()],
    ['enum optional', z.enum(['a', 'b']).optional()],
    ['literal', z.literal('x')],
  ];
  for (const [name, field] of fields) {
    it(`${name}: missing key and null as zod decides them`, () => {
      const model = modelSchema(z.object({ f: field })).fields[0]!;
      const absent = zodOutcome(field, {});
      const nul = zodOutcome(field, { f: null });
      // The model may answer "ask zod" where it cannot be sure; where it answers, it must agree.
      if (model.absent.kind === 'value') expect(model.absent).toEqual(absent);
      if (model.null.kind === 'value') expect(model.null).toEqual(nul);
    });
  }

  it('answers for the common wrappers instead of deferring', () => {
    const model = modelSchema(z.object({ a: z.string().optional(), b: z.number().nullable(), c: z.number().default(5), d: z.string() }));
    expect(model.fields.map((f) => [f.absent, f.null])).toEqual([
      [{ kind: 'value', value: null }, { kind: 'zod' }],
      [{ kind: 'zod' }, { kind: 'value', value: null }],
      [{ kind: 'value', value: 5 }, { kind: 'zod' }],
      [{ kind: 'zod' }, { kind: 'zod' }],
    ]);
  });

  it('records what it cannot compile', () => {
    const model = modelSchema(z.object({ a: z.string().refine((s) => s !== 'x'), b: z.string().normalize(), c: z.url(), d: z.number().multipleOf(3) }).strict());
    expect(model.unknownKeys).toBe('strict');
    expect(model.fields.map((f) => f.notCompiled.length > 0)).toEqual([true, true, true, true]);
  });

  it("keeps the object's own refinements apart: zod runs them on the rows SQL accepts, unless they may rewrite the row", () => {
    const refined = modelSchema(z.object({ a: z.string() }).refine(() => true).superRefine(() => {}));
    expect(refined.schemaReasons).toEqual([]);
    expect(refined.objectChecks).toHaveLength(2);
    // overwrite() may return another row: SQL's columns would not hold it.
    const rewritten = modelSchema(z.object({ a: z.string() }).overwrite((r) => r));
    expect(rewritten.objectChecks).toEqual([]);
    expect(rewritten.schemaReasons[0]).toMatch(/overwrite/);
    // A passthrough object's refinement sees the unknown keys: zod gets the whole row (validation-stage.ts).
    const loose = modelSchema(z.looseObject({ a: z.string() }).refine(() => true));
    expect(loose.objectChecks).toHaveLength(1);
    expect(loose.schemaReasons).toEqual([]);
    // A nested object's refinement makes its field zod's, said once.
    const nested = modelSchema(z.object({ a: z.string(), geo: z.object({ lat: z.number() }).refine((g) => g.lat < 90) }));
    expect(nested.objectChecks).toEqual([]);
    expect(nested.fields[1]!.notCompiled).toEqual(['a refine()/superRefine() check']);
  });

  it("compiles zod's ISO date-time and time formats as the regex they are", () => {
    const model = modelSchema(z.object({ a: z.iso.datetime({ offset: true }), b: z.iso.time() }));
    for (const field of model.fields) {
      expect(field.notCompiled).toEqual([]);
      expect(field.checks).toEqual([expect.objectContaining({ kind: 'pattern' })]);
    }
  });
});
