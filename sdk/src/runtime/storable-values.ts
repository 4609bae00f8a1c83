/**
 * Whether a transformed row's values fit the Parquet columns they are written to. The writer
 * converts what it can (a number into a text column, an ISO string into a timestamp), but a
 * value with no instant or number in it (an Invalid Date, 'yesterday' in a timestamp column,
 * 'many' in an integer one) would make it throw for the whole object — which would then fail on
 * every retry into the dead-letter queue. Such a row is quarantined instead, naming the column.
 */
import { NOT_STORABLE } from '../quality/quarantine.js';
import type { OutputColumn, RowIssue } from './row-transformer.js';

/** The largest magnitude of a Date's time value (ECMAScript TimeClip). */
const MAX_DATE_MS = 8.64e15;
const INT64_LIMIT = 2 ** 63;

/**
 * Compiles the check for a transformer's output columns (`undefined`: columns are decided from
 * the values, so only Dates are checked: an Invalid Date is still a Date and would be typed TIMESTAMP).
 *
 * @example
 * ```ts
 * const check = storableCheck([{ name: 'ts', type: 'timestamp' }]);
 * check({ ts: new Date(NaN) }) // { path: ['ts'], code: 'not_storable', message: 'Invalid Date cannot be stored in the timestamp column "ts": …' }
 * ```
 */
export function storableCheck(columns: readonly OutputColumn[] | undefined): (row: Readonly<Record<string, unknown>>) => RowIssue | undefined {
  if (!columns) {
    return (row) => {
      for (const [name, value] of Object.entries(row)) {
        if (value instanceof Date && Number.isNaN(value.getTime())) return issue(name, 'timestamp', value);
      }
      return undefined;
    };
  }
  const checked = columns.filter((c) => c.type === 'timestamp' || c.type === 'integer');
  if (checked.length === 0) return () => undefined;
  return (row) => {
    for (const { name, type } of checked) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      if (!(type === 'timestamp' ? fitsTimestamp(value) : fitsInteger(value))) return issue(name, type, value);
    }
    return undefined;
  };
}

/** What the writer turns into milliseconds: a Date, or a number or text `new Date()` reads. */
function fitsTimestamp(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (typeof value !== 'number' && typeof value !== 'string') return false;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS;
}

/** What the writer turns into an INT64: a bigint in range, or a number (or numeric text) it can truncate. */
function fitsInteger(value: unknown): boolean {
  if (typeof value === 'bigint') return value >= -(2n ** 63n) && value < 2n ** 63n;
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return false;
  const n = Number(value);
  return Number.isFinite(n) && Math.abs(Math.trunc(n)) < INT64_LIMIT;
}

function issue(name: string, type: string, value: unknown): RowIssue {
  const shown = value instanceof Date ? (Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()) : typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? JSON.stringify(value) ?? String(value) : String(value);
  const want = type === 'timestamp' ? 'a valid Date' : 'a whole number';
  return { path: [name], code: NOT_STORABLE, message: `${shown} cannot be stored in the ${type} column "${name}": return ${want} (or null) for it from the step that sets it.` };
}
