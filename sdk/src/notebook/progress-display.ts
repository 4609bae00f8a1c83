/**
 * Progress for long runs: one live display updated in place in a notebook, a bar redrawn
 * on one line in a terminal, silence when output goes to a file or a pipe.
 */
import { escapeHtml } from './html-escape.js';
import { findTslab, type TslabDisplay } from './tslab-bridge.js';

/** Structurally the same as the pipeline's `ProgressEvent`. */
export interface ProgressUpdate {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function fraction(u: ProgressUpdate): number {
  return u.total > 0 ? Math.min(1, Math.max(0, u.done / u.total)) : 0;
}

/**
 * One line of terminal progress: `[#########-----------]  45% read 4,500/10,000 events.jsonl`.
 *
 * @example
 * ```ts
 * progressBarText({ stage: 'read', done: 1, total: 4 }, 8) // '[##------]  25% read 1/4'
 * ```
 */
export function progressBarText(u: ProgressUpdate, width = 24): string {
  const f = fraction(u);
  const filled = Math.round(f * width);
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const counts = u.total > 0 ? ` ${fmt(u.done)}/${fmt(u.total)}` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} ${u.stage}${counts}${u.message ? ` ${u.message}` : ''}`;
}

/**
 * The HTML of the live notebook progress display.
 *
 * @example
 * ```ts
 * progressHtml({ stage: 'validate', done: 5, total: 10, message: 'events.jsonl' })
 * ```
 */
export function progressHtml(u: ProgressUpdate): string {
  const f = fraction(u);
  const counts = u.total > 0 ? ` ${fmt(u.done)} / ${fmt(u.total)}` : '';
  return (
    `<div class="sluice-progress" style="font-family:system-ui,sans-serif;font-size:12px">` +
    `<progress value="${f.toFixed(4)}" max="1" style="width:240px;vertical-align:middle"></progress> ` +
    `<b>${escapeHtml(u.stage)}</b>${escapeHtml(counts)}${u.message ? ` <span style="color:#666">${escapeHtml(u.message)}</span>` : ''}</div>`
  );
}

export interface ProgressDisplay {
  /** Pass as `run({ onProgress })`. */
  readonly onProgress: (update: ProgressUpdate) => void;
  /** Draws the final state (always, even when throttled) and ends the line in a terminal. */
  finish(final?: ProgressUpdate): void;
}

export interface ProgressDisplayOptions {
  /** Minimum milliseconds between redraws (default 100). */
  readonly intervalMs?: number;
  /** Terminal stream (default process.stderr). */
  readonly stream?: NodeJS.WriteStream;
}

/**
 * Creates a progress display for `run({ onProgress })`.
 *
 * @example
 * ```ts
 * const progress = createProgressDisplay();
 * const run = await engagement.run({ onProgress: progress.onProgress });
 * progress.finish();
 * ```
 */
export function createProgressDisplay(options: ProgressDisplayOptions = {}): ProgressDisplay {
  const interval = options.intervalMs ?? 100;
  const tslab = findTslab();
  const stream = options.stream ?? process.stderr;
  let live: TslabDisplay | undefined;
  let last: ProgressUpdate | undefined;
  let lastDrawn = 0;
  let lastStage = '';
  let drewTerminal = false;

  const draw = (u: ProgressUpdate): void => {
    if (tslab) {
      live ??= tslab.newDisplay();
      live.html(progressHtml(u));
    } else if (stream.isTTY) {
      stream.write(`\r${progressBarText(u)}\u001b[K`);
      drewTerminal = true;
    }
    lastDrawn = Date.now();
    lastStage = u.stage;
  };

  return {
    onProgress(u) {
      last = u;
      // A stage change or the end of a stage is always drawn; the rest is throttled.
      if (u.stage !== lastStage || u.done >= u.total || Date.now() - lastDrawn >= interval) draw(u);
    },
    finish(final) {
      const u = final ?? last;
      if (u) draw(u);
      if (drewTerminal) stream.write('\n');
    },
  };
}
