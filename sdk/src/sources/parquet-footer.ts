/**
 * A Parquet file's footer, read without touching its data: enough to tell a file that is not
 * Parquet (or was cut short) from one that is, and to name its content cheaply.
 *
 * Layout: `PAR1` · data pages · footer (thrift FileMetaData) · 4-byte little-endian footer
 * length · `PAR1`. A truncated file loses its trailing magic; a file of other bytes never had it.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { SourceError } from '../errors.js';

const MAGIC = 'PAR1';
/** Leading magic + footer length + trailing magic: the smallest possible Parquet file has more. */
const FRAME_BYTES = 12;

/** What `readParquetFooter` learns from the end of a file. */
export interface ParquetFooter {
  /** Length of the thrift footer in bytes. */
  readonly footerBytes: number;
  /**
   * sha256 (hex) of the file size and the footer bytes. The footer holds every column chunk's
   * offsets, sizes and statistics, so a change to the data almost always changes it, while
   * the same bytes give the same value on every run and machine (unlike a modification time).
   */
  readonly identity: string;
}

/**
 * Reads and checks a local Parquet file's framing and footer: two small reads, whatever the
 * file's size. Throws `SourceError` (`SOURCE_OBJECT_UNREADABLE`) saying what is wrong when the
 * file is too short, lacks the `PAR1` magic at either end, or declares a footer longer than
 * the file. A footer whose content is corrupt is left for the Parquet reader to refuse.
 *
 * `name` is how messages refer to the file (the object's URI when `path` is a fetched copy).
 *
 * @example
 * ```ts
 * const { identity } = await readParquetFooter('/data/flights.parquet');
 * ```
 */
export async function readParquetFooter(path: string, name = path): Promise<ParquetFooter> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < FRAME_BYTES) throw unreadable(name, `it is ${size} bytes long, shorter than any Parquet file`);
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    const tail = Buffer.alloc(8);
    await handle.read(tail, 0, 8, size - 8);
    if (head.toString('latin1') !== MAGIC) throw unreadable(name, 'it does not start with the Parquet magic bytes "PAR1" (not a Parquet file?)');
    if (tail.toString('latin1', 4) !== MAGIC) throw unreadable(name, 'it does not end with the Parquet magic bytes "PAR1" (truncated, or still being written?)');
    const footerBytes = tail.readUInt32LE(0);
    if (footerBytes > size - FRAME_BYTES) throw unreadable(name, `its footer claims ${footerBytes} bytes but the file has only ${size} (truncated?)`);
    const footer = Buffer.alloc(footerBytes);
    await handle.read(footer, 0, footerBytes, size - 8 - footerBytes);
    const identity = createHash('sha256').update(`${size}:`).update(footer).digest('hex');
    return { footerBytes, identity };
  } finally {
    await handle.close();
  }
}

function unreadable(name: string, why: string): SourceError {
  return new SourceError('SOURCE_OBJECT_UNREADABLE', `Cannot read ${name} as Parquet: ${why}.`);
}
