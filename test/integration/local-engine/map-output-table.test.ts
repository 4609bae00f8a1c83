/**
 * The types of the table a `.map()` leaves: a column with no value to infer from (no row reached
 * the map, or every returned row has null there) takes the type `.map(fn, { columns })`
 * declared, so the steps the builder type-checked against that declaration bind in DuckDB.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../../../sdk/src/engines/local/embedded-duckdb.js';
import { applyMap, describeTable } from '../../../sdk/src/engines/local/transform-stage.js';

type Database = Awaited<ReturnType<typeof openRunDatabase>>;
let db: Database;
beforeEach(async () => {
  db = await openRunDatabase();
});
afterEach(async () => {
  await db.close();
});

/** A valid_rows table as validation leaves it: user columns, then the position columns. */
async function validRows(rows: number): Promise<void> {
  await db.connection.run('CREATE TABLE valid_rows (user_id VARCHAR, amount DOUBLE, _row_id BIGINT, _object VARCHAR, _line BIGINT)');
  for (let i = 1; i <= rows; i++) await db.connection.run(`INSERT INTO valid_rows VALUES ('u${i}', ${i}.5, ${i}, 'a.jsonl', ${i})`);
}

const declared = { domain: 'string', cents: 'integer', weight: 'number', is_org: 'boolean', seen_at: 'timestamp', amount: 'integer' } as const;

// What each declared type is stored as, written out rather than taken from the code under test.
const expectedTypes = { domain: 'VARCHAR', cents: 'BIGINT', weight: 'DOUBLE', is_org: 'BOOLEAN', seen_at: 'TIMESTAMP' };

describe('the table a map() leaves', () => {
  it('with no input row: the input columns and the declared ones, with the declared types', async () => {
    await validRows(0);
    const { failures, returned } = await applyMap(db.connection, 'valid_rows', (row) => ({ ...row, domain: 'x' }), 'steps[2].map', { declared });
    expect(failures).toEqual([]);
    expect(returned).toBe(0);
    const columns = Object.fromEntries((await describeTable(db.connection, 'valid_rows')).map((c) => [c.name, c.type]));
    // amount was DOUBLE before the map; the map declares it an integer, and the builder believes the declaration.
    expect(columns).toEqual({ user_id: 'VARCHAR', amount: 'BIGINT', _row_id: 'BIGINT', _object: 'VARCHAR', _line: 'BIGINT', ...expectedTypes });
  });

  it('when the function threw on every row: the same empty, typed table, and every row a failure', async () => {
    await validRows(3);
    const { failures, returned } = await applyMap(db.connection, 'valid_rows', () => {
      throw new Error('no domain');
    }, 'steps[2].map', { declared });
    expect(returned).toBe(0);
    expect(failures.map((f) => [f.line, f.issues[0]!.code, f.issues[0]!.message])).toEqual([
      [1, 'map_failed', 'steps[2].map: no domain'],
      [2, 'map_failed', 'steps[2].map: no domain'],
      [3, 'map_failed', 'steps[2].map: no domain'],
    ]);
    expect(Number((await db.connection.runAndReadAll('SELECT count(*) FROM valid_rows')).getRows()[0]![0])).toBe(0);
    const columns = Object.fromEntries((await describeTable(db.connection, 'valid_rows')).map((c) => [c.name, c.type]));
    expect(columns).toMatchObject(expectedTypes);
  });

  it('a declared column that every returned row leaves null has the declared type; values still decide where there are some', async () => {
    await validRows(2);
    const { returned } = await applyMap(db.connection, 'valid_rows', (row) => ({ ...row, cents: null, seen_at: null, weight: 2 }), 'steps[2].map', { declared: { cents: 'integer', seen_at: 'timestamp', weight: 'number' } });
    expect(returned).toBe(2);
    const columns = Object.fromEntries((await describeTable(db.connection, 'valid_rows')).map((c) => [c.name, c.type]));
    expect(columns).toMatchObject({ user_id: 'VARCHAR', amount: 'DOUBLE', cents: 'BIGINT', seen_at: 'TIMESTAMP', weight: 'DOUBLE' });
    // The arithmetic and time functions a later derive or window runs bind on these columns.
    const rows = (await db.connection.runAndReadAll('SELECT cents * weight AS w, epoch_ms(seen_at) AS t FROM valid_rows ORDER BY _row_id')).getRowObjectsJS();
    expect(rows).toEqual([{ w: null, t: null }, { w: null, t: null }]);
  });
});
