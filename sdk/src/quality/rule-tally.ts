/**
 * The failing rules of a quality report, counted one quarantined row at a time: a rule (a zod
 * code at a path) keeps its row count, its first few rows as examples and its messages, never
 * the rows themselves. A run that quarantines millions of rows (a schema that does not fit the
 * data) reports them in the memory of a few hundred.
 */
import type { QuarantinedRow } from './quarantine.js';
import { ruleName } from './quarantine.js';

/** Up to this many rows of each rule are kept as its examples, in the order they were added. */
export const MAX_EXAMPLES = 3;

/**
 * Different messages kept per rule. A rule's messages are usually one or a handful; a parser's
 * message that names a position ("not valid JSON: … at position 17") can differ on every row,
 * and past this many the rest are counted, not kept.
 */
export const MAX_MESSAGES = 1_000;

export interface RuleGroup {
  readonly rule: string;
  /** The top-level field the rule's path starts with ('' for the row itself). */
  readonly field: string;
  readonly rows: number;
  readonly examples: readonly QuarantinedRow[];
  /** How many rows carried each kept message. */
  readonly messages: ReadonlyMap<string, number>;
  /** Rows whose message was not kept (the rule had MAX_MESSAGES others already). */
  readonly rowsWithOtherMessages: number;
}

interface MutableGroup {
  rule: string;
  field: string;
  rows: number;
  examples: QuarantinedRow[];
  messages: Map<string, number>;
  rowsWithOtherMessages: number;
}

/**
 * @example
 * ```ts
 * const tally = new RuleTally();
 * for (const row of quarantinedRows) tally.add(row);
 * tally.groups()[0] // { rule: 'amount: too_small', rows: 1012, examples: [...], ... }
 * ```
 */
export class RuleTally {
  readonly #groups = new Map<string, MutableGroup>();

  /** Counts the row once under each rule it breaks (two issues of one rule count once). */
  add(row: QuarantinedRow): void {
    const seen = new Set<string>();
    for (const issue of row.issues) {
      const name = ruleName(issue);
      if (seen.has(name)) continue;
      seen.add(name);
      let group = this.#groups.get(name);
      if (!group) {
        group = { rule: name, field: String(issue.path[0] ?? ''), rows: 0, examples: [], messages: new Map(), rowsWithOtherMessages: 0 };
        this.#groups.set(name, group);
      }
      group.rows++;
      const known = group.messages.get(issue.message);
      if (known !== undefined) group.messages.set(issue.message, known + 1);
      else if (group.messages.size < MAX_MESSAGES) group.messages.set(issue.message, 1);
      else group.rowsWithOtherMessages++;
      if (group.examples.length < MAX_EXAMPLES) group.examples.push(row);
    }
  }

  /** The rules, most rows first (then by name). */
  groups(): readonly RuleGroup[] {
    return [...this.#groups.values()].sort((a, b) => b.rows - a.rows || a.rule.localeCompare(b.rule));
  }
}
