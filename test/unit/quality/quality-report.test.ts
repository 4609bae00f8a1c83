import { describe, expect, it } from 'vitest';
import { buildQualityReport } from '../../../sdk/src/quality/quality-report.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';
import type { QuarantinedRow } from '../../../sdk/src/quality/quarantine.js';
import { RuleTally } from '../../../sdk/src/quality/rule-tally.js';

function tally(rows: readonly QuarantinedRow[]): RuleTally {
  const t = new RuleTally();
  for (const row of rows) t.add(row);
  return t;
}

const quarantined: QuarantinedRow[] = [
  { object: 'a.jsonl', line: 3, raw: '{"amount":-1}', issues: [{ path: ['amount'], code: 'too_small', message: 'Too small: expected number to be >=0' }] },
  { object: 'a.jsonl', line: 9, raw: '{"amount":-2,"ts":"x"}', issues: [{ path: ['amount'], code: 'too_small', message: 'Too small: expected number to be >=0' }, { path: ['ts'], code: 'invalid_type', message: 'Invalid input: expected date, received Date' }] },
  { object: 'b.jsonl', line: 1, raw: '{"amou', issues: [{ path: [], code: 'malformed_record', message: 'Unexpected end of JSON input' }] },
];

const report = buildQualityReport({
  counts: { in: 200_000, valid: 199_997, quarantined: 3 },
  perObject: { 'a.jsonl': { in: 100_000, valid: 99_998, quarantined: 2 }, 'b.jsonl': { in: 100_000, valid: 99_999, quarantined: 1 } },
  failingRules: tally(quarantined),
  gates: [{ gate: 'maxInvalidRatio', passed: true, detail: 'quarantined 3 of 200,000 rows (0.0015%); limit 1%' }],
  profile: { version: 1, rowCount: 199_997, columns: [
    { name: 'amount', type: 'number', count: 199_997, nullCount: 12, nullRate: 12 / 199_997, distinctCount: 1000, min: 0, max: 99.5, mean: 49.75, stddev: 28.9 },
    { name: 'user_id', type: 'string', count: 199_997, nullCount: 0, nullRate: 0, distinctCount: 2000, min: 'u0', max: 'u999' },
  ] },
  fastPath: { compiled: true, sqlRows: 199_995, zodRows: 4, fields: [{ name: 'amount' }, { name: 'user_id' }, { name: 'ts' }] },
});

describe('quality report', () => {
  it('groups quarantined rows into one rule per issue code and path, most frequent first', () => {
    expect(report.rules.map((r) => [r.rule, r.passed, r.failingCount])).toEqual([
      ['amount: too_small', false, 2],
      ['(row): malformed_record', false, 1],
      ['ts: invalid_type', false, 1],
      ['user_id', true, 0],
    ]);
    expect(report.rules[0]!.examples.map((e) => e.line)).toEqual([3, 9]);
  });

  it('renders the conservation line first, then rules, gates and an aligned column table', () => {
    const text = formatQualityReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('in 200,000 = valid 199,997 + quarantined 3');
    expect(text).toContain('  ✖ amount: too_small        2 rows  (Too small: expected number to be >=0)');
    expect(text).toContain('      a.jsonl:3  {"amount":-1}');
    expect(text).toContain('  ✔ user_id');
    expect(text).toContain('  ✔ maxInvalidRatio: quarantined 3 of 200,000 rows');
    const header = lines.indexOf('columns') + 1;
    const table = lines.slice(header, header + 3);
    // Aligned: every row of the table puts its null count's last digit in the same column.
    const nullsEnd = table[0]!.indexOf('nulls') + 'nulls'.length;
    expect(table[1]!.slice(nullsEnd - 2, nullsEnd)).toBe('12');
    expect(table[2]!.slice(nullsEnd - 1, nullsEnd)).toBe('0');
  });

  it('shows a column\'s min and max exactly (rounded, a maximum read larger than any value), its mean and stddev rounded', () => {
    const prices = buildQualityReport({
      counts: { in: 2, valid: 2, quarantined: 0 }, perObject: {}, failingRules: new RuleTally(), gates: [],
      profile: { version: 1, rowCount: 2, columns: [{ name: 'price', type: 'number', count: 2, nullCount: 0, nullRate: 0, distinctCount: 2, min: 12345.61, max: 12345.67, mean: 12345.64, stddev: 0.04242640687 }] },
      fastPath: { compiled: true, sqlRows: 2, zodRows: 0, fields: [{ name: 'price' }] },
    });
    const row = formatQualityReport(prices).split('\n').find((line) => line.trimStart().startsWith('price'))!.trim().split(/\s{2,}/);
    expect(row).toEqual(['price', 'number', '0', '0.0%', '2', '12,345.61', '12,345.67', '12,345.64', '0.04243']);
  });
});

describe("zod's messages that read like a bug", () => {
  it('the rule says what they mean; the rows keep zod\'s own words', () => {
    const ts = report.rules.find((r) => r.rule === 'ts: invalid_type')!;
    expect(ts.message).toBe('Invalid input: expected date, received Date: a missing value, or text new Date() could not read as a date (such as "yesterday", or an impossible date)');
    expect(ts.examples[0]!.issues[1]!.message).toBe('Invalid input: expected date, received Date');
    const missing = buildQualityReport({
      counts: { in: 1, valid: 0, quarantined: 1 }, perObject: {}, gates: [], fastPath: { compiled: true, sqlRows: 0, zodRows: 1 },
      failingRules: tally([{ object: 'c.jsonl', line: 1, raw: '{}', issues: [{ path: ['city'], code: 'invalid_type', message: 'Invalid input: expected nonoptional, received undefined' }] }]),
    });
    expect(missing.rules[0]!.message).toBe('Invalid input: expected nonoptional, received undefined: the key is missing');
    // Messages that say what they mean are left as they are.
    expect(report.rules[0]!.message).toBe('Too small: expected number to be >=0');
  });
});

describe('a rule whose rows carry different messages', () => {
  it('says so instead of naming one message for all, and each example shows its own', () => {
    const ragged: QuarantinedRow[] = [
      { object: 'e.csv', line: 2, raw: 'c1,u1,click,2,x,y', issues: [{ path: [], code: 'malformed_record', message: 'row has 6 fields, header has 5' }] },
      { object: 'e.csv', line: 5, raw: 'c6,u3,click,2', issues: [{ path: [], code: 'malformed_record', message: 'row has 4 fields, header has 5' }] },
      { object: 'e.csv', line: 7, raw: 'c8,u1,view,1,a,b', issues: [{ path: [], code: 'malformed_record', message: 'row has 6 fields, header has 5' }] },
    ];
    const r = buildQualityReport({ counts: { in: 10, valid: 7, quarantined: 3 }, perObject: {}, failingRules: tally(ragged), gates: [], fastPath: { compiled: true, sqlRows: 7, zodRows: 0 } });
    expect(r.rules[0]).toMatchObject({ rule: '(row): malformed_record', failingCount: 3, messageCount: 2, message: 'row has 6 fields, header has 5 — and 1 other message; each example shows its own' });
    const text = formatQualityReport(r);
    expect(text).toContain('      e.csv:5  c6,u3,click,2  — row has 4 fields, header has 5');
    expect(text).toContain('      e.csv:2  c1,u1,click,2,x,y  — row has 6 fields, header has 5');
    // One message: examples carry no repetition of it.
    expect(formatQualityReport(report)).toContain('      a.jsonl:3  {"amount":-1}\n');
  });
});
