/**
 * S3 events as AWS sends them, for tests: the adapter from s3rver's form (shared with
 * `sluice dev`), the SQS and EventBridge envelopes, and a delivery layer that does what S3
 * is allowed to do and s3rver never does — deliver every event several times, in any order,
 * some at the same time, after random delays.
 *
 * ```ts
 * const events = objects.map((o) => s3CreatedEvent(o));
 * await chaoticDelivery(events, (e) => invoke(e), { copies: 3, seed: 7, concurrency: 4 });
 * ```
 */
export {
  adaptS3rverEvent,
  encodeS3EventKey,
  eventBridgeCreated,
  s3CreatedEvent,
  s3RemovedEvent,
  sqsBatch,
  S3_TEST_EVENT,
  type S3Notification,
  type S3NotificationRecord,
} from '../../sdk/src/cli/dev-event-adapter.js';
import { mulberry32 } from '../../sdk/src/cli/demo-data.js';

/** A small deterministic PRNG (the demo data's mulberry32): the same seed gives the same shuffle. */
export const seededRandom = mulberry32;

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface ChaosOptions {
  /** Deliveries of each event (default 3). */
  readonly copies?: number;
  readonly seed?: number;
  /** Deliveries in flight at once (default 4): duplicates can meet inside the handler. */
  readonly concurrency?: number;
  /** Each delivery waits a random 0..maxDelayMs first (default 20). */
  readonly maxDelayMs?: number;
}

/**
 * Delivers every event `copies` times, shuffled, `concurrency` at a time, with random delays.
 * Returns each delivery's outcome (value or error) in delivery order.
 */
export async function chaoticDelivery<E, R>(
  events: readonly E[],
  deliver: (event: E) => Promise<R>,
  options: ChaosOptions = {},
): Promise<{ event: E; result?: R; error?: unknown }[]> {
  const random = seededRandom(options.seed ?? 1);
  const queue = shuffled(events.flatMap((e) => Array.from({ length: options.copies ?? 3 }, () => e)), random);
  const delays = queue.map(() => Math.floor(random() * (options.maxDelayMs ?? 20)));
  const outcomes: { event: E; result?: R; error?: unknown }[] = new Array(queue.length);
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const i = next++;
      await new Promise((r) => setTimeout(r, delays[i]));
      try {
        outcomes[i] = { event: queue[i]!, result: await deliver(queue[i]!) };
      } catch (error) {
        outcomes[i] = { event: queue[i]!, error };
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return outcomes;
}
