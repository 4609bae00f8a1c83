/**
 * Tables and charts show text as stored: apache-arrow's `get()` decodes UTF-8 with
 * TextDecoder's defaults, which drop a value's leading U+FEFF, so `'\uFEFFu1'` showed as `'u1'`
 * and a chart drew the entities `'\uFEFFu1'` and `'u1'` as one line.
 */
import { Dictionary, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatColumn } from '../../../sdk/src/format/value-format.js';
import { formatTextTable } from '../../../sdk/src/format/text-table.js';
import { tableToHtml } from '../../../sdk/src/notebook/table-html.js';
import { featurePlotSpec } from '../../../sdk/src/notebook/chart-spec.js';

const BOM = '\uFEFF';

describe('text shown as stored', () => {
  it('formatColumn keeps a leading U+FEFF, of the first rows only, in plain and dictionary vectors', () => {
    const plain = vectorFromArray([`${BOM}u1`, 'u2', null, `${BOM}`], new Utf8());
    expect(formatColumn(plain, new Utf8(), 4)).toEqual([`${BOM}u1`, 'u2', null, BOM]);
    expect(formatColumn(plain.slice(1), new Utf8(), 3)).toEqual(['u2', null, BOM]);
    expect(formatColumn(plain, new Utf8(), 1)).toEqual([`${BOM}u1`]);
    const dictionary = vectorFromArray([`${BOM}a`, 'a', `${BOM}a`], new Dictionary(new Utf8(), new Int32()));
    expect(formatColumn(dictionary, dictionary.type, 3)).toEqual([`${BOM}a`, 'a', `${BOM}a`]);
  });

  it('in the text and HTML tables', () => {
    const table = new Table({ entity_id: vectorFromArray([`${BOM}u1`, 'u1'], new Utf8()) });
    const text = formatTextTable(table);
    expect(text).toContain(`${BOM}u1`);
    expect(tableToHtml(table)).toContain(`${BOM}u1`);
  });

  it('a chart draws ids that differ by a leading U+FEFF as two entities', () => {
    const table = new Table({
      entity_id: vectorFromArray([`${BOM}u1`, 'u1', `${BOM}u1`, 'u1'], new Utf8()),
      feature_ts: vectorFromArray([1, 1, 2, 2].map((d) => new Date(Date.UTC(2024, 0, d)))),
      clicks: vectorFromArray([1, 2, 3, 4], new Float64()),
    });
    const values = (featurePlotSpec(table, 'clicks').data as { values: Record<string, unknown>[] }).values;
    expect(new Set(values.map((v) => v.entity_id))).toEqual(new Set([`${BOM}u1`, 'u1']));
    const one = (featurePlotSpec(table, 'clicks', { entity: `${BOM}u1` }).data as { values: Record<string, unknown>[] }).values;
    expect(one.map((v) => v.clicks)).toEqual([1, 3]);
  });
});
