/** One CSV row as split from the text, before header matching and typing. */
export interface CsvRow {
  /** 1-based line where the row starts (a quoted field may span lines). */
  readonly line: number;
  /** The row's original text, without its line terminator. */
  readonly raw: string;
  readonly fields: string[];
  /** Set when the row breaks RFC 4180 (text after a closing quote, an unterminated quote). */
  readonly error?: string;
}

const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** Saw `"` inside a quoted field: either `""` (an escaped quote) or the closing quote. */
  QuoteInQuoted: 3,
  /** After the closing quote: only a delimiter or a line end may follow. */
  AfterQuoted: 4,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * An incremental RFC 4180 row splitter: quoted fields, `""` escapes, delimiters and line
 * breaks inside quotes, LF, CRLF or lone CR line ends. Text arrives in chunks of any size.
 * It is lenient where that loses nothing (a quote inside an unquoted field is kept as a
 * character) and marks a row with `error` where it would have to guess (text after a closing
 * quote, a quote never closed). Blank lines produce no row but are counted. Line numbers
 * count LF (or CRLF) line ends, and a lone CR where it ends a row; a CR inside a quoted field
 * is kept as a character and does not count.
 *
 * @example
 * ```ts
 * const s = new CsvRowSplitter(',');
 * s.push('a,"b ""x""",c\r\n1,"multi\nline",3');
 * // [{ line: 1, raw: 'a,"b ""x""",c', fields: ['a', 'b "x"', 'c'] }]
 * s.end();
 * // [{ line: 2, raw: '1,"multi\nline",3', fields: ['1', 'multi\nline', '3'] }]
 * ```
 */
export class CsvRowSplitter {
  readonly #delimiter: string;
  #state: State = State.FieldStart;
  #fields: string[] = [];
  #field = '';
  #rawDone = '';
  #rowLine = 1;
  #line = 1;
  #error: string | undefined;
  #skipLf = false;
  #quoteLine = 1;

  readonly #unquotedEnd: RegExp;

  constructor(delimiter: string) {
    this.#delimiter = delimiter;
    this.#unquotedEnd = new RegExp(`[${delimiter.replace(/[\\\]^-]/g, '\\$&')}\\r\\n]`, 'g');
  }

  /** The line the splitter has reached. */
  get line(): number {
    return this.#line;
  }

  push(text: string): CsvRow[] {
    const out: CsvRow[] = [];
    const delimiter = this.#delimiter;
    let rawStart = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.#skipLf) {
        this.#skipLf = false;
        if (ch === '\n') {
          rawStart = i + 1;
          continue;
        }
      }
      switch (this.#state) {
        case State.Quoted: {
          // Take the run up to the next quote in one slice; count the line breaks inside it.
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? text.length : quote;
          const run = text.slice(i, end);
          this.#field += run;
          for (let nl = run.indexOf('\n'); nl !== -1; nl = run.indexOf('\n', nl + 1)) this.#line++;
          if (quote !== -1) this.#state = State.QuoteInQuoted;
          i = end;
          continue;
        }
        case State.QuoteInQuoted:
          if (ch === '"') {
            this.#field += '"';
            this.#state = State.Quoted;
            continue;
          }
          this.#state = State.AfterQuoted;
          break; // the character is handled below as the one after a closing quote
        default:
          break;
      }
      if (ch === delimiter) {
        this.#fields.push(this.#field);
        this.#field = '';
        this.#state = State.FieldStart;
      } else if (ch === '\n' || ch === '\r') {
        const raw = this.#rawDone + text.slice(rawStart, i);
        this.#finishRow(raw, out);
        this.#line++;
        this.#rowLine = this.#line;
        this.#skipLf = ch === '\r';
        rawStart = i + 1;
      } else if (this.#state === State.FieldStart && ch === '"') {
        this.#state = State.Quoted;
        this.#quoteLine = this.#line;
      } else if (this.#state === State.AfterQuoted) {
        this.#error ??= `unexpected text after the closing quote of field ${this.#fields.length + 1}; a field with quotes must be quoted as a whole, with inner quotes doubled ("")`;
        this.#field += ch;
      } else {
        // An unquoted run ends only at a delimiter or a line end: take it in one slice.
        this.#state = State.Unquoted;
        this.#unquotedEnd.lastIndex = i;
        const end = this.#unquotedEnd.test(text) ? this.#unquotedEnd.lastIndex - 1 : text.length;
        this.#field += text.slice(i, end);
        i = end - 1;
      }
    }
    this.#rawDone += text.slice(rawStart);
    return out;
  }

  end(): CsvRow[] {
    const out: CsvRow[] = [];
    if (this.#state === State.Quoted) {
      this.#error ??= `a quoted field opened on line ${this.#quoteLine} is never closed`;
    }
    if (this.#state === State.QuoteInQuoted) this.#state = State.AfterQuoted;
    this.#finishRow(this.#rawDone, out);
    return out;
  }

  #finishRow(raw: string, out: CsvRow[]): void {
    const blank = raw === '' && this.#fields.length === 0 && this.#state === State.FieldStart;
    if (!blank) {
      this.#fields.push(this.#field);
      out.push(this.#error === undefined
        ? { line: this.#rowLine, raw, fields: this.#fields }
        : { line: this.#rowLine, raw, fields: this.#fields, error: this.#error });
    }
    this.#fields = [];
    this.#field = '';
    this.#rawDone = '';
    this.#error = undefined;
    this.#state = State.FieldStart;
  }
}
