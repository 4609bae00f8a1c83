/**
 * Arrow tables as HTML (for the notebook) and as aligned text (for terminals and logs).
 */
import type { DataType, Table } from 'apache-arrow';
import { escapeHtml } from './html-escape.js';
import { columnTypeLabel, formatColumn, isNumericType } from '../format/value-format.js';

/** Options shared by {@link tableToHtml} and {@link tableToText}. */
export interface TableDisplayOptions {
  /** Rows to show (default 20; not a number: the default). The row count line always states the full size. */
  readonly limit?: number;
  /** A caption above the table. */
  readonly title?: string;
}

interface PreparedTable {
  readonly columns: readonly { name: string; type: DataType; label: string; numeric: boolean }[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly total: number;
}

function prepare(table: Table, limit: number | undefined): PreparedTable {
  const columns = table.schema.fields.map((f) => ({
    name: f.name,
    type: f.type as DataType,
    label: columnTypeLabel(f.type as DataType),
    numeric: isNumericType(f.type as DataType),
  }));
  const wanted = limit === undefined || Number.isNaN(limit) ? 20 : limit;
  const shown = Math.min(table.numRows, Math.max(0, Math.floor(wanted)));
  // By position: names may repeat (a training set keeps two label columns both named `y`).
  const texts = columns.map((c, j) => formatColumn(table.getChildAt(j), c.type, shown));
  const rows = Array.from({ length: shown }, (_, i) => texts.map((column) => column[i]!));
  return { columns, rows, total: table.numRows };
}

function rowCountLine(shown: number, total: number, columns: number): string {
  const rows = `${total.toLocaleString('en-US')} row${total === 1 ? '' : 's'}`;
  const cols = `${columns} column${columns === 1 ? '' : 's'}`;
  return shown < total ? `${rows} × ${cols} (showing first ${shown.toLocaleString('en-US')})` : `${rows} × ${cols}`;
}

const TABLE_STYLE =
  'border-collapse:collapse;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px';
const CELL_STYLE = 'padding:2px 8px;border-bottom:1px solid #ddd';

/**
 * Renders an Arrow table as an HTML table: column names with their types in the header,
 * nulls shown as a grey `null` marker, numbers right-aligned and formatted, timestamps in
 * UTC, and a row count. Every value is HTML-escaped.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from 'apache-arrow';
 * const html = tableToHtml(tableFromArrays({ user_id: ['u1'], clicks_7d: [3] }), { title: 'features' });
 * ```
 */
export function tableToHtml(table: Table, options: TableDisplayOptions = {}): string {
  const { columns, rows, total } = prepare(table, options.limit);
  const parts: string[] = ['<div class="sluice-table">'];
  if (options.title) parts.push(`<div style="font-weight:bold;margin:4px 0">${escapeHtml(options.title)}</div>`);
  parts.push(`<table style="${TABLE_STYLE}">`, '<thead><tr>');
  for (const c of columns) {
    parts.push(
      `<th style="${CELL_STYLE};text-align:${c.numeric ? 'right' : 'left'}" title="${escapeHtml(String(c.type))}">` +
        `${escapeHtml(c.name)}<br><span style="font-weight:normal;color:#888">${escapeHtml(c.label)}</span></th>`,
    );
  }
  parts.push('</tr></thead><tbody>');
  for (const row of rows) {
    parts.push('<tr>');
    row.forEach((value, j) => {
      const align = columns[j]!.numeric ? 'right' : 'left';
      const body = value === null ? '<span class="sluice-null" style="color:#aaa;font-style:italic">null</span>' : clippedCell(value);
      parts.push(`<td style="${CELL_STYLE};text-align:${align}">${body}</td>`);
    });
    parts.push('</tr>');
  }
  parts.push('</tbody></table>');
  parts.push(`<div class="sluice-row-count" style="color:#666;font-size:11px;margin-top:2px">${escapeHtml(rowCountLine(rows.length, total, columns.length))}</div>`);
  parts.push('</div>');
  return parts.join('');
}

/** Past this many characters a cell shows its start and its length: a 5,000-character value would fill the page. */
const HTML_CELL_CHARACTERS = 200;

function clippedCell(value: string): string {
  if (value.length <= HTML_CELL_CHARACTERS) return escapeHtml(value);
  return `${escapeHtml(value.slice(0, HTML_CELL_CHARACTERS - 1))}…<span style="color:#888"> (${value.length.toLocaleString('en-US')} characters)</span>`;
}

/**
 * Renders an Arrow table as aligned plain text (the fallback outside notebooks). Nulls
 * print as `∅` so they differ from the string `"null"`.
 *
 * @example
 * ```ts
 * console.log(tableToText(run.preview, { limit: 10 }));
 * ```
 */
export function tableToText(table: Table, options: TableDisplayOptions = {}): string {
  const { columns, rows, total } = prepare(table, options.limit);
  const header = columns.map((c) => `${c.name} (${c.label})`);
  const cells = rows.map((r) => r.map((v) => (v === null ? '∅' : v.replace(/[^\S\uFEFF]/g, ' '))));
  const widths = header.map((h, j) => Math.min(40, Math.max(h.length, ...cells.map((r) => r[j]!.length))));
  const fit = (text: string, j: number): string => {
    const w = widths[j]!;
    const clipped = text.length > w ? `${text.slice(0, w - 1)}…` : text;
    return columns[j]!.numeric ? clipped.padStart(w) : clipped.padEnd(w);
  };
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(header.map(fit).join('  '), widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) lines.push(r.map(fit).join('  '));
  lines.push(rowCountLine(rows.length, total, columns.length));
  return lines.join('\n');
}
