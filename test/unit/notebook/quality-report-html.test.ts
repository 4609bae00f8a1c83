import { describe, expect, it } from 'vitest';
import type { QualityReport } from '../../../sdk/src/quality/quality-report.js';
import { conservationLine, formatIssuePath, qualityReportToHtml, qualityReportToText } from '../../../sdk/src/notebook/quality-report-html.js';
import { formatQualityReport } from '../../../sdk/src/format/quality-report-text.js';

const badRow = {
  object: 'events/a.jsonl',
  line: 7,
  raw: '{"user_id":"<img src=x onerror=alert(1)>","amount":-1}',
  issues: [
    { path: ['amount'], code: 'too_small', message: 'Too small: expected number to be >=0' },
    { path: ['items', 1, 'sku'], code: 'invalid_type', message: 'Invalid input: expected string, received undefined' },
  ],
};

const report: QualityReport = {
  counts: { in: 1000, valid: 990, quarantined: 10 },
  perObject: { 'events/a.jsonl': { in: 600, valid: 595, quarantined: 5 }, 'events/<b>.jsonl': { in: 400, valid: 395, quarantined: 5 } },
  rules: [
    { rule: 'amount: too_small', passed: false, failingCount: 10, examples: [badRow], message: 'Too small: expected number to be >=0' },
    { rule: 'user_id', passed: true, failingCount: 0, examples: [] },
  ],
  gates: [
    { gate: 'maxInvalidRatio', passed: false, detail: '1.0% invalid > 0.5% allowed' },
    { gate: 'unique(event_id)', passed: true, detail: 'no duplicates' },
  ],
  columns: [{ name: 'amount', type: 'number', count: 990, nullCount: 900, nullRate: 900 / 990, distinctCount: 85, min: 0.5, max: 123.456789, mean: 20.25, stddev: null }],
  fastPath: { compiled: true, sqlRows: 985, zodRows: 15 },
  unreadableObjects: [],
};

const rowsOf = (html: string, cls: string) =>
  [...html.matchAll(new RegExp(`<tr class="${cls}" data-[a-z]+="([^"]*)" data-passed="(true|false)">`, 'g'))].map((m) => [m[1], m[2]]);

describe('qualityReportToHtml', () => {
  it('shows the conservation line with its numbers', () => {
    const html = qualityReportToHtml(report);
    expect(html).toContain('in 1,000 = valid 990 + quarantined 10');
    expect(html).toMatch(/data-in="1000" data-valid="990" data-quarantined="10"/);
  });

  it('shows pass or fail per rule and per gate, and fails overall when a gate fails', () => {
    const html = qualityReportToHtml(report);
    expect(rowsOf(html, 'sluice-rule')).toEqual([
      ['amount: too_small', 'false'],
      ['user_id', 'true'],
    ]);
    expect(rowsOf(html, 'sluice-gate')).toEqual([
      ['maxInvalidRatio', 'false'],
      ['unique(event_id)', 'true'],
    ]);
    // The verdict is the gates' (and the row count's), not the rules': a rule fails in both.
    expect(html).toMatch(/Quality report · gates <span[^>]*>✗ fail/);
    const passing = qualityReportToHtml({ ...report, gates: [report.gates[1]!] });
    expect(passing).toMatch(/Quality report · gates <span[^>]*>✓ pass/);
    expect(qualityReportToText({ ...report, gates: [report.gates[1]!] }).split('\n')[0]).toBe('Quality report — gates passed ✔');
    expect(qualityReportToText({ ...report, gates: [] }).split('\n')[0]).toBe('Quality report — no gates ✔');
  });

  it('lists failing rows with their zod issues, escaped', () => {
    const html = qualityReportToHtml(report);
    expect(html).toContain('events/a.jsonl:7');
    expect(html).toContain('<code>items[1].sku</code>');
    expect(html).toContain('Too small: expected number to be &gt;=0');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>.jsonl');
    expect(html).toContain('events/&lt;b&gt;.jsonl');
  });

  it('shows column profiles', () => {
    const html = qualityReportToHtml(report);
    const row = html.match(/<table class="sluice-columns".*?<tbody><tr>(.*?)<\/tr>/)![1]!;
    const values = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    // Extremes exactly (rounded, 123.456789 showed as 123.5, a maximum above every value); the mean rounded.
    expect(values).toEqual(['amount', 'number', '900', '90.9%', '85', '0.5', '123.456789', '20.25', '']);
  });

  it('lists objects quarantined whole, escaped', () => {
    const html = qualityReportToHtml({ ...report, unreadableObjects: [{ object: 'events/<c>.jsonl.gz', error: 'unexpected end of file' }] });
    expect(html).toMatch(/<ul class="sluice-unreadable"[^>]*><li>.*<code>events\/&lt;c&gt;\.jsonl\.gz<\/code>: unexpected end of file<\/li><\/ul>/);
  });

  it('says why SQL left rows to zod that zod accepted, escaped', () => {
    const html = qualityReportToHtml({ ...report, fastPath: { ...report.fastPath, zodAccepted: [{ field: 'ts', rows: 12, example: '"<2024-03-01t10:00Z>"' }, { field: '(row)', rows: 3 }] } });
    expect(html).toContain('fast path: SQL accepted 985 rows; zod checked 15; zod accepted rows SQL did not read: ts 12 (e.g. &quot;&lt;2024-03-01t10:00Z&gt;&quot;), (row) 3');
  });

  it('flags a broken conservation law', () => {
    const html = qualityReportToHtml({ ...report, counts: { in: 1000, valid: 990, quarantined: 9 } });
    expect(html).toContain('in 1,000 ≠ valid 990 + quarantined 9');
    expect(html).toContain('rows lost or duplicated');
  });
});

