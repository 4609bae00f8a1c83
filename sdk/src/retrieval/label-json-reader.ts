/**
 * JSON labels, read by the sources' JSON records parser (JSON Lines, records back to back,
 * pretty-printed, or an array of records) and held to the labels' rule: every record is read
 * exactly, or the read fails. A record that is not a JSON object, text that is not JSON, or a
 * document cut short fails with `LABELS_UNREADABLE`, naming the line; an integer id beyond 2^53,
 * which `JSON.parse` would round into another id, keeps its digits as a bigint (as a Parquet
 * INT64 label does).
 */
import { SourceError } from '../errors.js';
import { createJsonlParser } from '../sources/jsonl-parser.js';
import type { RawRecord } from '../sources/source-object.js';
import { ObjectFormatError } from '../sources/text-record-parser.js';

/**
 * The label rows of a JSON text, in the order written.
 *
 * @example
 * ```ts
 * readLabelJson('[{"entity_id": 9007199254740993, "y": 1}]', 's3://b/labels.json')
 * // [{ entity_id: 9007199254740993n, y: 1 }]
 * readLabelJson('{"entity_id": "u1"}\nnot json\n', 'labels.jsonl') // throws LABELS_UNREADABLE (line 2)
 * ```
 */
export function readLabelJson(text: string, uri: string): Record<string, unknown>[] {
  const parser = createJsonlParser();
  let records: RawRecord[];
  try {
    records = [...parser.push(text), ...parser.end()];
  } catch (error) {
    if (!(error instanceof ObjectFormatError)) throw error;
    throw new SourceError('LABELS_UNREADABLE', `The labels object ${uri} cannot be read as JSON records: ${error.message}`, { cause: error });
  }
  return records.map((record) => {
    if (record.value === undefined) {
      throw new SourceError('LABELS_UNREADABLE', `Line ${record.line} of the labels object ${uri} holds a record that cannot be read (${record.error ?? 'not JSON'}): ${shorten(record.raw)}. Labels must be clean: fix or drop that record.`);
    }
    const row: Record<string, unknown> = { ...record.value };
    for (const rounded of record.roundedIntegers ?? []) {
      if (rounded.path.length !== 1) {
        throw new SourceError('LABELS_UNREADABLE', `Line ${record.line} of the labels object ${uri} holds the integer ${rounded.digits} inside a nested object (${rounded.path.join('.')}), beyond what a JSON number keeps exactly. Write it as a top-level field, or as text.`);
      }
      row[rounded.path[0]!] = BigInt(rounded.digits);
    }
    return row;
  });
}

function shorten(raw: string): string {
  const oneLine = raw.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine);
}
