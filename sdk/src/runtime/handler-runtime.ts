/**
 * What the event-stage handler does with one invocation (handler.ts builds it once per
 * container): parse the event, skip keys the source does not select, record removals, and
 * process each object under Powertools idempotency, then record which version of its key is
 * current. Failures are answered per SQS message, or thrown for direct and EventBridge
 * invocations (Lambda's own retry then delivers the event again).
 */
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { SluiceError } from '../errors.js';
import { parseS3Event, type DeliveryItem, type ObjectRef } from './event-records.js';
import { processObject, type ObjectManifest, type ProcessDeps } from './process-object.js';
import { recordCurrentVersion, recordRemoval, removedAfter, type MarkerTarget } from './current-version-writer.js';
import type { Telemetry } from './runtime-telemetry.js';
import { sourceSelection, type Selection } from './source-selection.js';
import { objectIdOf } from './zone-keys.js';
import { ObjectMissingError, type ZoneStore } from './zone-store.js';
import type { HandlerResult, LambdaContextLike, ObjectOutcome } from './handler.js';

/** Thrown inside the idempotent section so Powertools releases the record: the rest resumes from the checkpoint. */
class CheckpointYield extends SluiceError {
  constructor() {
    super('CHECKPOINT_YIELD', 'stopped at a checkpoint: the invocation is running out of time; a redelivery resumes from it');
  }
}

interface IdentityPayload {
  readonly bucket: string;
  readonly key: string;
  readonly version: string;
  readonly planHash: string;
}

interface StoredResult {
  readonly objectId: string;
  readonly status: ObjectManifest['status'];
  readonly rows: ObjectManifest['rows'];
  /** Why an object went whole to quarantine (unreadable, a gate, a map that dropped a column). */
  readonly error?: string;
  /** Keys a declared map returned beyond its columns: not written. */
  readonly undeclaredMapKeys?: readonly string[];
  /** Values z.coerce made of nulls and the like, worded as a local run's notes. */
  readonly coercionNotes?: readonly string[];
  readonly resumedAt?: number;
  readonly replayed?: boolean;
}

export interface Runtime {
  handle(event: unknown, context: LambdaContextLike): Promise<HandlerResult>;
}

/**
 * One container's handler state: the idempotent object processor, the source selection and the
 * zone store, reused by every invocation.
 *
 * @example
 * ```ts
 * const runtime = new HandlerRuntime(definition, store, zones, transformer, telemetry, idempotencyConfig, persistenceStore, 20_000, makeIdempotent);
 * const result = await runtime.handle(event, context);
 * ```
 */
export class HandlerRuntime implements Runtime {
  private context: LambdaContextLike | undefined;
  private readonly processIdempotent: (payload: IdentityPayload, ref: ResolvedObject) => Promise<StoredResult>;
  private readonly select: (ref: ObjectRef) => Selection;

  constructor(
    private readonly definition: PipelineDefinition,
    private readonly store: ZoneStore,
    private readonly zones: ProcessDeps['zones'],
    private readonly transformer: ProcessDeps['transformer'],
    private readonly telemetry: Telemetry,
    private readonly idempotencyConfig: IdempotencyConfig,
    persistenceStore: DynamoDBPersistenceLayer,
    private readonly timeReserveMs: number,
    makeIdempotent: typeof import('@aws-lambda-powertools/idempotency').makeIdempotent,
    /** Sends a message body to the queue the notifications come from (see continueInNewMessage). */
    private readonly continuation?: (body: string) => Promise<void>,
  ) {
    this.select = sourceSelection(definition.plan);
    this.processIdempotent = makeIdempotent((payload: IdentityPayload, ref: ResolvedObject) => this.processOnce(payload, ref), {
      persistenceStore,
      config: idempotencyConfig,
      dataIndexArgument: 0,
      // Powertools types `Context` as the second argument when @types/aws-lambda is absent.
    } as never);
  }

