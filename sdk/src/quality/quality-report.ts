/**
 * The quality report: plain data (counts, per-object counts, failing rules with examples,
 * gates, column profiles, fast-path info). It is rendered as text (format/quality-report-text.ts)
 * and as HTML (notebook/quality-report-html.ts); nothing here touches an engine.
 */
import type { GateResult } from './gates/gate-result.js';
import type { ColumnProfile, Profile } from './profile.js';
import type { QuarantinedRow, RowCounts } from './quarantine.js';
import { MAX_MESSAGES, type RuleGroup, type RuleTally } from './rule-tally.js';
import { zodMessageGloss } from './zod-message-gloss.js';

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
  readonly fastPath: {
    readonly compiled: boolean;
    readonly reason?: string;
    readonly sqlRows: number;
    readonly zodRows: number;
    /**
     * Why SQL did not read rows that zod then accepted (they cost zod's time without being
     * wrong): per field, or `(row)` for JSON text the fast path does not read; largest first.
     */
    readonly zodAccepted?: readonly { readonly field: string; readonly rows: number; readonly example?: string }[];
    /** Fields SQL cannot check, which zod checked on their own in `rows` of the rows SQL accepted. */
    /** As FastPathInfo.deferred: fields zod checked on their own, and (`wholeRows`) whether it parsed each row whole for the object's refinements. */
    readonly deferred?: { readonly fields: readonly string[]; readonly rows: number; readonly wholeRows?: true; readonly kinds?: readonly string[] };
  };
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
  const { compiled, reason, sqlRows, zodRows, zodAccepted, deferred } = input.fastPath;
  return {
    counts: input.counts,
    perObject: input.perObject,
    rules: [...failing, ...passing],
    gates: input.gates,
    columns: input.profile?.columns ?? [],
    fastPath: { compiled, ...(reason === undefined ? {} : { reason }), sqlRows, zodRows, ...(deferred ? { deferred } : {}), ...(zodAccepted?.length ? { zodAccepted } : {}) },
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
