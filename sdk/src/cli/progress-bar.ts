/**
 * A one-line progress bar on stderr for long CLI runs (redrawn in place on a TTY, a line per
 * stage otherwise, so CI logs stay readable).
 */
import type { ProgressEvent } from '../pipeline/run-types.js';

/**
 * @example
 * ```ts
 * await engagement.run({ onProgress: progressBar() });
 * ```
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (event: ProgressEvent) => void {
  let lastStage = '';
  return (event) => {
    const width = 28;
    const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 1;
    const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '░');
    const text = `${event.stage.padEnd(9)} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}% ${event.message ?? ''}`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 100) - 1)}`);
      if (event.stage === 'done') stream.write('\n');
    } else if (event.stage !== lastStage && event.stage !== 'done') {
      stream.write(`${event.stage}…\n`);
    }
    lastStage = event.stage;
  };
}
