/**
 * A file's bytes as hyparquet's AsyncBuffer, as the event stage's ranged reads give them: each
 * slice a copy of its own, so that no reader can see bytes outside the range it asked for.
 *
 * ```ts
 * for await (const batch of parquetRecordBatches(memoryAsyncBuffer(bytes), 0)) rows += batch.length;
 * ```
 */
import type { AsyncBuffer } from 'hyparquet';

export function memoryAsyncBuffer(bytes: Uint8Array): AsyncBuffer {
  return { byteLength: bytes.byteLength, slice: async (start: number, end?: number) => bytes.slice(start, end).buffer };
}
