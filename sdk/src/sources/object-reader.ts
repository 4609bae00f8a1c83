import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../errors.js';
import type { SourceNode } from '../plan/source-node.js';
import { createCsvParser } from './csv-parser.js';
import { csvDelimiterFor } from './format-detection.js';
import { createJsonlParser } from './jsonl-parser.js';
import { ObjectOpenError, openObjectStream } from './raw-object-stream.js';
import type { CsvColumnType, ObjectReadResult, RawRecord, SourceObject } from './source-object.js';
import { ObjectFormatError, type TextRecordParser } from './text-record-parser.js';

/** Options of `readObject`. */
export interface ReadOptions {
  /** Stop after this many records (a non-negative integer); the rest of the object is not read. */
  readonly limit?: number;
  /** s3 only: use this client instead of one built from the node's endpoint and region. */
  readonly s3Client?: S3Client;
  /** CSV only: decode these columns (usually from the validation schema); the others stay strings. */
  readonly csvColumnTypes?: Readonly<Record<string, CsvColumnType>>;
  /** CSV only: typed columns whose empty cell is null, not a missing field (see csvDecodingFor). */
  readonly csvNullColumns?: readonly string[];
  /**
   * Receives the records in batches as they are read, instead of the result holding them all:
   * memory then stays flat however large the object (the result's `records` is empty and
   * `delivered` counts them). When the object then fails as a whole (`ok: false`), the caller
   * drops what it was given of it.
   */
  readonly onRecords?: (batch: RawRecord[]) => Promise<void>;
  /** Opens the object's bytes instead of `openObjectStream` (read-ahead.ts hands over fetched bytes). */
  readonly open?: () => Promise<Readable>;
}

/** Records handed to `onRecords` at a time: large enough for a fast append, small beside memory. */
const DELIVERY_BATCH = 20_000;

interface ByteState {
  readonly hash: Hash;
  digest?: string;
  rawBytes: number;
  rawDone: boolean;
  firstBytes: Uint8Array | undefined;
}

/**
 * Reads one jsonl or csv object (a listed `SourceObject`) into raw records, streaming: the
 * object is decompressed and decoded chunk by chunk, and with `limit` reading stops as soon as
 * that many records are in hand (plus at most one more, to tell whether the object had more).
 *
 * Bad rows never fail the object: they come back as records with an `error`. The object fails
 * as a whole (`ok: false`, to be quarantined whole) when it cannot be opened, its gzip stream
 * is truncated or corrupt, its bytes are not UTF-8, or a CSV header repeats a column — unless
 * `limit` records were read before the failure, since a sample never reached it.
 * An empty object (also an empty `.gz`) is ok with zero records.
 * Parquet is not decoded here: use `fetchToLocalFile` and let DuckDB read it.
 *
 * @example
 * ```ts
 * const [first] = await listSourceObjects(file('data/events/*.jsonl.gz').node);
 * const result = await readObject(node, first, { limit: 1000 });
 * if (result.ok) for (const r of result.records) r.error ? quarantine(r) : load(r.value);
 * else quarantineObject(first, result.error);
 * ```
 */
export async function readObject(node: SourceNode, object: SourceObject, options: ReadOptions = {}): Promise<ObjectReadResult> {
  if (object.format === 'parquet') {
    throw new SourceError('SOURCE_WRONG_READER', `${object.key} is Parquet: readObject reads jsonl and csv only; pass the path from fetchToLocalFile() to DuckDB instead.`);
  }
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new SourceError('SOURCE_BAD_LIMIT', `limit must be a non-negative integer; got ${String(limit)}.`);
  }
  const state: ByteState = { hash: createHash('sha256'), rawBytes: 0, rawDone: false, firstBytes: undefined };
  if (limit === 0) {
    return { ok: true, records: [], contentHash: digestOf(state), truncatedByLimit: object.size > 0 };
  }
  let raw: Readable;
  try {
    raw = await (options.open ? options.open() : openObjectStream(node, object, options));
  } catch (error) {
    if (error instanceof ObjectOpenError) return { ok: false, error: error.message };
    throw error;
  }
  const parser = parserFor(node, object, options);
  const records: RawRecord[] = [];
  // Streaming: records already handed over (never more than `limit`).
  let delivered = 0;
  const seen = (): number => delivered + records.length;
  const enough = (): boolean => limit !== undefined && seen() > limit;
  /** Hands over what is held (`all`: also a last, smaller batch), keeping back any record past `limit`. */
  const deliver = async (all: boolean): Promise<void> => {
    if (!options.onRecords || (!all && records.length < DELIVERY_BATCH)) return;
    const room = limit === undefined ? records.length : Math.max(0, Math.min(records.length, limit - delivered));
    const batch = records.splice(0, room);
    if (batch.length > 0) await options.onRecords(batch);
    delivered += batch.length;
  };
  const bytes = decompressed(raw, object.compression, state);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytes) {
      pushAll(records, parser.push(decodeUtf8(decoder, chunk)));
      if (enough()) break;
      await deliver(false);
    }
    if (!enough()) {
      pushAll(records, parser.push(decodeUtf8(decoder)));
      pushAll(records, parser.end());
    }
  } catch (error) {
    if (limit !== undefined && seen() >= limit) {
      await deliver(true);
      return truncated(records, limit - delivered, state, delivered);
    }
    return failure(error, object, parser, state);
  } finally {
    raw.destroy();
    if (bytes instanceof Readable) bytes.destroy();
  }
  const over = limit !== undefined && seen() > limit;
  await deliver(true);
  if (over) return truncated(records, limit! - delivered, state, delivered);
  return { ok: true, records, contentHash: digestOf(state), truncatedByLimit: false, ...(options.onRecords ? { delivered } : {}) };
}

