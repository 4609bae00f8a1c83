/**
 * zod's part in the rows SQL accepted: the fields it checks there (deferred), the row's own
 * refinements, and — of a discriminated union — the kinds whose rows it parses.
 */
import { printerFor, printExpr } from '../../../sql/dialects.js';
import { POSITION_COLUMNS } from '../../../quality/compile-checks.js';
import type { CompiledChecks, Representation } from '../../../quality/compile-checks.js';
import type { ColumnDescription } from '../../../quality/describe-schema.js';
import type { TypedDeferredField } from './deferred-fields.js';

/**
 * Typed rows: the raw table's columns that are the data's own (zod's whole-row input).
 *
 * @example
 * ```ts
 * typedDataColumns({ kind: 'typed', columnTypes: { _row_id: 'BIGINT', ts: 'TIMESTAMP' } }) // ['ts']
 * ```
 */
export function typedDataColumns(representation: Representation): string[] {
  return representation.kind === 'typed' ? Object.keys(representation.columnTypes).filter((c) => !POSITION_COLUMNS.has(c)) : [];
}

/**
 * Whether zod has a part in the rows SQL accepts: fields SQL cannot check, or the row's refinements.
 *
 * @example
 * ```ts
 * zodsPart(checks) // true: zod reads the deferred fields of the rows SQL accepted
 * ```
 */
export function zodsPart(checks: CompiledChecks): boolean {
  return checks.deferred.length > 0 || checks.objectChecks.length > 0;
}

/**
 * What zod checks in the rows SQL accepts, for the progress line: the deferred fields, and the row's refinements.
 *
 * @example
 * ```ts
 * zodsFields(checks) // ['email', "the row's refinements"]
 * ```
 */
export function zodsFields(checks: CompiledChecks): readonly string[] {
  return checks.objectChecks.length > 0 ? [...checks.deferred, "the row's refinements"] : checks.deferred;
}

/**
 * A union's rows SQL accepted, split by CompiledChecks.zodKinds: `parsed`, a condition true in
 * the rows of the kinds zod parses (over the valid table `v` for JSON, over the raw rows for
 * typed ones), and `unparsed`, the query giving the other rows' values of some columns as SQL
 * stored them, with `_row_id`.
 *
 * @example
 * ```ts
 * const { parsed, unparsed } = kindRows(checks, false, 'valid_rows', 'raw_rows');
 * ```
 */
export function kindRows(checks: CompiledChecks, typed: boolean, validTable: string, rawTable: string): { parsed: string; unparsed: (columns: readonly ColumnDescription[]) => string } {
  const kinds = checks.zodKinds!;
  const p = printerFor('duckdb');
  const valueOf = (name: string): string => {
    if (!typed) return `v.${p.quoteIdentifier(name)}`;
    return printExpr(checks.values.find((v) => v.name === name)!.expr, 'duckdb');
  };
  const disc = valueOf(kinds.column);
  const parsed = `(coalesce(${disc} IN (${kinds.values.map((v) => (typeof v === 'string' ? p.stringLiteral(v) : String(v))).join(', ')}), false)${kinds.nulls ? ` OR ${disc} IS NULL` : ''})`;
  const unparsed = (columns: readonly ColumnDescription[]): string => {
    const items = [...columns.map((c) => `${valueOf(c.name)} AS ${p.quoteIdentifier(c.name)}`), typed ? '_row_id' : 'v._row_id'].join(', ');
    return typed
      ? `SELECT ${items} FROM ${p.quoteIdentifier(rawTable)} WHERE (${printExpr(checks.accept, 'duckdb')}) AND NOT ${parsed}`
      : `SELECT ${items} FROM ${p.quoteIdentifier(validTable)} AS v WHERE NOT ${parsed}`;
  };
  return { parsed, unparsed };
}

/**
 * Where a deferred field of typed rows is: its column, the objects without it, and the key zod sees it under.
 *
 * @example
 * ```ts
 * typedDeferredField('email', representation, { email: 'E-mail' }) // { name: 'email', key: 'E-mail', column: 'email', absentIn: [] }
 * ```
 */
export function typedDeferredField(name: string, representation: Representation, originalNames: Readonly<Record<string, string>> | undefined): TypedDeferredField {
  const present = representation.kind === 'typed' && representation.columnTypes[name] !== undefined;
  const absentIn = representation.kind === 'typed' ? representation.absentFrom?.[name] ?? [] : [];
  return { name, key: originalNames?.[name] ?? name, ...(present ? { column: name } : {}), absentIn };
}