describe('qualityReportToText', () => {
  it('is the CLI\'s report with a heading that gives the verdict', () => {
    expect(qualityReportToText(report).split('\n')).toEqual([
      'Quality report — 1 gate failed ✖',
      'in 1,000 = valid 990 + quarantined 10',
      'fast path: SQL accepted 985 rows; zod checked 15',
      '',
      'rules',
      '  ✖ amount: too_small  10 rows  (Too small: expected number to be >=0)',
      '      events/a.jsonl:7  {"user_id":"<img src=x onerror=alert(1)>","amount":-1}',
      '  ✔ user_id',
      '',
      'gates',
      '  ✖ maxInvalidRatio: 1.0% invalid > 0.5% allowed',
      '  ✔ unique(event_id): no duplicates',
      '',
      'objects',
      '  events/a.jsonl: in 600 = valid 595 + quarantined 5',
      '  events/<b>.jsonl: in 400 = valid 395 + quarantined 5',
      '',
      'columns',
      '  column  type    nulls  null %  distinct  min  max          mean  stddev',
      '  amount  number    900   90.9%        85  0.5  123.456789  20.25',
    ]);
    expect(qualityReportToText(report).split('\n').slice(1)).toEqual(formatQualityReport(report).split('\n'));
  });

  it('flags a broken conservation law', () => {
    const text = qualityReportToText({ ...report, counts: { in: 1000, valid: 990, quarantined: 9 } });
    expect(text.split('\n').slice(0, 2)).toEqual(['Quality report — rows lost ✖', 'in 1,000 ≠ valid 990 + quarantined 9  ✖ rows lost or duplicated']);
  });

  it('takes the display options: examples and characters of each raw row', () => {
    const text = qualityReportToText(report, { examples: 0 });
    expect(text).not.toContain('events/a.jsonl:7');
    expect(qualityReportToText(report, { rawChars: 12 })).toContain('      events/a.jsonl:7  {"user_id":…');
  });
});

describe('helpers', () => {
  it('formats paths like zod', () => {
    expect(formatIssuePath([])).toBe('(row)');
    expect(formatIssuePath(['a', 0, 'b'])).toBe('a[0].b');
    expect(formatIssuePath([2])).toBe('[2]');
  });
  it('checks in = valid + quarantined', () => {
    expect(conservationLine({ in: 3, valid: 2, quarantined: 1 }).holds).toBe(true);
    expect(conservationLine({ in: 3, valid: 2, quarantined: 2 }).holds).toBe(false);
  });
});
