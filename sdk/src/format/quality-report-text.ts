/**
 * The quality report as plain text: what the CLI prints, what `String(result)` gives, and the
 * notebook's text/plain form (beside its HTML) — one rendering, so a report reads the same in a
 * terminal, a log and a notebook without HTML.
 */
import type { QualityReport } from '../quality/quality-report.js';
import type { QuarantinedRow } from '../quality/quarantine.js';
import { ruleName } from '../quality/quarantine.js';
import { formatExact, formatNumbers } from './value-format.js';

export interface QualityReportTextOptions {
  /** Start with a heading that gives the verdict (`Quality report — 1 gate failed ✖`). */
  readonly heading?: boolean;
  /** Example rows shown per failing rule (default 3, the most the report keeps). */
  readonly examples?: number;
  /** Objects listed in the per-object counts (default 20). */
  readonly objects?: number;
  /** Characters of each raw row to show (default 100). */
  readonly rawChars?: number;
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * Renders the report: the conservation line first, then how the rows were checked, the rules
 * (✔/✖ with counts, the message and example rows), unreadable objects, gates, per-object counts
 * and the column profiles as an aligned table.
 *
 * @example
 * ```ts
 * console.log(formatQualityReport(result.quality));
 * // in 200,000 = valid 198,012 + quarantined 1,988
 * // …
 * //   ✖ amount: too_small  1,012 rows  (Too small: expected number to be >=0)
 * //       events-01.jsonl:17  {"amount":-3,…}
 * ```
 */
export function formatQualityReport(report: QualityReport, options: QualityReportTextOptions = {}): string {
  const { counts } = report;
  const holds = counts.in === counts.valid + counts.quarantined;
  const lines = options.heading ? [`Quality report — ${verdict(report, holds)}`] : [];
  lines.push(`in ${n(counts.in)} ${holds ? '=' : '≠'} valid ${n(counts.valid)} + quarantined ${n(counts.quarantined)}${holds ? '' : '  ✖ rows lost or duplicated'}`);
  const fp = report.fastPath;
  if (fp.reason !== undefined && fp.sqlRows === 0 && fp.zodRows > 0) lines.push(`left the vectorised path: ${fp.reason} — zod checked all ${n(fp.zodRows)} rows`);
  else {
    lines.push(`fast path: SQL accepted ${n(fp.sqlRows)} rows${deferredText(fp)}; zod checked ${n(fp.zodRows)}`);
    if (fp.reason !== undefined) lines.push(`  checks left to zod: ${fp.reason}`);
  }
  if (fp.zodAccepted?.length) lines.push(`  zod accepted rows SQL did not read: ${leftToZodText(fp.zodAccepted)}`);

  if (report.rules.length) {
    lines.push('', 'rules');
    const width = Math.max(...report.rules.map((r) => r.rule.length));
    for (const rule of report.rules) {
      if (rule.passed) {
        lines.push(`  ✔ ${rule.rule}`);
        continue;
      }
      lines.push(`  ✖ ${rule.rule.padEnd(width)}  ${n(rule.failingCount)} row${rule.failingCount === 1 ? '' : 's'}${rule.message ? `  (${rule.message})` : ''}`);
      // Several messages under one rule: each example says which is its own.
      const own = (rule.messageCount ?? 1) > 1 ? (example: QuarantinedRow) => `  — ${example.issues.find((i) => ruleName(i) === rule.rule)?.message ?? ''}` : () => '';
      for (const example of rule.examples.slice(0, options.examples ?? 3)) {
        lines.push(`      ${example.object}:${example.line}  ${truncate(example.raw, options.rawChars ?? 100)}${own(example)}`);
      }
    }
  }

  if (report.unreadableObjects.length) {
    lines.push('', 'unreadable objects (quarantined whole)');
    for (const u of report.unreadableObjects) lines.push(`  ✖ ${u.object}: ${u.error}`);
  }

  if (report.gates.length) {
    lines.push('', 'gates');
    for (const gate of report.gates) lines.push(`  ${gate.passed ? '✔' : '✖'} ${gate.gate}: ${gate.detail}`);
  }

  const objects = Object.entries(report.perObject);
  const listed = options.objects ?? 20;
  if (objects.length > 1) {
    lines.push('', 'objects');
    for (const [object, c] of objects.slice(0, listed)) lines.push(`  ${object}: in ${n(c.in)} = valid ${n(c.valid)} + quarantined ${n(c.quarantined)}`);
    if (objects.length > listed) lines.push(`  … and ${objects.length - listed} more`);
  }

  if (report.columns.length) {
    lines.push('', 'columns');
    const header = ['column', 'type', 'nulls', 'null %', 'distinct', 'min', 'max', 'mean', 'stddev'];
    const rows = report.columns.map((c) => [
      c.name, c.type, n(c.nullCount), `${(c.nullRate * 100).toFixed(1)}%`, n(c.distinctCount),
      cell(c.min), cell(c.max), c.mean === undefined || c.mean === null ? '' : formatNumbers([c.mean])[0]!, c.stddev === undefined || c.stddev === null ? '' : formatNumbers([c.stddev])[0]!,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const numeric = new Set([2, 3, 4, 7, 8]);
    const render = (r: string[]): string => `  ${r.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd()}`;
    lines.push(render(header), ...rows.map(render));
  }
  return lines.join('\n');
}

/** The heading's verdict: the gates' and the row count's (a failing rule is in every report). */
function verdict(report: QualityReport, holds: boolean): string {
  if (!holds) return 'rows lost ✖';
  const failed = report.gates.filter((g) => !g.passed).length;
  if (failed > 0) return `${failed} gate${failed === 1 ? '' : 's'} failed ✖`;
  return report.gates.length ? 'gates passed ✔' : 'no gates ✔';
}

/** An extreme (min, max): exactly, since rounded a maximum could read larger than any value. */
function cell(value: number | string | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return formatExact(value);
  return truncate(String(value), 24);
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * ` (zod checked user_id in each)`: the fields SQL cannot check, which zod checked on their own
 * in the rows SQL accepted, and the object's own refinements, for which zod parsed those rows
 * whole; empty when there are none.
 *
 * @example
 * ```ts
 * deferredText({ deferred: { fields: ['user_id', 'tags'], rows: 1000 } }) // ' (zod checked user_id and tags in each)'
 * deferredText({ deferred: { fields: [], rows: 1000, wholeRows: true } }) // " (zod checked the row's refinements in each)"
 * deferredText({ deferred: { fields: ['q'], rows: 40, kinds: ['event="search"'] } }) // ' (zod checked q in the 40 rows of event="search")'
 * ```
 */
export function deferredText(fp: Pick<QualityReport['fastPath'], 'deferred'>): string {
  const checked = [...(fp.deferred?.fields ?? []), ...(fp.deferred?.wholeRows ? ["the row's refinements"] : [])];
  if (checked.length === 0 || !fp.deferred) return '';
  const named = checked.length === 1 ? checked[0]! : `${checked.slice(0, -1).join(', ')} and ${checked.at(-1)!}`;
  const kinds = fp.deferred?.kinds;
  const rows = fp.deferred.rows;
  if (kinds?.length) return ` (zod checked ${named} in the ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} of ${kinds.join(', ')})`;
  return ` (zod checked ${named} in each)`;
}

/**
 * Why SQL left rows to zod that zod accepted, on one line: `placed_at 5,000 (e.g.
 * "2024-03-01T10:00:00.1234567Z"), (row) 12`. Shared by the text and HTML reports.
 *
 * @example
 * ```ts
 * leftToZodText([{ field: 'ts', rows: 2, example: '"2024-01-01t10:00Z"' }]) // 'ts 2 (e.g. "2024-01-01t10:00Z")'
 * ```
 */
export function leftToZodText(reasons: NonNullable<QualityReport['fastPath']['zodAccepted']>): string {
  return reasons.map((r) => `${r.field} ${n(r.rows)}${r.example === undefined ? '' : ` (e.g. ${clip(r.example)})`}`).join(', ');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
