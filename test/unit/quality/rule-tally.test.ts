/**
 * The rule tally keeps a report's failing rules without keeping the rows: counts, the first
 * examples, the messages — and past MAX_MESSAGES different messages in one rule, a count of
 * the rest instead of every message a parser ever wrote.
 */
import { describe, expect, it } from 'vitest';
import { buildQualityReport } from '../../../sdk/src/quality/quality-report.js';
import type { QuarantinedRow } from '../../../sdk/src/quality/quarantine.js';
import { MAX_EXAMPLES, MAX_MESSAGES, RuleTally } from '../../../sdk/src/quality/rule-tally.js';

const malformed = (line: number, message: string): QuarantinedRow => ({ object: 'a.jsonl', line, raw: '{', issues: [{ path: [], code: 'malformed_record', message }] });

describe('RuleTally', () => {
  it('counts a row once per rule, keeps the first examples in order, and orders rules by rows then name', () => {
    const tally = new RuleTally();
    for (let line = 1; line <= 5; line++) {
      tally.add({ object: 'a.jsonl', line, raw: '{}', issues: [
        { path: ['amount'], code: 'too_small', message: 'Too small' },
        { path: ['amount'], code: 'too_small', message: 'Too small' }, // the same rule twice in one row counts once
        ...(line % 2 ? [{ path: ['ts'], code: 'invalid_type', message: 'Invalid' }] : []),
      ] });
    }
    tally.add({ object: 'b.jsonl', line: 9, raw: '{}', issues: [{ path: ['kind'], code: 'invalid_value', message: 'Invalid option' }] });
    tally.add({ object: 'b.jsonl', line: 10, raw: '{}', issues: [{ path: ['city'], code: 'invalid_type', message: 'Invalid' }] });
    expect(tally.groups().map((g) => [g.rule, g.rows, g.field])).toEqual([
      ['amount: too_small', 5, 'amount'], ['ts: invalid_type', 3, 'ts'], ['city: invalid_type', 1, 'city'], ['kind: invalid_value', 1, 'kind'],
    ]);
    expect(tally.groups()[0]!.examples.map((e) => e.line)).toEqual([1, 2, 3].slice(0, MAX_EXAMPLES));
  });

  it('keeps at most MAX_MESSAGES messages per rule and counts the rows of the others', () => {
    const tally = new RuleTally();
    const rows = MAX_MESSAGES + 250;
    for (let line = 1; line <= rows; line++) tally.add(malformed(line, `not valid JSON: Unexpected token at position ${line}`));
    tally.add(malformed(rows + 1, 'not valid JSON: Unexpected token at position 1')); // a kept message is still counted
    const [group] = tally.groups();
    expect(group!.rows).toBe(rows + 1);
    expect(group!.messages.size).toBe(MAX_MESSAGES);
    expect(group!.messages.get('not valid JSON: Unexpected token at position 1')).toBe(2);
    expect(group!.rowsWithOtherMessages).toBe(250);
    const report = buildQualityReport({ counts: { in: rows + 1, valid: 0, quarantined: rows + 1 }, perObject: {}, failingRules: tally, gates: [], fastPath: { compiled: true, sqlRows: 0, zodRows: 0 } });
    expect(report.rules[0]).toMatchObject({
      failingCount: rows + 1,
      messageCount: MAX_MESSAGES + 1,
      message: `not valid JSON: Unexpected token at position 1 — and ${MAX_MESSAGES - 1} or more other messages; each example shows its own`,
    });
  });
});
