/**
 * Unreadable objects go to the local quarantine zone whole, as production sends them
 * (DESIGN §4 "Bad input"): the object's bytes as stored, beside an error document, at
 *
 *   <zones>/quarantine/objects/<objectId>/<file name>
 *   <zones>/quarantine/objects/<objectId>.error.json
 *
 * so that what could not be read can be inspected, repaired and replayed from one place,
 * even after the source has moved on. The id is derived from the object's name and content
 * identity (never the clock): a re-run over the same inputs rewrites the same two files.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { StoreFiles } from '../../features/store-files.js';
import { joinPath } from '../../features/store-layout.js';

export interface ObjectToQuarantine {
  /** The object's key, as the run's report names it. */
  readonly object: string;
  /** What made it unreadable. */
  readonly error: string;
  /** Its content identity (content hash or ETag), from the read. */
  readonly identity: string;
  /** Opens the object's bytes as stored (compressed objects stay compressed). */
  open(): Promise<Readable>;
}

/**
 * Copies each object into the quarantine zone under `zonesRoot`; returns where each went
 * (object key → copy path). An object that cannot even be opened again (deleted since the
 * read) gets its error document only, which says so.
 *
 * @example
 * ```ts
 * const copies = await quarantineObjectsWhole(storeFiles('.sluice/zones/p'), '.sluice/zones/p', [
 *   { object: 'data/day-3.jsonl.gz', error: 'unexpected end of file', identity: 'sha256:…', open: () => openObjectStream(node, object, {}) },
 * ]);
 * copies.get('data/day-3.jsonl.gz'); // '.sluice/zones/p/quarantine/objects/4f1c…/day-3.jsonl.gz'
 * ```
 */
export async function quarantineObjectsWhole(files: StoreFiles, zonesRoot: string, objects: readonly ObjectToQuarantine[]): Promise<Map<string, string>> {
  const copies = new Map<string, string>();
  for (const item of objects) {
    const id = createHash('sha256').update(JSON.stringify([item.object, item.identity])).digest('hex').slice(0, 20);
    const folder = joinPath(zonesRoot, 'quarantine', 'objects');
    const copy = joinPath(folder, id, item.object.split(/[/\\]/).pop() || 'object');
    let copyError: string | undefined;
    try {
      await copyBytes(files, copy, await item.open());
      copies.set(item.object, copy);
    } catch (error) {
      copyError = (error as Error).message;
    }
    const document = { object: item.object, identity: item.identity, error: item.error, ...(copyError ? { copyError: `the object could not be copied here: ${copyError}` } : { copy }) };
    await files.write(joinPath(folder, `${id}.error.json`), `${JSON.stringify(document, null, 2)}\n`);
  }
  return copies;
}

/** Streams to a local path (an object may be large); an s3:// zone gets the bytes in one put. */
async function copyBytes(files: StoreFiles, target: string, bytes: Readable): Promise<void> {
  if (!target.startsWith('s3://')) {
    await mkdir(dirname(target), { recursive: true });
    await pipeline(bytes, createWriteStream(target));
    return;
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes as AsyncIterable<Uint8Array>) chunks.push(chunk);
  await files.write(target, Buffer.concat(chunks));
}
