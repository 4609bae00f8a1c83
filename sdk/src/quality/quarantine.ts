/**
 * Quarantined rows: plain data, the same in every backend. A row is quarantined with its
 * source (object key and line or row number), its raw content and the zod issues.
 */

export interface RowIssue {
  /** The path inside the row, as zod reports it (`['amount']`); empty for the row itself. */
  readonly path: readonly (string | number)[];
  /** zod's issue code (`invalid_type`, `too_small`…) or `malformed_record` for unreadable input. */
  readonly code: string;
  readonly message: string;
}

export interface QuarantinedRow {
  readonly object: string;
  readonly line: number;
  readonly raw: string;
  readonly issues: readonly RowIssue[];
}

export interface RowCounts {
  readonly in: number;
  readonly valid: number;
  readonly quarantined: number;
}

/** The code given to records that could not be decoded at all (bad JSON, ragged CSV…). */
export const MALFORMED_RECORD = 'malformed_record';

/** The code given to a row zod accepted with a value its column cannot hold (a bigint beyond 64 bits). */
export const NOT_STORABLE = 'not_storable';

/**
 * Converts zod issues into plain row issues.
 *
 * @example
 * ```ts
 * const r = Event.safeParse(row);
 * if (!r.success) rowIssues(r.error.issues) // [{ path: ['amount'], code: 'too_small', message: '…' }]
 * ```
 */
export function rowIssues(issues: readonly { path: readonly PropertyKey[]; code: string; message: string }[]): RowIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * The rule an issue belongs to in reports.
 *
 * @example
 * ```ts
 * ruleName({ path: ['amount'], code: 'too_small', message: '…' }) // 'amount: too_small'
 * ruleName({ path: [], code: 'unrecognized_keys', message: '…' }) // '(row): unrecognized_keys'
 * ```
 */
export function ruleName(issue: RowIssue): string {
  return `${issue.path.length ? issue.path.join('.') : '(row)'}: ${issue.code}`;
}
