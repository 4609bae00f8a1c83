/**
 * Where a local run keeps its quarantined rows until the quarantine zone is written: as JSON
 * lines, in memory while they are few and in a temporary file once they are many, with their
 * counts per object and per rule (for the conservation law and the report) kept beside them.
 *
 * Why not an array of rows: a schema that does not fit the data quarantines every row, and a
 * row held as a JS object (raw text, issues, paths, messages) costs about 2.5 KB of heap. One
 * million such rows took 2.6 GB, and a few million ended the process with "JavaScript heap out
 * of memory" instead of a report that says which rule failed. Here a row costs its JSON line,
 * on disk past the first QUARANTINE_MEMORY_CHARS.
 */
import { closeSync, openSync, readSync, rmSync, writeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuarantinedRow } from '../../quality/quarantine.js';
import { RuleTally } from '../../quality/rule-tally.js';

/** JSON text kept in memory before the lines go to a temporary file (about 32 MB of UTF-16). */
export const QUARANTINE_MEMORY_CHARS = 16 * 1024 * 1024;

/** Lines are encoded and written this many characters at a time. */
const CHUNK_CHARS = 4 * 1024 * 1024;

/**
 * @example
 * ```ts
 * const spool = new QuarantineSpool();
 * spool.add({ object: 'events.jsonl', line: 7, raw: '{"amount":-1}', issues: [{ path: ['amount'], code: 'too_small', message: '…' }] });
 * spool.count // 1
 * for (const bytes of spool.chunks()) process.stdout.write(bytes);
 * spool.dispose();
 * ```
 */
export class QuarantineSpool {
  readonly rules = new RuleTally();
  readonly #byObject = new Map<string, number>();
  #count = 0;
  #pending: string[] = [];
  #pendingChars = 0;
  #file: { folder: string; path: string; fd: number } | undefined;
  readonly #memoryChars: number;

  /** `memoryChars`: how much JSON text stays in memory before it goes to a temporary file. */
  constructor(options: { memoryChars?: number } = {}) {
    this.#memoryChars = options.memoryChars ?? QUARANTINE_MEMORY_CHARS;
  }

  /** Rows quarantined so far. */
  get count(): number {
    return this.#count;
  }

  /** The temporary folder holding the lines once they outgrew memory (undefined before, and after dispose()). */
  get temporaryFolder(): string | undefined {
    return this.#file?.folder;
  }

  add(row: QuarantinedRow): void {
    this.#count++;
    this.#byObject.set(row.object, (this.#byObject.get(row.object) ?? 0) + 1);
    this.rules.add(row);
    const line = JSON.stringify(row);
    this.#pending.push(line);
    this.#pendingChars += line.length + 1;
    if (this.#pendingChars >= this.#memoryChars) this.#spill();
  }

  /** Rows quarantined per object. */
  countsByObject(): ReadonlyMap<string, number> {
    return this.#byObject;
  }

  /** Every row's JSON line, in the order added, as UTF-8 chunks of a few MB (each ends with a newline). */
  *chunks(): Generator<Buffer> {
    if (this.#file) {
      const buffer = Buffer.alloc(CHUNK_CHARS);
      let position = 0;
      for (;;) {
        const read = readSync(this.#file.fd, buffer, 0, buffer.length, position);
        if (read === 0) break;
        position += read;
        yield Buffer.from(buffer.subarray(0, read));
      }
    }
    yield* encodeLines(this.#pending);
  }

  /**
   * Every row, parsed back from its line. For tests and small quarantines: a large one is read
   * whole into memory here, which is what the spool exists to avoid.
   */
  rows(): QuarantinedRow[] {
    const text = Buffer.concat([...this.chunks()]).toString('utf8');
    return text === '' ? [] : text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as QuarantinedRow);
  }

  /** Removes the temporary file, if there is one. The lines are gone afterwards; the counts stay. */
  dispose(): void {
    if (this.#file) {
      closeSync(this.#file.fd);
      rmSync(this.#file.folder, { recursive: true, force: true });
      this.#file = undefined;
    }
    this.#pending = [];
    this.#pendingChars = 0;
  }

  #spill(): void {
    if (!this.#file) {
      const folder = mkdtempSync(join(tmpdir(), 'sluice-quarantine-'));
      const path = join(folder, 'rows.jsonl');
      this.#file = { folder, path, fd: openSync(path, 'w+') };
    }
    for (const bytes of encodeLines(this.#pending)) writeSync(this.#file.fd, bytes);
    this.#pending = [];
    this.#pendingChars = 0;
  }
}

/**
 * Lines as UTF-8, a few MB at a time: one joined string of 1.5 million lines passed V8's
 * longest string (2^29 characters).
 */
function* encodeLines(lines: readonly string[]): Generator<Buffer> {
  let start = 0;
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    chars += lines[i]!.length + 1;
    if (chars >= CHUNK_CHARS || i === lines.length - 1) {
      yield Buffer.from(`${lines.slice(start, i + 1).join('\n')}\n`, 'utf8');
      start = i + 1;
      chars = 0;
    }
  }
}
