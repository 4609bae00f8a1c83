/**
 * Every schema field becomes a column of valid_rows, the zones and the feature store. DuckDB
 * (like Parquet readers, Glue and Athena) matches column names without regard to case: fields
 * `A` and `a` would be one column (DuckDB renames the second `a_1`, so a window over `a` reads
 * `A`'s values), and an empty name — or no field at all — leaves nothing to store. All are plan
 * errors, thrown by validate().
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, PlanError } from '../../../sdk/src/index.js';

const sourced = () => pipeline('names').from(file('data/*.jsonl'));

describe('schema field names', () => {
  it('two fields that differ only in case are a PlanError naming both', () => {
    const error = (() => {
      try {
        sourced().validate(z.object({ user_id: z.string(), Amount: z.number(), amount: z.number() }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).code).toBe('COLUMN_NAMES_DIFFER_IN_CASE');
    expect((error as PlanError).message).toMatch(/"Amount" and "amount"/);
    expect((error as PlanError).path).toBe('steps[1].validate.schema.amount');
  });

  it('a schema without fields is a PlanError (the run failed later, on an empty SELECT list)', () => {
    expect(() => sourced().validate(z.object({}))).toThrow(/SCHEMA_NO_FIELDS|no fields/);
  });

  it('an empty field name is a PlanError', () => {
    expect(() => sourced().validate(z.object({ '': z.number() }))).toThrow(PlanError);
  });

  it('names that are distinct in any case, including non-ASCII ones, are fine', () => {
    expect(() => sourced().validate(z.object({ a: z.string(), b: z.string(), 'a b': z.string(), 'é': z.number(), 'x/y': z.number() }))).not.toThrow();
  });
});
