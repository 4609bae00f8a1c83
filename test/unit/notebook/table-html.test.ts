import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, Field, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, Int64, Float64, Utf8, makeData, makeVector, vectorFromArray, tableFromArrays } from 'apache-arrow';
import { formatTextTable } from '../../../sdk/src/format/text-table.js';
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

/** A table whose two columns are both named `y` (as a training set keeps two label columns of that name). */
function twoColumnsNamedY(): Table {
  const first = vectorFromArray(['label-A'], new Utf8());
  const second = vectorFromArray(['label-B'], new Utf8());
  const fields = [new Field('y', first.type), new Field('y', second.type)];
  const schema = new Schema(fields);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children: [first.data[0]!, second.data[0]!] }))]);
}

describe('values as they are', () => {
  it('columns that share a name each show their own values', () => {
    const t = twoColumnsNamedY();
    expect(cells(tableToHtml(t), 'td')).toEqual(['label-A', 'label-B']);
    expect(tableToText(t).split('\n')[2]!.trim().split(/\s+/)).toEqual(['label-A', 'label-B']);
    expect(formatTextTable(t).split('\n')[2]!.trim().split(/\s+/)).toEqual(['label-A', 'label-B']);
  });

  it('numbers that differ print differently, and a fraction never prints as a whole number', () => {
    const values = [1234.56789, 1234.56791, 0.99999, 1.99999, 0.123456, 0.123459, 2, 1 + 2 ** -52];
    const t = tableFromArrays({ x: Float64Array.from(values) });
    const shown = cells(tableToHtml(t), 'td');
    expect(new Set(shown).size).toBe(values.length);
    for (const [i, text] of shown.entries()) {
      expect(Number(text.replaceAll(',', '')), text).toBeCloseTo(values[i]!, 3);
      if (!Number.isInteger(values[i])) expect(text).toContain('.');
    }
    // Where four decimals already tell the values apart, the column stays short.
    expect(cells(tableToHtml(tableFromArrays({ x: Float64Array.from([1234.56789, 0.000123456]) })), 'td')).toEqual(['1,234.5679', '0.0001235']);
    const text = formatTextTable(t, { maxWidth: 40 }).split('\n').slice(2, 2 + values.length).map((line) => line.trim());
    expect(new Set(text).size).toBe(values.length);
  });

  it('a decimal shows its exact value', () => {
    const type = new Decimal(2, 10, 128);
    // Unscaled 12345 and -5 (two's complement over four 32-bit words).
    const data = makeData({ type, length: 2, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 0xfffffffb, 0xffffffff, 0xffffffff, 0xffffffff]) });
    const t = new Table({ price: makeVector(data) });
    expect(cells(tableToHtml(t), 'td')).toEqual(['123.45', '-0.05']);
  });

  it('a very long value is cut in HTML with its length stated; a limit that is not a number shows the default 20 rows', () => {
    const t = tableFromArrays({ note: ['x'.repeat(5000)], n: Float64Array.from([1]) });
    const html = tableToHtml(t);
    expect(html).not.toContain('x'.repeat(201));
    expect(html).toContain('(5,000 characters)');
    const many = tableFromArrays({ x: Float64Array.from({ length: 30 }, (_, i) => i) });
    expect(tableToText(many, { limit: Number.NaN }).split('\n').at(-1)).toBe('30 rows × 1 column (showing first 20)');
  });
});
