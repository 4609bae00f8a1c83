/**
 * Python 3's `csv` module as an independent CSV oracle: it writes tables with `csv.writer` and
 * reads bytes back with `csv.reader`, so sluice's reading can be compared with an
 * implementation it shares no code with. One `python3` process serves a whole batch of jobs,
 * since a spawn costs tens of milliseconds.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';

/** A table for `csv.writer` to write, and how. */
export interface WriteJob {
  readonly table: readonly (readonly string[])[];
  readonly delimiter: string;
  readonly quoting: 'minimal' | 'all';
  readonly eol: '\r\n' | '\n';
  /** `utf-8-sig` writes a byte-order mark first. */
  readonly encoding: 'utf-8' | 'utf-8-sig';
}

/**
 * Write jobs for these tables and delimiters, in every way csv.writer can be asked to write
 * (both quotings, both line ends, with and without a byte-order mark).
 *
 * @example
 * ```ts
 * const jobs = writeJobs(fc.constant([['a', 'b'], ['1', '2']]), fc.constantFrom(',', ';'));
 * ```
 */
export function writeJobs(table: fc.Arbitrary<string[][]>, delimiter: fc.Arbitrary<string>): fc.Arbitrary<WriteJob> {
  return fc.record({
    table,
    delimiter,
    quoting: fc.constantFrom('minimal', 'all'),
    eol: fc.constantFrom('\r\n', '\n'),
    encoding: fc.constantFrom('utf-8', 'utf-8', 'utf-8-sig'),
  });
}

/** Bytes for `csv.reader` to read as they are. */
export interface ReadJob {
  readonly bytes: Uint8Array;
  readonly delimiter: string;
}

/** What Python read: the rows (a blank line is `[]`, as csv.reader gives it) and where each starts. */
export interface OracleRead {
  /** The bytes read: for a WriteJob, exactly what csv.writer wrote. */
  readonly bytes: Uint8Array;
  readonly rows: string[][];
  /** 1-based line where each row starts, counting lines as Python does (LF, CRLF and lone CR). */
  readonly starts: number[];
  /** csv.reader raised (e.g. a field past its size limit): the rows are then those before. */
  readonly error?: string;
  /**
   * For each row, what csv.reader with `strict=True` says of the row's own text (the lines it
   * was read from): null when it reads it, else its message. Strict mode refuses exactly what
   * sluice documents as a malformed row: text after a closing quote (`',' expected after '"'`),
   * a quote never closed (`unexpected end of data`). The rows themselves are the lenient
   * reader's, since a strict reader resumes after an error at the next line, which need not be
   * where the row ends (`"x" ,"a<CR>b"`).
   */
  readonly strictErrors: (string | null)[];
}

// The text is decoded as utf-8-sig: one leading byte-order mark is dropped, as sluice documents
// (and as a Python user reads a BOM file), anything else is kept as text.
const SCRIPT = String.raw`
import base64, csv, io, json, sys
out = []
for job in json.load(sys.stdin):
    d = job['delimiter']
    if 'table' in job:
        buf = io.StringIO(newline='')
        quoting = csv.QUOTE_ALL if job['quoting'] == 'all' else csv.QUOTE_MINIMAL
        csv.writer(buf, delimiter=d, quoting=quoting, lineterminator=job['eol']).writerows(job['table'])
        data = buf.getvalue().encode(job['encoding'])
    else:
        data = base64.b64decode(job['bytes'])
    text = data.decode('utf-8-sig')
    # The lines csv.reader is fed (split after LF, CRLF or a lone CR), kept to cut out each
    # row's own text for the strict reading below.
    lines = io.StringIO(text, newline='').readlines()
    reader = csv.reader(iter(lines), delimiter=d)
    rows, starts, strict_errors, error = [], [], [], None
    while True:
        start = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            error = str(e)
            break
        rows.append(row)
        starts.append(start + 1)
        try:
            list(csv.reader(io.StringIO(''.join(lines[start:reader.line_num]), newline=''), delimiter=d, strict=True))
            strict_errors.append(None)
        except csv.Error as e:
            strict_errors.append(str(e))
    result = {'bytes': base64.b64encode(data).decode('ascii'), 'rows': rows, 'starts': starts, 'strictErrors': strict_errors}
    if error is not None:
        result['error'] = error
    out.append(result)
json.dump(out, sys.stdout)
`;

/**
 * Runs the jobs through Python's csv module in one process. Fails loudly when `python3` is
 * missing: the oracle is the point of the tests that use it, so they must not pass without it.
 *
 * @example
 * ```ts
 * const [read] = pythonCsv([{ table: [['a', 'b'], ['1', 'x,y']], delimiter: ',', quoting: 'minimal', eol: '\r\n', encoding: 'utf-8' }]);
 * // read.rows: [['a', 'b'], ['1', 'x,y']]; read.bytes: 'a,b\r\n1,"x,y"\r\n' as UTF-8
 * ```
 */
export function pythonCsv(jobs: readonly (WriteJob | ReadJob)[]): OracleRead[] {
  const input = JSON.stringify(jobs.map((job) => ('bytes' in job ? { ...job, bytes: Buffer.from(job.bytes).toString('base64') } : job)));
  const run = spawnSync('python3', ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) {
    throw new Error(`python3 could not be run (${run.error.message}). These tests compare sluice's CSV reading with Python's csv module: install python3 and put it on PATH (CI installs it); they are not skipped without it.`);
  }
  if (run.status !== 0) throw new Error(`the Python csv oracle failed (exit ${run.status}):\n${run.stderr}`);
  const results = JSON.parse(run.stdout) as (Omit<OracleRead, 'bytes'> & { bytes: string })[];
  return results.map((r) => ({ ...r, bytes: new Uint8Array(Buffer.from(r.bytes, 'base64')) }));
}
