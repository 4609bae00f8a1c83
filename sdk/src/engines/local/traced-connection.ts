/**
 * `SLUICE_TRACE_SQL=1`: every statement the local engine runs, with its wall time, on stderr.
 * For finding where a slow run spends its time (`SLUICE_TRACE_SQL=full` prints whole statements).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Wraps a connection so that `run` and `runAndReadAll` report each statement and its time.
 *
 * @example
 * ```ts
 * const connection = process.env.SLUICE_TRACE_SQL ? tracedConnection(database.connection) : database.connection;
 * // stderr: [sql 212 ms] CREATE OR REPLACE TABLE "feature_rows" AS WITH …
 * ```
 */
export function tracedConnection(connection: DuckDBConnection, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): DuckDBConnection {
  const whole = process.env.SLUICE_TRACE_SQL === 'full';
  const traced = <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await method.apply(connection, args);
      } finally {
        const text = String(args[0]).replace(/\s+/g, ' ');
        write(`[sql ${Math.round(performance.now() - started)} ms] ${whole ? text : text.slice(0, 160)}`);
      }
    };
  return new Proxy(connection, {
    get(target, property) {
      if (property === 'run') return traced(target.run);
      if (property === 'runAndReadAll') return traced(target.runAndReadAll);
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
