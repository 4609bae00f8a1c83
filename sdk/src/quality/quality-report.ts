/**
 * The quality report: plain data (counts, per-object counts, failing rules with examples,
 * gates, column profiles, fast-path info) and a text rendering. The notebook renders HTML from
 * the same data; nothing here touches an engine.
 */
import type { GateResult } from './gates/gate-result.js';
import type { ColumnProfile, Profile } from './profile.js';
import type { QuarantinedRow, RowCounts } from './quarantine.js';
import { ruleName } from './quarantine.js';
import { MAX_MESSAGES, type RuleGroup, type RuleTally } from './rule-tally.js';
import { zodMessageGloss } from './zod-message-gloss.js';
import { formatExact, formatNumbers } from '../format/value-format.js';

export interface RuleResult {
  /** `amount: too_small`; a passing rule is named by its field (`amount`). */
  readonly rule: string;
  readonly passed: boolean;
  /** Rows with at least one issue of this rule. */
  readonly failingCount: number;
  /** Up to three failing rows, in source order. */
  readonly examples: readonly QuarantinedRow[];
  /** zod's message, when the failing rows share it; else the most frequent, and how many others there are. */
  readonly message?: string;
  /**
   * How many different messages the failing rows carry (each example's own is in its issues);
   * more than 1,000 are counted as 1,001.
   */
  readonly messageCount?: number;
}

export interface QualityReport {
  readonly counts: RowCounts;
  readonly perObject: Readonly<Record<string, RowCounts>>;
  readonly rules: readonly RuleResult[];
  readonly gates: readonly GateResult[];
  readonly columns: readonly ColumnProfile[];
  readonly fastPath: { readonly compiled: boolean; readonly reason?: string; readonly sqlRows: number; readonly zodRows: number };
  /** Objects that could not be read at all (truncated gzip, not UTF-8…), quarantined whole. */
  readonly unreadableObjects: readonly { readonly object: string; readonly error: string }[];
}

export interface QualityReportInput {
  readonly unreadableObjects?: readonly { readonly object: string; readonly error: string }[];
  readonly counts: RowCounts;
  readonly perObject: Readonly<Record<string, RowCounts>>;
  /** The quarantined rows, counted by rule (rule-tally.ts). */
  readonly failingRules: RuleTally;
  readonly gates: readonly GateResult[];
  readonly profile?: Profile;
  readonly fastPath: QualityReport['fastPath'] & { readonly fields?: readonly { readonly name: string }[] };
}

/**
 * Builds the report: quarantined rows grouped by zod issue code and path into one rule each,
 * most frequent first; schema fields without any issue as passing rules.
 *
 * @example
 * ```ts
 * const report = buildQualityReport({ counts, perObject, failingRules: spool.rules, gates, profile, fastPath });
 * report.rules[0] // { rule: 'amount: too_small', passed: false, failingCount: 1012, examples: [...] }
 * ```
 */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const groups = input.failingRules.groups();
  const failing: RuleResult[] = groups.map((g) => ({
    rule: g.rule, passed: false, failingCount: g.rows, examples: g.examples, message: ruleMessage(g), messageCount: g.messages.size + (g.rowsWithOtherMessages > 0 ? 1 : 0),
  }));
  const failedFields = new Set(groups.map((g) => g.field));
  const fieldNames = input.fastPath.fields?.map((f) => f.name) ?? input.profile?.columns.map((c) => c.name) ?? [];
  const passing: RuleResult[] = fieldNames.filter((f) => !failedFields.has(f)).map((f) => ({ rule: f, passed: true, failingCount: 0, examples: [] }));
  const { compiled, reason, sqlRows, zodRows } = input.fastPath;
  return {
    counts: input.counts,
    perObject: input.perObject,
    rules: [...failing, ...passing],
    gates: input.gates,
    columns: input.profile?.columns ?? [],
    fastPath: reason === undefined ? { compiled, sqlRows, zodRows } : { compiled, reason, sqlRows, zodRows },
    unreadableObjects: input.unreadableObjects ?? [],
  };
}

/**
 * One rule (a zod code at a path) may carry different messages: a malformed record is "not
 * valid JSON: …" on one line and "row has 4 fields, header has 5" on the next. Naming one of
 * them for all would misdescribe the others, so several messages are counted instead, and
 * each example shows its own.
 */
function ruleMessage(group: RuleGroup): string {
  const [[most]] = [...group.messages.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const gloss = zodMessageGloss(most!);
  const meaning = gloss ? `${most}: ${gloss}` : most!;
  if (group.rowsWithOtherMessages > 0) return `${meaning} — and ${MAX_MESSAGES - 1} or more other messages; each example shows its own`;
  const others = group.messages.size - 1;
  return others === 0 ? meaning : `${meaning} — and ${others} other message${others === 1 ? '' : 's'}; each example shows its own`;
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * Renders the report as text: the conservation line first, then rules (✔/✖ with counts and
 * an example), gates, per-object counts, and the column profiles as an aligned table.
 *
 * @example
 * ```ts
 * console.log(formatQualityReport(report));
 * // in 200,000 = valid 198,012 + quarantined 1,988
 * // ✖ amount: too_small  1,012 rows  e.g. events-01.jsonl:17 …
 * ```
 */
export function formatQualityReport(report: QualityReport): string {
  const { counts } = report;
  const lines = [`in ${n(counts.in)} = valid ${n(counts.valid)} + quarantined ${n(counts.quarantined)}`];
  const fp = report.fastPath;
  if (fp.reason !== undefined && fp.sqlRows === 0 && fp.zodRows > 0) lines.push(`left the vectorised path: ${fp.reason} — zod checked all ${n(fp.zodRows)} rows`);
  else {
    lines.push(`fast path: SQL accepted ${n(fp.sqlRows)} rows; zod checked ${n(fp.zodRows)}`);
    if (fp.reason !== undefined) lines.push(`  checks left to zod: ${fp.reason}`);
  }

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
      for (const example of rule.examples) lines.push(`      ${example.object}:${example.line}  ${truncate(example.raw, 100)}${own(example)}`);
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
  if (objects.length > 1) {
    lines.push('', 'objects');
    for (const [object, c] of objects.slice(0, 20)) lines.push(`  ${object}: in ${n(c.in)} = valid ${n(c.valid)} + quarantined ${n(c.quarantined)}`);
    if (objects.length > 20) lines.push(`  … and ${objects.length - 20} more`);
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