  async handle(event: unknown, context: LambdaContextLike): Promise<HandlerResult> {
    this.context = context;
    this.idempotencyConfig.registerLambdaContext(context as never);
    // Request id, function name and cold start on every log line of this invocation.
    this.telemetry.logger.addContext(context as never);
    const parsed = parseS3Event(event);
    const failures: { itemIdentifier: string }[] = [];
    const outcomes: ObjectOutcome[] = [];
    let outOfTime = false;
    // This invocation wrote a segment or finished an object (see continueInNewMessage).
    let progressed = false;
    try {
      for (const item of parsed.items) {
        if (item.skipped) {
          this.telemetry.logger.info('nothing to do', { skipped: item.skipped, itemIdentifier: item.itemIdentifier });
          continue;
        }
        let itemFailed = false;
        // Out of time with objects of this item not done.
        let itemYielded = false;
        if (item.error) {
          this.telemetry.logger.error('undecodable message; reporting it failed', { itemIdentifier: item.itemIdentifier, error: item.error });
          this.telemetry.objectFailed();
          itemFailed = true;
        }
        for (const object of item.objects) {
          // Skipping costs no S3 or DynamoDB call: decided before the clock is even looked at.
          const selection = this.select(object);
          if ('skipped' in selection) {
            outcomes.push(this.skip(object, selection.skipped));
            continue;
          }
          const { ref } = selection;
          if (ref.removal) {
            const outcome = await this.handleRemoval(ref);
            outcomes.push(outcome);
            if (outcome.status === 'failed') itemFailed = true;
            continue;
          }
          if (outOfTime || context.getRemainingTimeInMillis() < this.timeReserveMs) {
            outOfTime = true;
            outcomes.push({ bucket: ref.bucket, key: ref.keys[0]!, status: 'yielded' });
            itemYielded = true;
            continue;
          }
          const outcome = await this.handleObject(ref);
          outcomes.push(outcome);
          // A yield comes after at least one segment written: progress, as is a finished object.
          if (outcome.status === 'yielded') [outOfTime, itemYielded, progressed] = [true, true, true];
          else if (outcome.status === 'in-progress' || outcome.status === 'failed') itemFailed = true;
          else progressed = true;
        }
        if (itemFailed || (itemYielded && !(progressed && (await this.continueInNewMessage(item))))) {
          failures.push({ itemIdentifier: item.itemIdentifier ?? '' });
        }
      }
    } finally {
      this.telemetry.flush();
    }
    if (parsed.shape !== 'sqs' && failures.length > 0) {
      const failed = outcomes.filter((o) => ['yielded', 'in-progress', 'failed'].includes(o.status));
      throw new SluiceError(
        'OBJECTS_NOT_DONE',
        `${failed.length} object(s) not finished: ${failed.map((o) => `s3://${o.bucket}/${o.key} (${o.status}${o.error ? `: ${o.error}` : ''})`).join(', ') || 'undecodable event'}; the retry resumes them.`,
      );
    }
    return { batchItemFailures: failures, objects: outcomes };
  }

  /**
   * Sends an SQS message's body again as a new message, for the next invocation to resume from
   * the checkpoints; true when sent (the message in hand is then done). Reporting it failed
   * instead would make SQS redeliver it only after the visibility timeout, and count each
   * delivery toward the dead-letter limit: an object needing more invocations than that limit
   * would be dead-lettered half done; so would the messages of a batch that one long object left
   * no time for. Only after this invocation made progress (a segment written or an object
   * finished), so one that can do nothing at all still ends in the dead-letter queue.
   */
  private async continueInNewMessage(item: DeliveryItem): Promise<boolean> {
    if (!this.continuation || item.body === undefined) return false;
    try {
      await this.continuation(item.body);
      this.telemetry.logger.info('continues in a new message', { itemIdentifier: item.itemIdentifier });
      return true;
    } catch (error) {
      this.telemetry.logger.warn('could not send the continuation message; reporting the message failed so that SQS redelivers it', { itemIdentifier: item.itemIdentifier, error: error as Error });
      return false;
    }
  }

  private skip(ref: ObjectRef, reason: string): ObjectOutcome {
    const key = ref.keys[0]!;
    if (ref.removal) {
      // Removing an object nobody reads changes nothing, and is what the ObjectsSkipped alarm
      // asks for (move such objects away): counting it would sound that alarm again.
      this.telemetry.logger.info('removal of an object the source does not select: nothing to do', { object: `s3://${ref.bucket}/${key}`, key });
      return { bucket: ref.bucket, key, status: 'skipped', reason };
    }
    this.telemetry.objectSkipped();
    // WARN, not INFO: the landing bucket holds inputs only, so an object nobody reads is a marker
    // at best and misplaced data at worst, which someone should see.
    this.telemetry.logger.warn('object skipped: its key is not selected by the source', { object: `s3://${ref.bucket}/${key}`, key, reason });
    return { bucket: ref.bucket, key, status: 'skipped', reason };
  }

