/**
 * Each gate passes and fails where it should, on data built so that the answer is known.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PlanError } from '../../../sdk/src/errors.js';
import { evaluateGates, gateFailureMessage } from '../../../sdk/src/quality/gates/evaluate-gates.js';
import type { GateContext } from '../../../sdk/src/quality/gates/gate-result.js';
import { describeSchema } from '../../../sdk/src/quality/describe-schema.js';
import { runValidationStage } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, withConnection } from './raw-rows.js';

const Row = z.object({ id: z.string(), user: z.string().nullable(), country: z.string().nullable(), score: z.number().nullable() });
const columns = describeSchema(Row).columns;

async function context(c: DuckDBConnection, rows: { id: string; user: string | null; country: string | null; score: number | null }[], counts = { in: rows.length, valid: rows.length, quarantined: 0 }): Promise<GateContext> {
  await c.run('CREATE OR REPLACE TABLE valid_rows (id VARCHAR, "user" VARCHAR, country VARCHAR, score DOUBLE, _row_id BIGINT, _object VARCHAR, _line BIGINT)');
  const appender = await c.createAppender('valid_rows');
  rows.forEach((r, i) => {
    appender.appendVarchar(r.id);
    if (r.user === null) appender.appendNull(); else appender.appendVarchar(r.user);
    if (r.country === null) appender.appendNull(); else appender.appendVarchar(r.country);
    if (r.score === null) appender.appendNull(); else appender.appendDouble(r.score);
    appender.appendBigInt(BigInt(i + 1));
    appender.appendVarchar('obj.jsonl');
    appender.appendBigInt(BigInt(i + 1));
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
  return { run: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[], validTable: 'valid_rows', counts, columns };
}

const rows = [
  { id: 'a', user: 'u1', country: 'DE', score: 1 },
  { id: 'b', user: 'u1', country: 'FR', score: 2 },
  { id: 'a', user: 'u2', country: 'DE', score: null },
  { id: 'c', user: null, country: 'XX', score: 3 },
  { id: 'a', user: 'u3', country: null, score: 4 },
  { id: 'd', user: 'u2', country: 'YY', score: 5 },
  { id: 'e', user: 'u4', country: 'XX', score: 6 },
];

describe('gates', () => {
  it('maxInvalidRatio passes at the limit and fails above it', async () => {
    await withConnection(async (c) => {
      const ctx = await context(c, rows, { in: 200, valid: 198, quarantined: 2 });
      expect((await evaluateGates({ maxInvalidRatio: 0.01 }, ctx))[0]).toMatchObject({ gate: 'maxInvalidRatio', passed: true, count: 2 });
      expect((await evaluateGates({ maxInvalidRatio: 0.009 }, ctx))[0]).toMatchObject({ passed: false, count: 2 });
      const empty = await context(c, [], { in: 0, valid: 0, quarantined: 0 });
      expect((await evaluateGates({ maxInvalidRatio: 0 }, empty))[0]!.passed).toBe(true);
      await expect(evaluateGates({ maxInvalidRatio: 5 }, ctx)).rejects.toThrow(PlanError);
    });
  });

  it('unique counts the rows beyond the first of each repeated value and ignores nulls', async () => {
    await withConnection(async (c) => {
      const ctx = await context(c, rows);
      const [byId] = await evaluateGates({ unique: ['id'] }, ctx);
      // 'a' appears three times: two rows too many; nothing else repeats.
      expect(byId).toMatchObject({ gate: 'unique(id)', passed: false, count: 2 });
      expect(byId!.examples).toEqual([{ values: { id: 'a' }, rows: 3 }]);
      const [byUser] = await evaluateGates({ unique: ['user'] }, ctx);
      expect(byUser).toMatchObject({ passed: false, count: 2 }); // u1 ×2, u2 ×2; the null is not compared
      const [pair] = await evaluateGates({ unique: [['id', 'user']] }, ctx);
      expect(pair).toMatchObject({ gate: 'unique(id, user)', passed: true, count: 0 });
      const [unique] = await evaluateGates({ unique: ['score'] }, ctx);
      expect(unique!.passed).toBe(true);
    });
  });

  it('notNull fails with the null rows as examples', async () => {
    await withConnection(async (c) => {
      const ctx = await context(c, rows);
      const [country, id] = await evaluateGates({ notNull: ['country', 'id'] }, ctx);
      expect(country).toMatchObject({ gate: 'notNull(country)', passed: false, count: 1, examples: [{ object: 'obj.jsonl', line: 5 }] });
      expect(id).toMatchObject({ gate: 'notNull(id)', passed: true, count: 0 });
    });
  });

  it('references fails on values outside the list, counting rows', async () => {
    await withConnection(async (c) => {
      const ctx = await context(c, rows);
      const [bad] = await evaluateGates({ references: [{ column: 'country', values: ['DE', 'FR'] }] }, ctx);
      expect(bad).toMatchObject({ gate: 'references(country)', passed: false, count: 3 });
      expect(bad!.examples).toEqual([{ value: 'XX', rows: 2 }, { value: 'YY', rows: 1 }]);
      const [good] = await evaluateGates({ references: [{ column: 'country', values: ['DE', 'FR', 'XX', 'YY'] }] }, ctx);
      expect(good!.passed).toBe(true);
      const [numeric] = await evaluateGates({ references: [{ column: 'score', values: [1, 2, 3, 4, 5] }] }, ctx);
      expect(numeric).toMatchObject({ passed: false, count: 1, examples: [{ value: 6, rows: 1 }] });
      // A long list (joined as a table of values, not written as NOT IN): the same verdicts.
      const many = (extra: string[]) => [...extra, ...Array.from({ length: 5_000 }, (_, i) => `C${i}`)];
      const [longBad] = await evaluateGates({ references: [{ column: 'country', values: many(['DE', 'FR']) }] }, ctx);
      expect(longBad).toMatchObject({ gate: 'references(country)', passed: false, count: 3, examples: [{ value: 'XX', rows: 2 }, { value: 'YY', rows: 1 }] });
      const [longGood] = await evaluateGates({ references: [{ column: 'country', values: many(['DE', 'FR', 'XX', 'YY']) }] }, ctx);
      expect(longGood!.passed).toBe(true);
      const [longNumeric] = await evaluateGates({ references: [{ column: 'score', values: [1, 2, 3, 4, 5, ...Array.from({ length: 2_000 }, (_, i) => 100 + i)] }] }, ctx);
      expect(longNumeric).toMatchObject({ passed: false, count: 1, examples: [{ value: 6, rows: 1 }] });
    });
  });

  it('unique and references report integer (BIGINT) columns as plain JSON values, exactly', async () => {
    await withConnection(async (c) => {
      // DuckDB returns BIGINT as bigint, which JSON.stringify refuses; beyond 2^53 a number would round.
      const IntRow = z.object({ account: z.number().int(), code: z.number().int().nullable() });
      await c.run('CREATE TABLE valid_rows (account BIGINT, code BIGINT, _row_id BIGINT, _object VARCHAR, _line BIGINT)');
      await c.run(`INSERT INTO valid_rows VALUES (7, 1, 1, 'o', 1), (7, 2, 2, 'o', 2), (9007199254740993, 40, 3, 'o', 3), (9007199254740993, NULL, 4, 'o', 4), (8, 40, 5, 'o', 5)`);
      const ctx: GateContext = {
        run: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
        validTable: 'valid_rows', counts: { in: 5, valid: 5, quarantined: 0 }, columns: describeSchema(IntRow).columns,
      };
      const [unique, references] = await evaluateGates({ unique: ['account'], references: [{ column: 'code', values: [1, 2] }] }, ctx);
      expect(unique).toMatchObject({ gate: 'unique(account)', passed: false, count: 2 });
      expect(unique!.examples).toEqual([{ values: { account: 7 }, rows: 2 }, { values: { account: '9007199254740993' }, rows: 2 }]);
      expect(unique!.detail).toBe('2 duplicate rows across 2 repeated values of account (e.g. 7 ×2, "9007199254740993" ×2)');
      expect(references).toMatchObject({ gate: 'references(code)', passed: false, count: 2, examples: [{ value: 40, rows: 2 }] });
      expect(references!.detail).toBe('2 rows have a value of code outside the referenced values (e.g. 40 ×2)');
      expect(() => JSON.stringify([unique, references])).not.toThrow();
    });
  });

  it('a gate on a column the schema does not have is a PlanError naming the columns', async () => {
    await withConnection(async (c) => {
      const ctx = await context(c, rows);
      await expect(evaluateGates({ unique: ['event_id'] }, ctx)).rejects.toThrow(/"event_id".*Columns: id, user, country, score/s);
    });
  });

  it('the validation stage evaluates gates over valid rows and reports them', async () => {
    await withConnection(async (c) => {
      const lines = ['{"id":"a","user":"u1","country":"DE","score":1}', '{"id":"a","user":"u2","country":"DE","score":2}', '{"id":"b","user":null,"country":"FR","score":"x"}'];
      await createJsonRawRows(c, lines.map((raw, i) => ({ object: 'o.jsonl', line: i + 1, raw })));
      const result = await runValidationStage(c, { schema: Row, representation: 'json', gates: { maxInvalidRatio: 0.5, unique: ['id'], notNull: ['user'] } });
      expect(result.counts).toEqual({ in: 3, valid: 2, quarantined: 1 });
      expect(result.gates.map((g) => [g.gate, g.passed])).toEqual([['maxInvalidRatio', true], ['unique(id)', false], ['notNull(user)', true]]);
      expect(gateFailureMessage(result.gates)).toMatch(/1 quality gate failed:\n {2}✖ unique\(id\): 1 duplicate rows/);
    });
  });
});
