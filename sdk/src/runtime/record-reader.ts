/**
 * Raw records of one object, in batches, with bounded memory. The parsing itself is the
 * sources' (`createJsonlParser`, `createCsvParser`), so the event stage decodes records,
 * numbers lines and reports bad records exactly as a local run does; this file only feeds
 * them from a stream, one chunk at a time.
 */
import type { SourceNode } from '../plan/source-node.js';
import { createCsvParser } from '../sources/csv-parser.js';
import type { CsvDecoding } from '../sources/csv-decoding.js';
import { csvDelimiterFor, detectFormat, type DetectedFormat } from '../sources/format-detection.js';
import { createJsonlParser } from '../sources/jsonl-parser.js';
import type { RawRecord } from '../sources/source-object.js';
import { ObjectFormatError, type TextRecordParser } from '../sources/text-record-parser.js';
import { UnreadableObjectError } from './text-stream.js';

export type { RawRecord };

/**
 * Decides an object's format and compression from the plan's source node, else its key.
 *
 * @example
 * ```ts
 * formatOf('in/events.jsonl.gz', undefined) // { format: 'jsonl', compression: 'gzip' }
 * ```
 */
export function formatOf(key: string, source: SourceNode | undefined): DetectedFormat | undefined {
  return detectFormat(key, source?.format, source?.compression ?? 'auto');
}

/**
 * The record parser for an object: JSON lines, or CSV decoded as the schema says (so numeric
 * CSV text becomes numbers and an empty cell a missing value, as in a local run).
 *
 * @example
 * ```ts
 * const parser = parserFor('a.csv', 'csv', source, { columnTypes: { amount: 'number' }, nullColumns: [] });
 * ```
 */
export function parserFor(
  key: string,
  format: 'jsonl' | 'csv',
  source: SourceNode | undefined,
  decoding: CsvDecoding | undefined,
): TextRecordParser {
  if (format === 'jsonl') return createJsonlParser();
  return createCsvParser({
    delimiter: csvDelimiterFor(key, source?.csv?.delimiter),
    header: source?.csv?.header ?? true,
    ...(decoding ? { columnTypes: decoding.columnTypes, nullColumns: decoding.nullColumns } : {}),
  });
}

/**
 * Feeds text chunks to a parser and yields the records each chunk completes.
 *
 * @example
 * ```ts
 * for await (const batch of recordBatches(utf8Text(bytes), createJsonlParser())) rows += batch.length;
 * ```
 * @throws UnreadableObjectError when the object as a whole is not its format (a CSV header that repeats a column).
 */
export async function* recordBatches(text: AsyncIterable<string>, parser: TextRecordParser): AsyncGenerator<RawRecord[]> {
  try {
    for await (const chunk of text) {
      const batch = parser.push(chunk);
      if (batch.length > 0) yield batch;
    }
    const tail = parser.end();
    if (tail.length > 0) yield tail;
  } catch (error) {
    if (error instanceof ObjectFormatError) throw new UnreadableObjectError(error.message, { cause: error });
    throw error;
  }
}
