/**
 * The quality report as HTML and as text: the conservation line (in = valid + quarantined),
 * pass/fail per validation rule and per gate, example failing rows with their zod issues,
 * per-object counts and column profiles. Pure functions of the report's plain data.
 */
import type { QualityReport, RuleResult } from '../quality/quality-report.js';
import type { QuarantinedRow, RowCounts, RowIssue } from '../quality/quarantine.js';
import { escapeHtml } from './html-escape.js';
import { formatExact, formatNumbers } from '../format/value-format.js';
import { deferredText, formatQualityReport, leftToZodText } from '../format/quality-report-text.js';

export interface QualityReportDisplayOptions {
  /** Example rows shown per failing rule (default 3, the most the report keeps). */
  readonly examples?: number;
  /** Objects listed in the per-object table (default 20). */
  readonly objects?: number;
  /** Characters of each raw row to show (default 200 in HTML, 100 in text). */
  readonly rawChars?: number;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * zod-style path text: `items[1].name`; the row itself is `(row)`.
 *
 * @example
 * ```ts
 * formatIssuePath(['items', 1, 'name']) // 'items[1].name'
 * ```
 */
export function formatIssuePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(row)';
}

/**
 * The conservation line with its verdict.
 *
 * @example
 * ```ts
 * conservationLine({ in: 3, valid: 2, quarantined: 1 }) // { text: 'in 3 = valid 2 + quarantined 1', holds: true }
 * ```
 */
export function conservationLine(counts: RowCounts): { text: string; holds: boolean } {
  const holds = counts.in === counts.valid + counts.quarantined;
  return { text: `in ${fmt(counts.in)} ${holds ? '=' : '≠'} valid ${fmt(counts.valid)} + quarantined ${fmt(counts.quarantined)}`, holds };
}

/**
 * True when the conservation law holds and every gate passed.
 *
 * @example
 * ```ts
 * if (!reportPassed(run.quality)) showQualityReport(run.quality);
 * ```
 */
export function reportPassed(report: QualityReport): boolean {
  return conservationLine(report.counts).holds && report.gates.every((g) => g.passed);
}

/**
 * What the report's ✓ or ✗ is about, said beside it: the gates (and the row count), not the
 * rules — a ✓ over failing rules read as if no row had failed.
 */
