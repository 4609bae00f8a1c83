/**
 * Crash and time-out behaviour of the BUILT handler: a handler process killed mid-object
 * leaves nothing that looks complete (no manifest), and the retried event converges to the
 * zones of one clean delivery, resuming from the checkpoint; an invocation running out of
 * time checkpoints, reports its record failed, and the redelivery resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsBatch } from '../../helpers/s3-events.js';
import { expectJsonl, PIPELINE } from './fixtures/landing-objects.js';
import { deliverUntilDone, startHarness, TABLE, ZONES, type Harness } from './runtime-harness.js';
import { clearBuckets, clearTable, getText, listKeys, manifestsByKey, snapshot } from './zone-inspection.js';

const KEY = 'events/big/long run=1.jsonl';
const ROWS = 60_000;
const SEGMENT_ROWS = 1_000;

function bigObject(): string {
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    // Every 97th row is invalid (bad enum), so quarantine files are written along the way.
    const type = i % 97 === 0 ? 'bogus' : ['view', 'click', 'purchase'][i % 3];
    const ts = new Date(Date.UTC(2024, 2, 1) + i * 3_000).toISOString();
    lines.push(JSON.stringify({ event_id: `e${i}`, user_id: `u${i % 101}`, event_type: type, amount: i % 11 === 0 ? null : (i % 500) / 4, ts }));
  }
  return lines.join('\n') + '\n';
}

let h: Harness;
let clean: Record<string, string>;
const text = bigObject();
const expected = expectJsonl(text);

beforeAll(async () => {
  h = await startHarness({ SLUICE_SEGMENT_ROWS: String(SEGMENT_ROWS), SLUICE_TIME_RESERVE_MS: '1000' });
  await h.s3.putObject('landing', KEY, text);
  const handler = await h.handler();
  await deliverUntilDone(handler, await h.eventFor(KEY));
  clean = await snapshot(h.s3.client, ZONES);
}, 180_000);

afterAll(() => h?.stop());

async function reset(): Promise<void> {
  await clearBuckets(h.s3.client, ZONES);
  await clearTable(h.ddb.client, TABLE);
}

describe('one clean delivery of a long object', () => {
  it('matches the expectation computed with zod, segment by segment', async () => {
    const manifest = (await manifestsByKey(h.s3.client, 'validated', PIPELINE)).get(KEY)!;
    expect(manifest.rows).toEqual({ in: ROWS, valid: expected.valid.length, quarantined: expected.quarantinedLines.length });
    expect(manifest.outputs.quarantine.length).toBe(Math.ceil(ROWS / SEGMENT_ROWS));
    let quarantined = 0;
    for (const key of manifest.outputs.quarantine) quarantined += (await getText(h.s3.client, 'quarantine', key)).trim().split('\n').length;
    expect(quarantined).toBe(expected.quarantinedLines.length);
  });
});

describe('a handler process killed mid-object', () => {
  it('leaves no complete-looking output, and the retry resumes and converges to one clean delivery', async () => {
    await reset();
    const event = await h.eventFor(KEY);
    // The child holds the idempotency record for its 5 s of "remaining time" (Powertools' in-progress
    // expiry) and, with a hugely negative reserve, never checkpoints-and-yields on its own. It hangs
    // once a checkpoint of 3 segments is stored (a fast child could otherwise finish between polls).
    const child = h.spawnChild(event, { remainingMs: 5_000, env: { SLUICE_TIME_RESERVE_MS: '-1000000000', SLUICE_CHILD_STALL_AT_RECORDS: String(3 * SEGMENT_ROWS) } });
    const checkpointKey = (await listCheckpoint()) ?? '';
    expect(checkpointKey).toBe('');
    let progress = 0;
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      const key = await listCheckpoint();
      if (key) {
        try {
          progress = JSON.parse(await getText(h.s3.client, 'validated', key)).recordsDone;
        } catch {
          // s3rver's writes are not atomic: a checkpoint read mid-write is torn; read it again.
        }
        if (progress >= 3 * SEGMENT_ROWS) break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill();
    const result = await child.done;
    expect(result.error).toBe('killed');
    expect(progress).toBeGreaterThanOrEqual(3 * SEGMENT_ROWS);
    expect(progress).toBeLessThan(ROWS);

    // Partial output exists, but nothing says it is complete.
    const partial = await listKeys(h.s3.client, 'validated', `validated/${PIPELINE}/`);
    expect(partial.length).toBeGreaterThan(0);
    expect(await listKeys(h.s3.client, 'validated', `_manifests/${PIPELINE}/`)).toEqual([]);

    // The retry: first refused while the dead process's record is "in progress", then accepted.
    const handler = await h.handler();
    const retried = await deliverUntilDone(handler, sqsBatch([event], ['retry']));
    expect(retried.objects.at(-1)!.resumedAt).toBeGreaterThanOrEqual(progress);
    expect(await snapshot(h.s3.client, ZONES)).toEqual(clean);
  }, 120_000);
});

describe('an invocation running out of time', () => {
  it('checkpoints, reports the record failed, and the redelivery resumes where it stopped', async () => {
    await reset();
    const handler = await h.handler();
    const event = await h.eventFor(KEY);
    // 1 s reserve (SLUICE_TIME_RESERVE_MS) + 0.4 s of work: stops after a few segments.
    const deadline = Date.now() + 1_400;
    const first = await handler(sqsBatch([event], ['m1']), { getRemainingTimeInMillis: () => deadline - Date.now() });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(first.objects[0]!.status).toBe('yielded');
    expect(await listKeys(h.s3.client, 'validated', `_manifests/${PIPELINE}/`)).toEqual([]);
    const checkpoint = JSON.parse(await getText(h.s3.client, 'validated', (await listCheckpoint())!));
    expect(checkpoint.recordsDone).toBeGreaterThan(0);
    expect(checkpoint.recordsDone % SEGMENT_ROWS).toBe(0);

    const second = await deliverUntilDone(handler, sqsBatch([event], ['m1']));
    expect(second.objects[0]).toMatchObject({ status: 'processed', resumedAt: checkpoint.recordsDone });
    expect(await snapshot(h.s3.client, ZONES)).toEqual(clean);
  }, 120_000);
});

async function listCheckpoint(): Promise<string | undefined> {
  return (await listKeys(h.s3.client, 'validated', `_checkpoints/${PIPELINE}/`))[0];
}
