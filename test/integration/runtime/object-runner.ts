/**
 * Runs the event stage's `processObject` (source) on one landed object against a MemoryS3, as
 * successive Lambda invocations would: each invocation compiles its own row transformer (a new
 * process after a crash has nothing in memory) and may be told to stop at a checkpoint.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { PipelineDefinition } from '../../../sdk/src/pipeline/pipeline-definition.js';
import { processObject, type ObjectTarget, type ProcessResult } from '../../../sdk/src/runtime/process-object.js';
import { createRowTransformer } from '../../../sdk/src/runtime/row-transformer.js';
import { objectIdOf } from '../../../sdk/src/runtime/zone-keys.js';
import { zoneStore } from '../../../sdk/src/runtime/zone-store.js';
import { LAST_MODIFIED, MemoryS3 } from './memory-s3.js';

export const ZONE_BUCKETS = ['validated', 'quarantine'] as const;

export function newMemoryS3(): MemoryS3 {
  return new MemoryS3({ landing: {}, validated: {}, quarantine: {} });
}

/** Puts an object into the landing bucket and returns what the handler would hand to processObject. */
export function landObject(s3: MemoryS3, key: string, body: string | Uint8Array, definition: PipelineDefinition): ObjectTarget {
  const { etag } = s3.putObject('landing', key, body);
  const identity = { bucket: 'landing', key, version: etag, planHash: definition.hash };
  return { ...identity, objectId: objectIdOf(identity), lastModified: LAST_MODIFIED };
}

export interface InvocationOptions {
  readonly segmentRows: number;
  /** Stop at the checkpoint after this many segments of this invocation (default: never). */
  readonly yieldAfterSegments?: number;
  /** The S3 client the store uses (default: the MemoryS3's own). */
  readonly client?: S3Client;
  /** Receives each segment's time as the processor measures it for pacing. */
  readonly segmentTimes?: number[];
}

/** One invocation. */
export function invoke(s3: MemoryS3, target: ObjectTarget, definition: PipelineDefinition, options: InvocationOptions): Promise<ProcessResult> {
  let segments = 0;
  return processObject(target, {
    definition,
    transformer: createRowTransformer(definition),
    store: zoneStore(options.client ?? s3.client),
    zones: { validatedBucket: 'validated', quarantineBucket: 'quarantine', segmentRows: options.segmentRows, segmentBytes: 1 << 30 },
    shouldYield: (segmentMs) => {
      options.segmentTimes?.push(segmentMs);
      return options.yieldAfterSegments !== undefined && ++segments >= options.yieldAfterSegments;
    },
  });
}

/** Invocations until the object is done; returns the last result. */
export async function invokeUntilDone(s3: MemoryS3, target: ObjectTarget, definition: PipelineDefinition, options: InvocationOptions): Promise<Extract<ProcessResult, { status: 'done' }>> {
  for (let i = 0; i < 10_000; i++) {
    const result = await invoke(s3, target, definition, options);
    if (result.status === 'done') return result;
  }
  throw new Error('the object never finished');
}