function parserFor(node: SourceNode, object: SourceObject, options: ReadOptions): TextRecordParser {
  if (object.format === 'jsonl') return createJsonlParser();
  return createCsvParser({
    delimiter: csvDelimiterFor(object.key, node.csv?.delimiter),
    header: node.csv?.header ?? true,
    ...(options.csvColumnTypes ? { columnTypes: options.csvColumnTypes } : {}),
    ...(options.csvNullColumns ? { nullColumns: options.csvNullColumns } : {}),
  });
}

/** The object's decompressed bytes; raw bytes are hashed (as stored) on the way through. */
function decompressed(raw: Readable, compression: 'none' | 'gzip', state: ByteState): AsyncIterable<Uint8Array> {
  async function* tap(): AsyncGenerator<Uint8Array> {
    for await (const chunk of raw as AsyncIterable<Uint8Array>) {
      state.hash.update(chunk);
      state.rawBytes += chunk.length;
      state.firstBytes ??= chunk.subarray(0, 2);
      yield chunk;
    }
    state.rawDone = true;
  }
  if (compression === 'none') return tap();
  const gunzip = createGunzip();
  // Errors of either side reach the consumer through the gunzip stream it iterates.
  pipeline(Readable.from(tap(), { objectMode: false }), gunzip, () => {});
  return gunzip;
}

function pushAll(target: RawRecord[], source: RawRecord[]): void {
  for (const record of source) target.push(record);
}

function truncated(records: RawRecord[], limit: number, state: ByteState, delivered?: number): ObjectReadResult {
  return { ok: true, records: records.slice(0, limit), contentHash: digestOf(state), truncatedByLimit: true, ...(delivered !== undefined && delivered > 0 ? { delivered } : {}) };
}

/** The UTF-8 decoder rejected the bytes. */
class Utf8Error extends Error {}

function decodeUtf8(decoder: TextDecoder, chunk?: Uint8Array): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch (error) {
    throw new Utf8Error('not valid UTF-8', { cause: error });
  }
}

function digestOf(state: ByteState): string {
  state.digest ??= state.hash.digest('hex');
  return state.digest;
}

function failure(error: unknown, object: SourceObject, parser: TextRecordParser, state: ByteState): ObjectReadResult {
  const contentHash = state.rawDone ? { contentHash: digestOf(state) } : {};
  if (error instanceof ObjectFormatError) return { ok: false, error: error.message, ...contentHash };
  if (error instanceof Utf8Error) {
    const gzipHint = object.compression === 'none' && state.firstBytes?.[0] === 0x1f && state.firstBytes[1] === 0x8b
      ? ` The object starts like gzip data: name it with .gz or pass compression: 'gzip'.`
      : '';
    return {
      ok: false,
      error: `not valid UTF-8: ${object.key} has bytes that are not UTF-8 at or after line ${parser.line} (the first line not yet read whole when decoding failed). sluice reads text sources as UTF-8: re-encode the object (e.g. iconv -f latin1 -t utf-8).${gzipHint}`,
      ...contentHash,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const zlibCode = (error as { code?: unknown }).code;
  if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) {
    // An empty .gz object holds no gzip stream at all: that is an empty object, not a corrupt one.
    if (state.rawBytes === 0 && state.rawDone) return { ok: true, records: [], contentHash: digestOf(state), truncatedByLimit: false };
    return { ok: false, error: `cannot decompress ${object.key} as gzip (truncated or corrupt): ${message}`, ...contentHash };
  }
  return { ok: false, error: `cannot read ${object.key}: ${message}`, ...contentHash };
}
