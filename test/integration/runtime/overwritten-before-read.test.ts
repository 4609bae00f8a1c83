/**
 * In an unversioned bucket an object's identity is its ETag, taken from HeadObject. If the key
 * is overwritten between that HEAD and the GET, the new content must not be written under the
 * old identity: the new PUT has its own event and identity, so its rows would land twice (once
 * per objectId, both with a manifest the aggregate stage trusts). The read is pinned to the ETag
 * (If-Match, as S3 honours it); a changed object fails this delivery, and the retry reads the
 * new version under its own identity.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invoke, landObject, newMemoryS3, ZONE_BUCKETS } from './object-runner.js';

const Row = z.object({ id: z.number().int() });
const definition = toPipelineDefinition(pipeline('overwrite').from(file('/landing/*.jsonl')).validate(Row));

describe('an object overwritten after the event stage resolved its ETag', () => {
  it('is not read under the old identity: the delivery fails and writes nothing', async () => {
    const s3 = newMemoryS3();
    const target = landObject(s3, 'in/a.jsonl', '{"id":1}\n', definition);
    s3.putObject('landing', 'in/a.jsonl', '{"id":2}\n{"id":3}\n');
    const error = await invoke(s3, target, definition, { segmentRows: 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OBJECT_CHANGED' });
    expect((error as Error).message).toContain('s3://landing/in/a.jsonl');
    expect(ZONE_BUCKETS.flatMap((b) => s3.keys(b))).toEqual([]);
  });

  it('is not copied whole to quarantine under the old identity either', async () => {
    const s3 = newMemoryS3();
    const target = landObject(s3, 'in/b.jsonl', '{"id":1}\n', definition);
    // The read succeeds, then the object is replaced before the whole-object copy (a gate/unreadable path).
    const bad = landObject(s3, 'in/b.jsonl', Uint8Array.from([0x7b, 0xff, 0x0a]), definition);
    s3.onCall = (call) => {
      if (call.operation === 'GetObject' && call.input.Key === 'in/b.jsonl') s3.putObject('landing', 'in/b.jsonl', '{"id":9}\n');
    };
    const error = await invoke(s3, bad, definition, { segmentRows: 10 }).catch((e: unknown) => e);
    expect(target.version).not.toBe(bad.version);
    expect(error).toMatchObject({ code: 'OBJECT_CHANGED' });
    expect(s3.keys('quarantine')).toEqual([]);
    expect(s3.keys('validated', '_manifests/')).toEqual([]);
  });
});
