/**
 * The text of a labels file: strict UTF-8, as the sources read theirs. A lenient decoder would
 * turn bytes that are not UTF-8 into U+FFFD, so an entity id written in Latin-1 would quietly
 * become another id (and join nothing); labels are the ground truth, so the read fails instead.
 */
import { SourceError } from '../errors.js';

/**
 * Decodes a labels file's bytes as UTF-8, dropping one leading byte-order mark as the sources do.
 *
 * @example
 * ```ts
 * decodeLabelText(new TextEncoder().encode('\ufeffentity_id,ts\n'), 'labels.csv') // 'entity_id,ts\n'
 * decodeLabelText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'labels.csv')        // throws LABELS_UNREADABLE: not UTF-8, line 1
 * ```
 * @throws SourceError `LABELS_UNREADABLE` naming the file, the line and the byte offset of the first byte that is not UTF-8.
 */
export function decodeLabelText(bytes: Uint8Array, uri: string): string {
  try {
    // ignoreBOM false (the default): one leading BOM is consumed, not returned as text.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const offset = firstInvalidByte(bytes);
    throw new SourceError(
      'LABELS_UNREADABLE',
      `The labels file ${uri} is not UTF-8: line ${lineAt(bytes, offset)} (byte ${offset}) holds bytes that UTF-8 does not allow. ` +
        'Labels must be read exactly, so sluice does not replace them with "\ufffd": save it as UTF-8 (from Latin-1, for example: iconv -f latin1 -t utf-8), or fix that line.',
      { cause: error },
    );
  }
}

/**
 * Where valid UTF-8 stops. Valid UTF-8 decodes and re-encodes to the same bytes, so the first
 * byte that differs after a lenient round trip lies in the first invalid sequence (at most its
 * third byte: a sequence of lead and continuation bytes, never a line end, so the line is right).
 */
function firstInvalidByte(bytes: Uint8Array): number {
  const again = new TextEncoder().encode(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
  let i = 0;
  while (i < bytes.length && bytes[i] === again[i]) i++;
  return i;
}

/** The 1-based line holding `offset`, counting LF, CRLF and a lone CR as line ends (as csv.reader and editors do). */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}
