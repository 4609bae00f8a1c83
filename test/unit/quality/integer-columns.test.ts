/**
 * zod 4 spells an integer field z.int() (or z.int32(), z.uint32()…) as well as
 * z.number().int(): the same check, kept on the schema's own definition instead of in its
 * checks list. Every spelling is an integer column (BIGINT), not a DOUBLE.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSchema } from '../../../sdk/src/quality/describe-schema.js';

describe('integer columns', () => {
  it('every zod spelling of an integer is an integer column, like z.number().int()', () => {
    const reference = describeSchema(z.object({ n: z.number().int() })).columns[0]!;
    expect(reference.type).toBe('integer');
    const spellings = { int: z.int(), int32: z.int32(), uint32: z.uint32(), positive: z.int().positive(), nullable: z.int().nullable(), defaulted: z.int().default(0), coerced: z.coerce.number().int() };
    const columns = describeSchema(z.object(spellings)).columns;
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual(Object.fromEntries(Object.keys(spellings).map((k) => [k, 'integer'])));
  });

  it('non-integer number formats stay number columns', () => {
    const columns = describeSchema(z.object({ f32: z.float32(), f64: z.float64(), n: z.number() })).columns;
    expect(columns.map((c) => c.type)).toEqual(['number', 'number', 'number']);
  });
});
