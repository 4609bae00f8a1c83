/**
 * The timestamp functions of derive() and .where() (plan/time-functions.ts): calendar facts
 * written out by hand (2024-01-07 was a Sunday; 1969-12-31 a Wednesday; 2021-01-03 belongs to
 * the ISO week that began on Monday 2020-12-28) checked on DuckDB, running the printed SQL,
 * and on the Lambda's JS evaluator; then the two against each other over random instants.
 * Spark's and Trino's spellings are in the golden files of expression-dialects.test.ts.
 */
import { DuckDBInstance, type DuckDBConnection, DuckDBTimestampValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import type { SqlExpr } from '../../../sdk/src/sql/sql-node.js';
import { compileExpression } from '../../../sdk/src/runtime/evaluate-expression.js';

const COLUMNS = new Map<string, ScalarType>([['ts', 'timestamp']]);

interface Facts {
  readonly year: number; readonly month: number; readonly day: number; readonly hour: number; readonly minute: number; readonly second: number;
  readonly day_of_week: number; readonly day_of_year: number; readonly epoch_ms: number;
  /** date_trunc by unit, as ISO text. */
  readonly trunc: Readonly<Record<string, string>>;
}

const FACTS: Readonly<Record<string, Facts>> = {
  // A Sunday: ISO day 7, in the ISO week that began on Monday 2024-01-01.
  '2024-01-07T15:30:45.123Z': {
    year: 2024, month: 1, day: 7, hour: 15, minute: 30, second: 45, day_of_week: 7, day_of_year: 7, epoch_ms: 1_704_641_445_123,
    trunc: { second: '2024-01-07T15:30:45.000Z', minute: '2024-01-07T15:30:00.000Z', hour: '2024-01-07T15:00:00.000Z', day: '2024-01-07T00:00:00.000Z', week: '2024-01-01T00:00:00.000Z', month: '2024-01-01T00:00:00.000Z', quarter: '2024-01-01T00:00:00.000Z', year: '2024-01-01T00:00:00.000Z' },
  },
  // One millisecond before the epoch, a Wednesday: truncation floors (23:59:59.000, not 00:00:00).
  '1969-12-31T23:59:59.999Z': {
    year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, day_of_week: 3, day_of_year: 365, epoch_ms: -1,
    trunc: { second: '1969-12-31T23:59:59.000Z', minute: '1969-12-31T23:59:00.000Z', hour: '1969-12-31T23:00:00.000Z', day: '1969-12-31T00:00:00.000Z', week: '1969-12-29T00:00:00.000Z', month: '1969-12-01T00:00:00.000Z', quarter: '1969-10-01T00:00:00.000Z', year: '1969-01-01T00:00:00.000Z' },
  },
  // Leap day, a Thursday, day 60.
  '2024-02-29T08:05:09.000Z': {
    year: 2024, month: 2, day: 29, hour: 8, minute: 5, second: 9, day_of_week: 4, day_of_year: 60, epoch_ms: 1_709_193_909_000,
    trunc: { second: '2024-02-29T08:05:09.000Z', minute: '2024-02-29T08:05:00.000Z', hour: '2024-02-29T08:00:00.000Z', day: '2024-02-29T00:00:00.000Z', week: '2024-02-26T00:00:00.000Z', month: '2024-02-01T00:00:00.000Z', quarter: '2024-01-01T00:00:00.000Z', year: '2024-01-01T00:00:00.000Z' },
  },
  // Day 366 of a leap year; its week began in the same year, the next one's does not.
  '2020-12-31T23:00:00.000Z': {
    year: 2020, month: 12, day: 31, hour: 23, minute: 0, second: 0, day_of_week: 4, day_of_year: 366, epoch_ms: 1_609_455_600_000,
    trunc: { second: '2020-12-31T23:00:00.000Z', minute: '2020-12-31T23:00:00.000Z', hour: '2020-12-31T23:00:00.000Z', day: '2020-12-31T00:00:00.000Z', week: '2020-12-28T00:00:00.000Z', month: '2020-12-01T00:00:00.000Z', quarter: '2020-10-01T00:00:00.000Z', year: '2020-01-01T00:00:00.000Z' },
  },
  // A Sunday whose ISO week began the year before.
  '2021-01-03T12:00:00.000Z': {
    year: 2021, month: 1, day: 3, hour: 12, minute: 0, second: 0, day_of_week: 7, day_of_year: 3, epoch_ms: 1_609_675_200_000,
    trunc: { second: '2021-01-03T12:00:00.000Z', minute: '2021-01-03T12:00:00.000Z', hour: '2021-01-03T12:00:00.000Z', day: '2021-01-03T00:00:00.000Z', week: '2020-12-28T00:00:00.000Z', month: '2021-01-01T00:00:00.000Z', quarter: '2021-01-01T00:00:00.000Z', year: '2021-01-01T00:00:00.000Z' },
  },
};
const INSTANTS = Object.keys(FACTS);
const PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'day_of_week', 'day_of_year', 'epoch_ms'] as const;
const UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** What DuckDB computes for `text` at each instant (ISO text; null for NULL), as numbers or ISO text. */
async function onDuckDb(text: string, instants: readonly (string | null)[]): Promise<unknown[]> {
  const sql = printExpr(parseExpression(text, COLUMNS, 'test').node as SqlExpr, 'duckdb');
  const rows = instants.map((iso, i) => `(${i}, ${iso === null ? 'NULL' : `TIMESTAMP '${iso.slice(0, 23).replace('T', ' ')}'`})`).join(', ');
  const reader = await connection.runAndReadAll(`SELECT (${sql}) AS v FROM (VALUES ${rows}) AS r(i, ts) ORDER BY i`);
  return reader.getRowObjects().map(({ v }) => {
    if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n)).toISOString();
    return typeof v === 'bigint' ? Number(v) : v;
  });
}

