/**
 * A resumed object first reads again every record before its checkpoint (the stream cannot
 * start in the middle). That reading is not the pace of its segments: counted in, every
 * delivery after a resume believed one segment took as long as all the skipping, checkpointed
 * after one segment, and a large object needed more deliveries than the queue allows before the
 * dead-letter queue. Each segment is timed from its own first record.
 */
import { describe, expect, it } from 'vitest';
import { definition as fixtureDefinition } from '../../unit/promote/promote-fixtures.js';
import { invoke, landObject, newMemoryS3 } from './object-runner.js';

const definition = fixtureDefinition({ gates: {} });
const row = (i: number) => JSON.stringify({ event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, user_id: `u${i % 7}@example.com`, event_type: 'view', amount: i % 50, ts: new Date(Date.UTC(2024, 2, 1) + i * 1000).toISOString() });

describe('pacing a resumed object', () => {
  it('times each segment from its own first record, not from the start of the invocation', async () => {
    const s3 = newMemoryS3();
    const target = landObject(s3, 'events/long.jsonl', `${Array.from({ length: 61_000 }, (_, i) => row(i)).join('\n')}\n`, definition);
    // The first invocation writes 60,000 records in segments of 200 and stops at a checkpoint.
    expect((await invoke(s3, target, definition, { segmentRows: 200, yieldAfterSegments: 300 })).status).toBe('yielded');
    // The second re-reads those 60,000 records, then writes three segments of 200.
    const segmentTimes: number[] = [];
    const started = performance.now();
    expect((await invoke(s3, target, definition, { segmentRows: 200, yieldAfterSegments: 3, segmentTimes })).status).toBe('yielded');
    const invocationMs = performance.now() - started;
    expect(segmentTimes).toHaveLength(3);
    // Re-reading 300 segments' worth of records is most of the invocation; its first segment,
    // timed by itself, is about as long as the other two.
    expect(segmentTimes[0]!).toBeLessThan(invocationMs / 2);
  }, 60_000);
});
