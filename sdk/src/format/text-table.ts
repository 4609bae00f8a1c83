/**
 * Arrow tables as aligned plain text, for terminals and for `String(result)`.
 */
import type { DataType, Table } from 'apache-arrow';
import { formatColumn, isNumericType } from './value-format.js';

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
  const shown = Math.min(limit, table.numRows);
  // By position: names may repeat (a training set may keep two label columns both named `y`).
  const texts = table.schema.fields.map((f, c) => formatColumn(table.getChildAt(c), f.type as DataType, shown));
  const rows: string[][] = Array.from({ length: shown }, (_, i) => texts.map((column) => clip(column[i] ?? '∅', maxWidth)));
  const widths = names.map((name, c) => Math.max(clip(name, maxWidth).length, ...rows.map((r) => r[c]!.length)));
  const numeric = table.schema.fields.map((f) => isNumericType(f.type as DataType));
  const line = (cells: string[]): string => cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(names.map((n) => clip(n, maxWidth))), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  const total = Math.max(options.totalRows ?? 0, table.numRows);
  out.push(total > rows.length ? `${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows shown` : `${total.toLocaleString('en-US')} rows`);
  return out.join('\n');
}

function clip(text: string, width: number): string {
  // Line breaks and tabs become spaces; U+FEFF (whitespace to a regex, but a character of the
  // value, invisible) stays, so a copied id is the stored one.
  const flat = text.replace(/[^\S\uFEFF]+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}
