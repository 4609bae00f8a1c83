/**
 * Runs one Athena statement: start it in the configured workgroup, poll with exponential
 * backoff, stop it when the caller aborts (StopQueryExecution), and surface failures with
 * Athena's own StateChangeReason.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import { EngineError } from '../../errors.js';

export interface PollOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_POLL: PollOptions = { initialMs: 250, maxMs: 5_000, factor: 1.6 };

export interface QueryContext {
  readonly client: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  readonly outputLocation: string;
  readonly poll: PollOptions;
  readonly signal?: AbortSignal;
  readonly onState?: (state: string, queryExecutionId: string) => void;
}

export interface QueryOutcome {
  readonly queryExecutionId: string;
  readonly dataScannedInBytes: number;
}

/**
 * @example
 * ```ts
 * const { dataScannedInBytes } = await runAthenaQuery(context, "UNLOAD (SELECT 1) TO 's3://tmp/x/' WITH (format = 'PARQUET')");
 * ```
 * @throws EngineError `ATHENA_QUERY_FAILED` (with Athena's reason), `ATHENA_QUERY_CANCELLED`, `ABORTED`.
 */
export async function runAthenaQuery(context: QueryContext, sql: string): Promise<QueryOutcome> {
  const { StartQueryExecutionCommand, GetQueryExecutionCommand, StopQueryExecutionCommand } = await import('@aws-sdk/client-athena');
  throwIfAborted(context.signal);
  const started = await context.client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: context.workgroup,
      QueryExecutionContext: { Database: context.database },
      ResultConfiguration: { OutputLocation: context.outputLocation },
    }),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new EngineError('ATHENA_NO_QUERY_ID', 'Athena accepted the query but returned no QueryExecutionId.');
  let delay = context.poll.initialMs;
  try {
    for (;;) {
      const execution = (await context.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
      const state = execution?.Status?.State ?? 'UNKNOWN';
      context.onState?.(state, id);
      if (state === 'SUCCEEDED') return { queryExecutionId: id, dataScannedInBytes: Number(execution?.Statistics?.DataScannedInBytes ?? 0) };
      if (state === 'FAILED') {
        const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new EngineError('ATHENA_QUERY_FAILED', `Athena query ${id} failed in workgroup ${context.workgroup}: ${reason}`);
      }
      if (state === 'CANCELLED') {
        throw new EngineError('ATHENA_QUERY_CANCELLED', `Athena query ${id} was cancelled${execution?.Status?.StateChangeReason ? `: ${execution.Status.StateChangeReason}` : ''} (by someone else, or by the workgroup's data limit).`);
      }
      await sleep(delay, context.signal);
      delay = Math.min(context.poll.maxMs, delay * context.poll.factor);
    }
  } catch (error) {
    if (context.signal?.aborted) {
      // Stop the query server-side: an abandoned Athena query keeps scanning (and billing).
      await context.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
      throw new EngineError('ABORTED', `The training-set query was cancelled; Athena query ${id} was stopped.`, { cause: context.signal.reason });
    }
    throw error;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('ABORTED', 'The training-set query was cancelled before it started.', { cause: signal.reason });
}