/** What the Lambda's evaluator computes for `text` at each instant. */
function onLambda(text: string, instants: readonly (string | null)[]): unknown[] {
  const f = compileExpression(parseExpression(text, COLUMNS, 'test').node, { ts: 'timestamp' });
  return instants.map((iso) => {
    const v = f({ ts: iso === null ? null : new Date(iso) });
    return v instanceof Date ? v.toISOString() : v;
  });
}

describe('timestamp parts and date_trunc, against calendar facts', () => {
  it.each(PARTS)('%s(ts) on DuckDB and in the Lambda', async (part) => {
    const expected = [...INSTANTS.map((iso) => FACTS[iso]![part]), null];
    const instants = [...INSTANTS, null];
    expect(await onDuckDb(`${part}(ts)`, instants)).toEqual(expected);
    expect(onLambda(`${part}(ts)`, instants)).toEqual(expected);
  });

  it.each(UNITS)("date_trunc('%s', ts) on DuckDB and in the Lambda", async (unit) => {
    const expected = [...INSTANTS.map((iso) => FACTS[iso]!.trunc[unit]), null];
    const instants = [...INSTANTS, null];
    expect(await onDuckDb(`date_trunc('${unit}', ts)`, instants)).toEqual(expected);
    expect(onLambda(`date_trunc('${unit}', ts)`, instants)).toEqual(expected);
  });

  it('composes: weekend flags, time since the start of the day, same-week comparisons', async () => {
    const cases: [string, unknown[]][] = [
      ['day_of_week(ts) >= 6', [true, false, false, false, true]],
      ['epoch_ms(ts) - epoch_ms(date_trunc(\'day\', ts))', [55_845_123, 86_399_999, 29_109_000, 82_800_000, 43_200_000]],
      ["date_trunc('week', ts) = date_trunc('week', date_trunc('day', ts))", [true, true, true, true, true]],
      ['hour(ts) BETWEEN 9 AND 17', [true, false, false, false, true]],
      ["CASE WHEN hour(ts) < 12 THEN 'am' ELSE 'pm' END", ['pm', 'pm', 'am', 'pm', 'pm']],
    ];
    for (const [text, expected] of cases) {
      expect(await onDuckDb(text, INSTANTS), text).toEqual(expected);
      expect(onLambda(text, INSTANTS), text).toEqual(expected);
    }
  });

  it('plans the unit in lower case, whatever case it was written in', () => {
    const parsed = parseExpression("DATE_TRUNC('Week', ts)", COLUMNS, 'test');
    expect(parsed.type).toBe('timestamp');
    expect(parsed.node).toEqual({ kind: 'call', fn: 'date_trunc', args: [{ kind: 'literal', value: 'week' }, { kind: 'column', name: 'ts' }] });
    expect(parseExpression('hour(ts) + 1', COLUMNS, 'test').type).toBe('integer');
  });
});

describe('the Lambda agrees with DuckDB at random instants (years 1900–2100)', () => {
  it('for every part and unit', async () => {
    const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString());
    await fc.assert(
      fc.asyncProperty(fc.array(instant, { minLength: 1, maxLength: 40 }), async (instants) => {
        for (const text of [...PARTS.map((p) => `${p}(ts)`), ...UNITS.map((u) => `date_trunc('${u}', ts)`)]) {
          expect(onLambda(text, instants), text).toEqual(await onDuckDb(text, instants));
        }
      }),
      { numRuns: 25 },
    );
  });
});
