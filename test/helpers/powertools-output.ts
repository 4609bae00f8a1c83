/**
 * Powertools prints logs and EMF metrics as JSON lines on stdout/stderr. This turns on INFO
 * logs and metrics and collects every line written while the handler runs (still printed);
 * `vi.restoreAllMocks()` stops the collection.
 *
 * ```ts
 * const output: string[] = [];
 * capturePowertoolsOutput(output);
 * await handler(event, context);
 * vi.restoreAllMocks();
 * ```
 */
import { vi } from 'vitest';

export function capturePowertoolsOutput(output: string[]): void {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_DEV: '' });
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
}
