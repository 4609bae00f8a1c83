/**
 * Which compiled values read their column as it is stored: those are computed for every row,
 * rejected ones included, without a guard (the validation scan's profile relies on it). A value
 * that converts (DOUBLE checked as an integer, INTEGER widened to BIGINT) may fail on a row SQL
 * rejects, so it must not be marked; nor a column some object lacks (the read fills it in).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileChecks } from '../../../sdk/src/quality/compile-checks.js';

const identityOf = (schema: z.ZodObject, columnTypes: Record<string, string>, absentFrom: Record<string, string[]> = {}) =>
  Object.fromEntries(compileChecks(schema, { kind: 'typed', columnTypes, absentFrom }).values.map((v) => [v.name, v.identity]));

describe('compiled values that are the column as stored', () => {
  it('a column whose stored type is the schema\'s SQL type is an identity read; any conversion is not', () => {
    const schema = z.object({ n: z.int(), x: z.number(), s: z.string(), t: z.date(), b: z.boolean(), wide: z.int(), floaty: z.int() });
    expect(identityOf(schema, { n: 'BIGINT', x: 'DOUBLE', s: 'VARCHAR', t: 'TIMESTAMP', b: 'BOOLEAN', wide: 'INTEGER', floaty: 'DOUBLE' }))
      .toEqual({ n: true, x: true, s: true, t: true, b: true, wide: false, floaty: false });
  });

  it('a column some object lacks, or a text column read as a number, is not', () => {
    const schema = z.object({ lacking: z.string(), text: z.coerce.number(), kept: z.string().nullable() });
    expect(identityOf(schema, { lacking: 'VARCHAR', text: 'VARCHAR', kept: 'VARCHAR' }, { lacking: ['b.parquet'] }))
      .toEqual({ lacking: false, text: false, kept: true });
  });
});