  private async handleObject(ref: ObjectRef): Promise<ObjectOutcome> {
    const started = Date.now();
    const key = ref.keys[0]!;
    try {
      const head = await this.store.head(ref.bucket, ref.keys, ref.versionId);
      const payload: IdentityPayload = { bucket: ref.bucket, key: head.key, version: ref.versionId ?? head.versionId ?? head.etag, planHash: this.definition.hash };
      const resolved: ResolvedObject = { payload, versionId: ref.versionId ?? head.versionId, lastModified: head.lastModified, size: head.size };
      const result = await this.processIdempotent(payload, resolved);
      // Also for a replay: this event may be a newer one for content finished before (A, B, A again).
      await recordCurrentVersion(this.markers, { bucket: ref.bucket, key: head.key, sequencer: ref.sequencer, version: payload.version, objectId: result.objectId });
      if (result.replayed) return { bucket: ref.bucket, key: head.key, objectId: result.objectId, status: 'duplicate', rows: result.rows };
      this.telemetry.objectDone(result.rows, Date.now() - started, result.status === 'quarantined', result.status === 'unreadable');
      // An object quarantined whole says why on the line the alarms point at, not only in its error
      // document; so does an object whose map returned keys that were not written.
      this.telemetry.logger.info('object done', { object: `s3://${ref.bucket}/${head.key}`, objectId: result.objectId, status: result.status, rows: result.rows, ...(result.error ? { error: result.error } : {}), ...(result.undeclaredMapKeys ? { undeclaredMapKeys: result.undeclaredMapKeys } : {}), ...(result.coercionNotes ? { coercionNotes: result.coercionNotes } : {}) });
      return { bucket: ref.bucket, key: head.key, objectId: result.objectId, status: result.status, rows: result.rows, ...(result.error ? { error: result.error } : {}), ...(result.resumedAt ? { resumedAt: result.resumedAt } : {}) };
    } catch (error) {
      const name = (error as Error)?.name;
      if (error instanceof CheckpointYield) {
        this.telemetry.logger.info('checkpointed; a redelivery resumes', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'yielded' };
      }
      if (error instanceof ObjectMissingError && (await removedAfter(this.markers, ref.bucket, key, ref.sequencer).catch(() => false))) {
        // Created, then deleted before this event was handled: nothing to read, nothing to retry.
        this.telemetry.logger.info('object deleted after this event: nothing to read', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'removed' };
      }
      if (name === 'IdempotencyAlreadyInProgressError') {
        this.telemetry.logger.info('a concurrent delivery is processing this object; retry later', { object: `s3://${ref.bucket}/${key}` });
        return { bucket: ref.bucket, key, status: 'in-progress' };
      }
      this.telemetry.objectFailed();
      this.telemetry.logger.error('object failed', { object: `s3://${ref.bucket}/${key}`, error: error as Error });
      return { bucket: ref.bucket, key, status: 'failed', error: (error as Error)?.message ?? String(error) };
    }
  }

  /** Records what a removal event did to its key; no object is read. */
  private async handleRemoval(ref: ObjectRef): Promise<ObjectOutcome> {
    const key = ref.keys[0]!;
    try {
      // EventBridge may name two spellings of the key: the one that was the object is among them.
      let recorded = false;
      for (const candidate of ref.keys) {
        recorded = (await recordRemoval(this.markers, { bucket: ref.bucket, key: candidate, removal: ref.removal!, ...(ref.sequencer ? { sequencer: ref.sequencer } : {}), ...(ref.versionId ? { versionId: ref.versionId } : {}) })) || recorded;
      }
      if (recorded) this.telemetry.logger.info('object removed: its rows leave the next aggregation', { object: `s3://${ref.bucket}/${key}`, removal: ref.removal, versionId: ref.versionId });
      // Without a sequencer there is no telling this removal from an older one: nothing can be recorded safely.
      else this.telemetry.logger.warn('object removal not recorded: the event has no sequencer', { object: `s3://${ref.bucket}/${key}`, removal: ref.removal });
      return { bucket: ref.bucket, key, status: 'removed' };
    } catch (error) {
      this.telemetry.objectFailed();
      this.telemetry.logger.error('object removal failed', { object: `s3://${ref.bucket}/${key}`, error: error as Error });
      return { bucket: ref.bucket, key, status: 'failed', error: (error as Error)?.message ?? String(error) };
    }
  }

  private get markers(): MarkerTarget {
    return { store: this.store, bucket: this.zones.validatedBucket, pipeline: this.definition.plan.name };
  }

  /** Runs inside the idempotent section: at most one delivery of an object gets here at a time. */
  private async processOnce(payload: IdentityPayload, ref: ResolvedObject): Promise<StoredResult> {
    const result = await processObject(
      { ...payload, objectId: objectIdOf(payload), versionId: ref.versionId, lastModified: ref.lastModified, size: ref.size },
      {
        definition: this.definition,
        transformer: this.transformer,
        store: this.store,
        zones: this.zones,
        // Keep the reserve plus room for two more segments at the pace of the last one. (Timed
        // by the processor from its first record: a resumed object first re-reads everything
        // before its checkpoint, which once made every segment after a resume look slow, so
        // each later delivery did one segment and the object ran out of deliveries.)
        shouldYield: (segmentMs) => (this.context?.getRemainingTimeInMillis() ?? Infinity) < this.timeReserveMs + 2 * segmentMs,
        log: (message, data) => this.telemetry.logger.debug(message, data ?? {}),
      },
    );
    if (result.status === 'yielded') throw new CheckpointYield();
    // A manifest already there means an earlier delivery finished it (after the idempotency record expired).
    return {
      objectId: result.manifest.objectId,
      status: result.manifest.status,
      rows: result.manifest.rows,
      ...(result.manifest.error ? { error: result.manifest.error } : {}),
      ...(result.manifest.undeclaredMapKeys ? { undeclaredMapKeys: result.manifest.undeclaredMapKeys } : {}),
      ...(result.manifest.coercionNotes ? { coercionNotes: result.manifest.coercionNotes } : {}),
      ...(result.resumedAt > 0 ? { resumedAt: result.resumedAt } : {}),
      ...(result.alreadyDone ? { replayed: true } : {}),
    };
  }
}

interface ResolvedObject {
  readonly payload: IdentityPayload;
  readonly versionId?: string;
  readonly lastModified: Date;
  readonly size: number;
}
