/**
 * `SLUICE_TRACE_SQL=1`: every statement the local engine runs, with its wall time and the CPU
 * time this process spent meanwhile (DuckDB's threads included), on stderr. For finding where a
 * slow run spends its time, and whether a statement keeps every core busy (cpu ≈ wall × cores)
 * or leaves some idle (`SLUICE_TRACE_SQL=full` prints whole statements).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Wraps a connection so that `run` and `runAndReadAll` report each statement, its wall time and
 * the process's CPU time over it.
 *
 * @example
 * ```ts
 * const connection = process.env.SLUICE_TRACE_SQL ? tracedConnection(database.connection) : database.connection;
 * // stderr: [sql 212 ms, cpu 401 ms] CREATE OR REPLACE TABLE "feature_rows" AS WITH …
 * ```
 */
export function tracedConnection(connection: DuckDBConnection, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): DuckDBConnection {
  const whole = process.env.SLUICE_TRACE_SQL === 'full';
  const traced = <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      try {
        return await method.apply(connection, args);
      } finally {
        const text = String(args[0]).replace(/\s+/g, ' ');
        const used = process.cpuUsage(cpu);
        const cpuMs = Math.round((used.user + used.system) / 1000);
        write(`[sql ${Math.round(performance.now() - started)} ms, cpu ${cpuMs} ms] ${whole ? text : text.slice(0, 160)}`);
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
