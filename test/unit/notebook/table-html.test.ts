import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Table, TimestampMicrosecond, Int64, Float64, Utf8, vectorFromArray, tableFromArrays } from 'apache-arrow';
import { escapeHtml } from '../../../sdk/src/notebook/html-escape.js';
import { tableToHtml, tableToText } from '../../../sdk/src/notebook/table-html.js';

// A naive decoder, independent of escapeHtml, for reading cell text back out of the HTML.
function decode(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function cells(html: string, tag: 'td' | 'th'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>(.*?)</${tag}>`, "g"))].map((m) => m[1]!);
}

function sample(): Table {
  return new Table({
    entity_id: vectorFromArray(['u1', '<script>alert(1)</script>', null], new Utf8()),
    feature_ts: vectorFromArray(
      [new Date('2024-01-01T00:00:00Z'), new Date('2024-03-10T07:30:00.250Z'), null],
      new TimestampMicrosecond(),
    ),
    clicks_7d: vectorFromArray([3n, 12345n, null], new Int64()),
    spend_30d: vectorFromArray([1234.56789, 0.000123456, null], new Float64()),
  });
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and round-trips', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(decode(e)).toBe(s);
      }),
    );
  });
});

describe('tableToHtml', () => {
  it('shows column names with types, formatted values, marked nulls and a row count', () => {
    const html = tableToHtml(sample(), { title: 'features <preview>' });
    const header = cells(html, 'th').map((h) => h.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(header).toEqual(['entity_id string', 'feature_ts timestamp', 'clicks_7d int64', 'spend_30d float64']);
    const body = cells(html, 'td');
    expect(body).toHaveLength(12);
    // Timestamps in UTC even though the tests run in America/New_York.
    expect(body.slice(0, 4).map(decode)).toEqual(['u1', '2024-01-01T00:00:00Z', '3', '1,234.5679']);
    expect(decode(body[4]!)).toBe('<script>alert(1)</script>');
    expect(body.slice(5, 8).map(decode)).toEqual(['2024-03-10T07:30:00.250Z', '12,345', '0.0001235']);
    const nullMarkers = body.slice(8).filter((c) => c.includes('sluice-null'));
    expect(nullMarkers).toHaveLength(4);
    expect(html).not.toContain('<script>');
    expect(html).toContain('features &lt;preview&gt;');
    expect(html).toContain('3 rows × 4 columns');
  });

  it('shows only `limit` rows but states the full size', () => {
    const n = 57;
    const t = tableFromArrays({ x: Float64Array.from({ length: n }, (_, i) => i) });
    const html = tableToHtml(t, { limit: 5 });
    expect(cells(html, 'td')).toHaveLength(5);
    expect(html).toContain('57 rows × 1 column (showing first 5)');
  });

  it('renders an empty table', () => {
    const t = new Table({ a: vectorFromArray([], new Utf8()) });
    const html = tableToHtml(t);
    expect(cells(html, 'td')).toHaveLength(0);
    expect(html).toContain('0 rows × 1 column');
  });
});

describe('tableToText', () => {
  it('aligns columns, marks nulls and counts rows', () => {
    const t = new Table({
      name: vectorFromArray(['a', null], new Utf8()),
      n: vectorFromArray([5n, 1000n], new Int64()),
    });
    expect(tableToText(t)).toBe(
      ['name (string)  n (int64)', '─────────────  ─────────', 'a                      5', '∅                  1,000', '2 rows × 2 columns'].join('\n'),
    );
  });
});
