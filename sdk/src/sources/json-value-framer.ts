import { ObjectFormatError } from './text-record-parser.js';

/** One record's text as the framer cut it out, and the line it starts on (1-based). */
export interface FramedRecord {
  readonly line: number;
  readonly text: string;
}

/**
 * Cuts JSON text that arrives in chunks into records without parsing them: a sequence of
 * top-level values separated by whitespace or nothing at all (`{…}{…}`, as Kinesis Data Firehose
 * writes records when its newline delimiter is off; `jq .` output; one object pretty-printed
 * over many lines), where a top-level array's elements are the records (`[{…}, {…}]`, as APIs
 * and `JSON.stringify(rows)` write them). Each record is handed over whole, with the line it
 * starts on, for `JSON.parse` to decode (or to report malformed).
 *
 * Only the structure is checked: strings (with escapes) are skipped, and brackets are counted.
 * Text the structure cannot place — an array element not followed by `,` or `]`, a stray `]`,
 * text that ends inside a value or an array — throws ObjectFormatError: where one record ends
 * and the next begins is then unknown, so the object is refused whole rather than cut wrongly.
 *
 * @example
 * ```ts
 * const framer = new JsonValueFramer();
 * framer.push('{"a":1}{"a"'); // [{ line: 1, text: '{"a":1}' }]
 * framer.push(':2}\n[{"a":3},\n {"a":4}]'); // [{ line: 1, text: '{"a":2}' }, { line: 2, text: '{"a":3}' }, { line: 3, text: '{"a":4}' }]
 * framer.end(); // []
 * ```
 */
export class JsonValueFramer {
  /** The line the next character is on. */
  private line: number;
  /** Between records at the top level, or inside a top-level array (between or in its elements). */
  private inArray = false;
  /** Inside the array: an element has been read and no comma has followed it yet. */
  private afterElement = false;
  /** The line the top-level array opened on (for the message when it never closes). */
  private arrayLine = 0;
  /** Elements read in the current top-level array. */
  private elementsSeen = 0;
  /** The record being read: its text so far, in pieces, and where it started. */
  private pieces: string[] = [];
  private recordLine = 0;
  private kind: 'none' | 'nested' | 'string' | 'scalar' = 'none';
  /** Open brackets of the record being read (nested kind). */
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(firstLine = 1) {
    this.line = firstLine;
  }

  /**
   * Frames `text`, the next chunk; returns the records it completed.
   *
   * @example
   * ```ts
   * new JsonValueFramer().push('{"a":1} {"a":2}') // [{ line: 1, text: '{"a":1}' }, { line: 1, text: '{"a":2}' }]
   * ```
   */
  push(text: string): FramedRecord[] {
    const out: FramedRecord[] = [];
    /** Where the current record's text starts in this chunk (-1: it did not start in this chunk or is not being read). */
    let from = this.kind === 'none' ? -1 : 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.kind !== 'none') {
        if (this.continues(c)) {
          if (c === NEWLINE) this.line++;
          continue;
        }
        // The record ended: at i (exclusive) for a scalar, which ends at the first character not its own; after i otherwise.
        const end = this.kind === 'scalar' ? i : i + 1;
        this.pieces.push(text.slice(from, end));
        this.finishRecord(out);
        from = -1;
        if (end === i + 1) continue; // the closing character was the record's
      }
      // Between records (at the top level, or inside the top-level array).
      if (c === NEWLINE) {
        this.line++;
        continue;
      }
      if (c === SPACE || c === TAB || c === RETURN || c === BOM) continue;
      if (this.inArray) {
        if (c === COMMA) {
          if (!this.afterElement) throw this.unplaced(',', 'a comma where an array element should be');
          this.afterElement = false;
          continue;
        }
        if (c === CLOSE_BRACKET) {
          if (!this.afterElement && this.elementsSeen > 0) throw this.unplaced(']', 'a comma before the closing bracket');
          this.inArray = false;
          continue;
        }
        if (this.afterElement) throw this.unplaced(text[i]!, 'an array element not separated from the one before by a comma');
      } else {
        if (c === OPEN_BRACKET) {
          this.inArray = true;
          this.afterElement = false;
          this.elementsSeen = 0;
          this.arrayLine = this.line;
          continue;
        }
        if (c === CLOSE_BRACKET || c === CLOSE_BRACE || c === COMMA) throw this.unplaced(text[i]!, 'a character no record opened');
      }
      // A record starts here.
      this.recordLine = this.line;
      from = i;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.kind = 'nested';
        this.depth = 1;
      } else if (c === QUOTE) {
        this.kind = 'string';
        this.inString = true;
      } else {
        this.kind = 'scalar';
      }
    }
    if (this.kind !== 'none' && from !== -1) this.pieces.push(text.slice(from));
    return out;
  }

  /**
   * The records completed by the end of the text; throws ObjectFormatError when it ends inside
   * a record or an array.
   *
   * @example
   * ```ts
   * const framer = new JsonValueFramer();
   * framer.push('{"a":1} 42');
   * framer.end() // [{ line: 1, text: '42' }]
   * ```
   */
  end(): FramedRecord[] {
    const out: FramedRecord[] = [];
    if (this.kind === 'scalar') this.finishRecord(out);
    if (this.kind !== 'none') {
      throw new ObjectFormatError(`its JSON text ends inside the record that starts on line ${this.recordLine} (an unclosed ${this.kind === 'string' ? 'string' : 'object or array'}): the object looks truncated.`);
    }
    if (this.inArray) {
      throw new ObjectFormatError(`its JSON text ends inside the array that opens on line ${this.arrayLine} (no closing "]"): the object looks truncated.`);
    }
    return out;
  }

  /** The line the next character is on. */
  get currentLine(): number {
    return this.line;
  }

  /** Whether character `c` belongs to the record being read. */
  private continues(c: number): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.inString = false;
        // A top-level string ends with its closing quote.
        if (this.kind === 'string') return false;
      }
      return true;
    }
    if (this.kind === 'scalar') return !(c === SPACE || c === TAB || c === RETURN || c === NEWLINE || STRUCTURAL.has(c));
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) return --this.depth > 0;
    return true;
  }

  private finishRecord(out: FramedRecord[]): void {
    out.push({ line: this.recordLine, text: this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('') });
    this.pieces = [];
    this.kind = 'none';
    if (this.inArray) {
      this.afterElement = true;
      this.elementsSeen++;
    }
  }

  private unplaced(char: string, what: string): ObjectFormatError {
    return new ObjectFormatError(`its JSON text has ${what} ("${char}" on line ${this.line}), so where its records begin and end is unclear. Check the producer, or write the records as JSON Lines (one object per line).`);
  }
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const BOM = 0xfeff;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Characters that end a scalar (a number, true, false, null, or text that is none of them). */
const STRUCTURAL = new Set([OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA, QUOTE]);
