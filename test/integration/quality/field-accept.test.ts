/**
 * A field's condition written as AND/OR (field-accept.ts) gives what the CASE it replaces gives —
 * TRUE, FALSE or NULL — for every kind of site, every wrapper outcome and every present-value
 * result, evaluated by DuckDB itself over rows holding each kind of value. And the compiled
 * schema uses it: no field's condition is a CASE, whose branches DuckDB evaluates in full.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptWhere, type FieldSite } from '../../../sdk/src/quality/field-accept.js';
import { compileChecks } from '../../../sdk/src/quality/compile-checks.js';
import { caseWhen, col, eq, isNull, lit } from '../../../sdk/src/sql/sql-builders.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';
import { withConnection } from './raw-rows.js';

/** Rows of every shape a site can meet: object a or b, the value absent (NULL), JSON null, text, a number. */
const ROWS = `(VALUES ('a', NULL), ('a', 'null'), ('a', '"x"'), ('a', '1'), ('b', NULL), ('b', '"x"')) AS t(_object, v)`;

const SITES: Record<string, FieldSite> = {
  'a JSON fragment': { missing: isNull(col('v')), isNull: eq(col('v'), lit('null')), fragment: col('v') },
  'a typed column every object has': { missing: lit(false), isNull: isNull(col('v')), column: col('v'), columnType: 'VARCHAR' },
  'a typed column object b lacks': { missing: { kind: 'in', operand: col('_object'), list: [lit('b')], negated: false }, isNull: isNull(col('v')), column: col('v'), columnType: 'VARCHAR' },
  'a column no object has': { missing: lit(true), isNull: lit(false) },
};

const PRESENT: Record<string, SqlExpr> = {
  true: lit(true),
  false: lit(false),
  null: lit(null),
  'depends on the value': eq(col('v'), lit('"x"')),
  'NULL for some values': { kind: 'cast', operand: caseWhen([{ when: eq(col('v'), lit('1')), then: lit(null) }], lit('true')), to: 'boolean' },
};

describe('a field condition as AND/OR', () => {
  it('is the CASE it replaces, NULL included, for every site, wrapper outcome and present value', async () => {
    await withConnection(async (c) => {
      let compared = 0;
      for (const [siteName, site] of Object.entries(SITES)) {
        for (const absentOk of [false, true]) {
          for (const nullOk of [false, true]) {
            for (const [presentName, present] of Object.entries(PRESENT)) {
              const asCase = caseWhen([{ when: site.missing, then: lit(absentOk) }, { when: site.isNull, then: lit(nullOk) }], present);
              const asLogic = acceptWhere(site, absentOk, nullOk, present);
              const sql = `SELECT _object, v, ${printExpr(asCase, 'duckdb')} AS by_case, ${printExpr(asLogic, 'duckdb')} AS by_logic FROM ${ROWS}`;
              const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
              const label = `${siteName}, absent ${absentOk ? 'ok' : 'refused'}, null ${nullOk ? 'ok' : 'refused'}, present ${presentName}`;
              expect(rows.map((r) => [r._object, r.v, r.by_logic]), label).toEqual(rows.map((r) => [r._object, r.v, r.by_case]));
              compared += rows.length;
            }
          }
        }
      }
      expect(compared).toBe(4 * 2 * 2 * 5 * 6);
    });
  });

  it('is what the compiled checks use for every field, top-level and nested, JSON and typed', () => {
    const Event = z.object({
      id: z.string().uuid(),
      ts: z.coerce.date(),
      amount: z.number().nonnegative().nullable(),
      user: z.object({ id: z.string(), age: z.number().int().optional() }),
    });
    const json = compileChecks(Event, { kind: 'json' }, { canonicalJson: true });
    const Flat = z.object({ id: z.string().min(1), ts: z.date(), amount: z.number().nullable().optional() });
    const typed = compileChecks(Flat, { kind: 'typed', columnTypes: { id: 'VARCHAR', ts: 'TIMESTAMP', amount: 'DOUBLE' } });
    for (const checks of [json, typed]) {
      expect(checks.vectorised).toBe(true);
      for (const field of checks.parts.fields) expect(field.accept.kind, field.name).not.toBe('case');
    }
    // Nested fields too: the object's condition holds its fields' conditions, none a CASE.
    const user = json.parts.fields.find((f) => f.name === 'user')!;
    expect(printExpr(user.accept, 'duckdb')).not.toMatch(/^\(?CASE WHEN/);
  });
});