function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}… (${fmt(text.length)} chars)` : oneLine;
}

function fastPathLine(fp: QualityReport['fastPath']): string {
  const why = fp.zodAccepted?.length ? `; zod accepted rows SQL did not read: ${leftToZodText(fp.zodAccepted)}` : '';
  if (fp.reason !== undefined && fp.sqlRows === 0 && fp.zodRows > 0) return `left the vectorised path: ${fp.reason} — zod checked all ${fmt(fp.zodRows)} rows${why}`;
  return `fast path: SQL accepted ${fmt(fp.sqlRows)} rows${deferredText(fp)}; zod checked ${fmt(fp.zodRows)}${fp.reason !== undefined ? ` (left to zod: ${fp.reason})` : ''}${why}`;
}

const PASS = '<span style="color:#1a7f37;font-weight:bold">✓ pass</span>';
const FAIL = '<span style="color:#cf222e;font-weight:bold">✗ fail</span>';
const TABLE = 'border-collapse:collapse;margin:4px 0';
const CELL = 'padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top';
const NUM = 'padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;vertical-align:top';
const td = (html: string, style = CELL): string => `<td style="${style}">${html}</td>`;
const th = (text: string, style = CELL): string => `<th style="${style}">${escapeHtml(text)}</th>`;

function issueHtml(issue: RowIssue): string {
  return `<li><code>${escapeHtml(formatIssuePath(issue.path))}</code> <span style="color:#888">${escapeHtml(issue.code)}</span> ${escapeHtml(issue.message)}</li>`;
}

function exampleHtml(row: QuarantinedRow, rawChars: number): string {
  return (
    `<li class="sluice-example"><code>${escapeHtml(row.object)}:${row.line}</code> <code style="color:#555">${escapeHtml(clip(row.raw, rawChars))}</code>` +
    `<ul>${row.issues.map(issueHtml).join('')}</ul></li>`
  );
}

function ruleRow(rule: RuleResult, options: QualityReportDisplayOptions): string {
  const examples = rule.examples.slice(0, options.examples ?? 3);
  const detail = rule.passed
    ? ''
    : `${escapeHtml(rule.message ?? '')}${examples.length ? `<ol style="margin:2px 0;padding-left:18px">${examples.map((e) => exampleHtml(e, options.rawChars ?? 200)).join('')}</ol>` : ''}`;
  return `<tr class="sluice-rule" data-rule="${escapeHtml(rule.rule)}" data-passed="${rule.passed}">${td(`<code>${escapeHtml(rule.rule)}</code>`)}${td(rule.passed ? PASS : FAIL)}${td(rule.passed ? '' : fmt(rule.failingCount), NUM)}${td(detail)}</tr>`;
}

/** min and max exactly (rounded, a maximum could read larger than any value); mean and stddev rounded. */
function profileValue(v: number | string | boolean | null | undefined, exact: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return exact ? formatExact(v) : formatNumbers([v])[0]!;
  return clip(String(v), 24);
}

/**
 * Renders a quality report as HTML. Every value (rule names, object keys, raw rows, zod
 * messages) is HTML-escaped.
 *
 * @example
 * ```ts
 * const html = qualityReportToHtml(run.quality);
 * ```
 */
export function qualityReportToHtml(report: QualityReport, options: QualityReportDisplayOptions = {}): string {
  const { counts } = report;
  const { text, holds } = conservationLine(counts);
  const p: string[] = ['<div class="sluice-quality-report" style="font-family:system-ui,sans-serif;font-size:13px">'];
  p.push(`<div style="font-weight:bold;font-size:14px;margin:4px 0">Quality report · gates ${reportPassed(report) ? PASS : FAIL}</div>`);
  p.push(
    `<div class="sluice-conservation" data-in="${counts.in}" data-valid="${counts.valid}" data-quarantined="${counts.quarantined}" style="margin:4px 0;font-size:14px">` +
      `${escapeHtml(text)} ${holds ? PASS : `${FAIL} (rows lost or duplicated: a sluice bug, please report it)`}</div>`,
  );
  p.push(`<div style="color:#666">${escapeHtml(fastPathLine(report.fastPath))}</div>`);

  if (report.rules.length) {
    p.push(`<div style="font-weight:bold;margin-top:8px">Validation rules</div><table class="sluice-rules" style="${TABLE}"><thead><tr>`);
    p.push(th('rule'), th('result'), th('rows', NUM), th('message and examples'), '</tr></thead><tbody>');
    for (const rule of report.rules) p.push(ruleRow(rule, options));
    p.push('</tbody></table>');
  }

  // Optional chaining: reports from before this field existed (saved JSON) lack it.
  const unreadable = report.unreadableObjects ?? [];
  if (unreadable.length) {
    p.push(`<div style="font-weight:bold;margin-top:8px">Unreadable objects (quarantined whole)</div><ul class="sluice-unreadable" style="margin:2px 0">`);
    for (const u of unreadable) p.push(`<li>${FAIL} <code>${escapeHtml(u.object)}</code>: ${escapeHtml(u.error)}</li>`);
    p.push('</ul>');
  }

  if (report.gates.length) {
    p.push(`<div style="font-weight:bold;margin-top:8px">Gates</div><table class="sluice-gates" style="${TABLE}"><tbody>`);
    for (const gate of report.gates) {
      p.push(`<tr class="sluice-gate" data-gate="${escapeHtml(gate.gate)}" data-passed="${gate.passed}">${td(`<code>${escapeHtml(gate.gate)}</code>`)}${td(gate.passed ? PASS : FAIL)}${td(escapeHtml(gate.detail))}</tr>`);
    }
    p.push('</tbody></table>');
  }

  const objects = Object.entries(report.perObject);
  if (objects.length) {
    const limit = options.objects ?? 20;
    p.push(`<details style="margin-top:8px"><summary>${fmt(objects.length)} object${objects.length === 1 ? '' : 's'}</summary><table class="sluice-objects" style="${TABLE}"><thead><tr>`);
    p.push(th('object'), th('in', NUM), th('valid', NUM), th('quarantined', NUM), '</tr></thead><tbody>');
    for (const [object, c] of objects.slice(0, limit)) {
      p.push(`<tr>${td(escapeHtml(object))}${td(fmt(c.in), NUM)}${td(fmt(c.valid), NUM)}${td(fmt(c.quarantined), NUM)}</tr>`);
    }
    p.push('</tbody></table>');
    if (objects.length > limit) p.push(`<div style="color:#666">… and ${fmt(objects.length - limit)} more</div>`);
    p.push('</details>');
  }

  if (report.columns.length) {
    const header = ['column', 'type', 'nulls', 'null %', 'distinct', 'min', 'max', 'mean', 'stddev'];
    p.push(`<details style="margin-top:4px"><summary>column profiles</summary><table class="sluice-columns" style="${TABLE}"><thead><tr>`);
    p.push(header.map((h, i) => th(h, i >= 2 ? NUM : CELL)).join(''), '</tr></thead><tbody>');
    for (const c of report.columns) {
      const cells = [c.name, c.type, fmt(c.nullCount), `${(c.nullRate * 100).toFixed(1)}%`, fmt(c.distinctCount), profileValue(c.min, true), profileValue(c.max, true), profileValue(c.mean, false), profileValue(c.stddev, false)];
      p.push(`<tr>${cells.map((v, i) => td(escapeHtml(v), i >= 2 ? NUM : CELL)).join('')}</tr>`);
    }
    p.push('</tbody></table></details>');
  }
  p.push('</div>');
  return p.join('');
}

/**
 * The quality report as text, with a heading that gives the verdict: the notebook's text/plain
 * form of the report, and what a script prints. The same rendering as the CLI's report
 * (format/quality-report-text.ts).
 *
 * @example
 * ```ts
 * console.log(qualityReportToText(run.quality));
 * // Quality report — 1 gate failed ✖
 * // in 1,000 = valid 990 + quarantined 10
 * // …
 * ```
 */
export function qualityReportToText(report: QualityReport, options: QualityReportDisplayOptions = {}): string {
  return formatQualityReport(report, { ...options, heading: true });
}
