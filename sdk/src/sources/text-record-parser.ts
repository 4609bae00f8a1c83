import type { RawRecord } from './source-object.js';

/**
 * Turns decoded text, pushed in arbitrary chunks, into records. `push` returns the records
 * completed by that chunk; `end` the ones completed by the end of the text. A problem with
 * the object as a whole (a CSV header that repeats a column) is thrown as `ObjectFormatError`.
 */
export interface TextRecordParser {
  push(text: string): RawRecord[];
  end(): RawRecord[];
  /** The 1-based line number the parser has reached (for error messages). */
  readonly line: number;
}

/** The object as a whole cannot be read as its format (not one bad record). */
export class ObjectFormatError extends Error {}
