/**
 * Text read back from DuckDB keeps a leading U+FEFF. `@duckdb/node-api` (1.5) decodes every
 * VARCHAR value with one shared `new TextDecoder()`, whose default drops a byte-order mark at
 * the start of its input — of each value, not of a file. So `'\uFEFFu1'` came back as `'u1'`:
 * a `.map()` merged two entities into one, the quarantine rewrote the raw text of a line it
 * kept, and previews and training sets showed other values than the store holds. A byte-order
 * mark inside a value is data; only the readers of whole files (sources/) drop one at the start.
 */
import { createRequire } from 'node:module';
import { TextDecoder } from 'node:util';

interface DataAccessors {
  textDecoder: TextDecoder;
}

let applied = false;

/**
 * Makes the DuckDB client decode VARCHAR values exactly (idempotent; the client's decoder is one
 * per process, so this holds for every connection). Call before reading text from DuckDB.
 *
 * @example
 * ```ts
 * keepLeadingByteOrderMarks();
 * (await connection.runAndReadAll(`SELECT chr(65279) || 'u1' AS s`)).getRowObjectsJS() // [{ s: '\uFEFFu1' }]
 * ```
 */
export function keepLeadingByteOrderMarks(): void {
  if (applied) return;
  const accessors = createRequire(import.meta.url)('@duckdb/node-api/lib/vectors/dataAccessors.js') as Partial<DataAccessors>;
  // Replaced only where it is the shape this was written for: another client version may decode
  // text differently, and the test over this behaviour then says so.
  if (accessors.textDecoder instanceof TextDecoder && !accessors.textDecoder.ignoreBOM) {
    accessors.textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
  }
  applied = true;
}
