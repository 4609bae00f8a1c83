/**
 * Arrow tables as aligned plain text, for terminals and for `String(result)`.
 */
import type { Table } from 'apache-arrow';

/**
 * The first `limit` rows, aligned. The last line says how many rows are shown of how many: of
 * the table's, or of `totalRows` when the table is itself a preview of more rows (a run's
 * preview holds 20 of its 172,509 feature rows; the old "… 10 more rows (20 in all)" under
 * "features: 172,509 rows" read as a contradiction).
 *
 * @example
 * ```ts
 * console.log(formatTextTable(result.preview, { limit: 10, totalRows: result.featureRows })); // … "10 of 172,509 rows shown"
 * ```
 */
export function formatTextTable(table: Table, options: { limit?: number; maxWidth?: number; totalRows?: number } = {}): string {
  const limit = options.limit ?? 20;
  const maxWidth = options.maxWidth ?? 24;
  const names = table.schema.fields.map((f) => f.name);
  const rows: string[][] = [];
  for (let i = 0; i < Math.min(limit, table.numRows); i++) {
    const row = table.get(i);
    rows.push(names.map((name, c) => clip(formatCell(row?.[name], String(table.schema.fields[c]!.type)), maxWidth)));
  }
  const widths = names.map((name, c) => Math.max(clip(name, maxWidth).length, ...rows.map((r) => r[c]!.length)));
  const numeric = table.schema.fields.map((f) => /Int|Float|Decimal/.test(String(f.type)));
  const line = (cells: string[]): string => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(names.map((n) => clip(n, maxWidth))), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  const total = Math.max(options.totalRows ?? 0, table.numRows);
  out.push(total > rows.length ? `${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows shown` : `${total.toLocaleString('en-US')} rows`);
  return out.join('\n');
}

/**
 * One cell as text: null as `∅`, timestamps as UTC ISO, doubles rounded for reading.
 *
 * @example
 * ```ts
 * formatCell(null, 'Utf8')                            // '∅'
 * formatCell(1706745600000, 'Timestamp<MILLISECOND>') // '2024-02-01T00:00:00Z'
 * formatCell(2 / 3, 'Float64')                        // '0.666667'
 * ```
 */
export function formatCell(value: unknown, arrowType: string): string {
  if (value === null || value === undefined) return '∅';
  if (/Timestamp|Date/.test(arrowType) && typeof value === 'number') return new Date(value).toISOString().replace('.000Z', 'Z');
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
