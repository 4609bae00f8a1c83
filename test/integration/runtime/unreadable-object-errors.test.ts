/**
 * The error an unreadable object is quarantined with is all its owner sees of it in AWS (the
 * error document beside the copy, the manifest): it must say what is wrong and what to do.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const definition = toPipelineDefinition(pipeline('unreadable').from(file('/landing/*')).validate(z.object({ id: z.number() })));

async function errorOf(key: string, body: Uint8Array | string): Promise<{ manifest?: string; document: string; rows: unknown; rowsSeen: number }> {
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, key, body, definition), definition, { segmentRows: 10 });
  expect(manifest.status).toBe('unreadable');
  const documentKey = manifest.outputs.quarantine.find((k) => k.endsWith('.error.json'))!;
  const document = JSON.parse(new TextDecoder().decode(s3.bytes('quarantine', documentKey))) as { error: string; rowsSeen: number };
  return { ...(manifest.error ? { manifest: manifest.error } : {}), document: document.error, rows: manifest.rows, rowsSeen: document.rowsSeen };
}

describe('an unreadable object is quarantined with an error that says what to do', () => {
  it('gzip data under a name without .gz: rename it or declare the compression', async () => {
    const { manifest, document } = await errorOf('in/day.jsonl', gzipSync('{"id":1}\n'));
    expect(document).toBe(manifest);
    expect(document).toMatch(/not valid UTF-8.*starts like gzip data: name it with \.gz or give the source compression: 'gzip'/);
  });

  it('text in another encoding: re-encode it', async () => {
    const { document } = await errorOf('in/latin1.jsonl', Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x7d, 0x0a]));
    expect(document).toMatch(/re-encode it \(e\.g\. iconv -f latin1 -t utf-8\)/);
    expect(document).not.toMatch(/gzip/);
  });

  it('a truncated gzip: upload it again', async () => {
    const gz = gzipSync('{"id":1}\n'.repeat(100));
    expect((await errorOf('in/cut.jsonl.gz', gz.subarray(0, gz.length - 30))).document).toMatch(/gzip stream is damaged .*upload the complete object again/);
  });

  it('counts no rows, as a local run does (how many it held is unknown); the records decoded before the error are in the document', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `{"id":${(i * 7919) % 100_003}}\n`).join('');
    const gz = gzipSync(text);
    const { rows, rowsSeen } = await errorOf('in/late-cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.75)));
    expect(rows).toEqual({ in: 0, valid: 0, quarantined: 0 });
    // Segments of 10 records were written (and removed) before the cut: well past the first one.
    expect(rowsSeen).toBeGreaterThan(100);
    expect(rowsSeen).toBeLessThan(2000);
  });
});
