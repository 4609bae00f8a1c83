/**
 * Bounded-memory decoding of an object body: bytes → (gunzip) → strict UTF-8 text chunks.
 * Nothing here holds more than one chunk; a truncated gzip stream or invalid UTF-8 throws
 * `UnreadableObjectError`, which sends the object to quarantine whole.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Compression } from '../plan/source-node.js';
import { SluiceError } from '../errors.js';

/** The object cannot be decoded at all (truncated gzip, not UTF-8, not the declared format). */
export class UnreadableObjectError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNREADABLE_OBJECT', message, options);
  }
}

/**
 * Yields the body's bytes, gunzipped when the compression says so (`auto`: by the gzip magic
 * number). The event stage passes the compression the source or the key's `.gz` decides, as local
 * runs do, so that both read the same objects; `auto` is for callers that want sniffing.
 *
 * @example
 * ```ts
 * for await (const bytes of decompressed(response.Body, 'auto')) total += bytes.length;
 * ```
 */
export async function* decompressed(body: AsyncIterable<Uint8Array>, compression: Compression): AsyncGenerator<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  let first = await iterator.next();
  // A 1-byte first chunk cannot show the magic number; take one more.
  if (!first.done && first.value.length < 2) {
    const second = await iterator.next();
    if (!second.done) first = { done: false, value: Buffer.concat([first.value, second.value]) };
  }
  if (first.done) return;
  const head = first.value;
  const gzip = compression === 'gzip' || (compression === 'auto' && head[0] === 0x1f && head[1] === 0x8b);
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (!gzip) {
    yield* rest();
    return;
  }
  const source = Readable.from(rest(), { objectMode: false });
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code?.startsWith('Z_') || /unexpected end of file|incorrect header/i.test(String(cause))) {
      throw new UnreadableObjectError(`gzip stream is damaged (truncated or corrupt): ${(cause as Error).message}; upload the complete object again`, { cause });
    }
    throw cause;
  } finally {
    source.destroy();
  }
}

/**
 * Strict UTF-8 decoding, chunk by chunk (a multi-byte character split across chunks is kept
 * for the next one). A leading byte-order mark is dropped.
 *
 * @example
 * ```ts
 * for await (const text of utf8Text(decompressed(body, 'auto'))) parser.push(text);
 * ```
 */
export async function* utf8Text(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  for await (const chunk of bytes) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (cause) {
      throw new UnreadableObjectError(`object is not valid UTF-8 text (near byte ${offset}); sluice reads text sources as UTF-8: re-encode it (e.g. iconv -f latin1 -t utf-8) and upload it again`, { cause });
    }
    offset += chunk.length;
    if (text) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch (cause) {
    throw new UnreadableObjectError('object ends inside a UTF-8 character (truncated or not text); if it is text in another encoding, re-encode it (e.g. iconv -f latin1 -t utf-8) and upload it again', { cause });
  }
  if (tail) yield tail;
}

/**
 * Passes `body` through, keeping its first two bytes in `head` (so an error can tell that an
 * object read as plain text starts like gzip data).
 *
 * @example
 * ```ts
 * const head: { bytes?: Uint8Array } = {};
 * for await (const text of utf8Text(firstBytesOf(body, head))) parser.push(text);
 * // head.bytes?.[0] === 0x1f && head.bytes[1] === 0x8b: a gzip body
 * ```
 */
export async function* firstBytesOf(body: AsyncIterable<Uint8Array>, head: { bytes?: Uint8Array }): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    if (!head.bytes || head.bytes.length < 2) head.bytes = head.bytes ? Buffer.concat([head.bytes, chunk]).subarray(0, 2) : chunk.subarray(0, 2);
    yield chunk;
  }
}
