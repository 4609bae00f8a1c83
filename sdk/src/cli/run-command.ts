/**
 * `sluice run <module> [--sample N]`: runs the pipeline a module exports by default, with a
 * progress bar, and exits non-zero when a gate fails.
 */
import { existsSync } from 'node:fs';
import { GateError, SluiceError } from '../errors.js';
import { formatRunResult } from '../format/run-result-text.js';
import type { RunnablePipeline } from '../pipeline/pipeline-builder.js';
import type { RunOptions, RunResult } from '../pipeline/run-types.js';
import { inCliTerms } from './cli-wording.js';
import { loadDefaultExport } from './load-module.js';
import { progressBar } from './progress-bar.js';

/**
 * Loads a module's default export and checks it is a runnable pipeline.
 *
 * @example
 * ```ts
 * const engagement = await loadPipeline('examples/engagement.ts');
 * ```
 */
export async function loadPipeline(modulePath: string): Promise<RunnablePipeline> {
  const exported = await loadDefaultExport(modulePath);
  if (!exported || typeof (exported as RunnablePipeline).run !== 'function' || !(exported as RunnablePipeline).plan) {
    throw new SluiceError('NOT_A_PIPELINE', `${modulePath} default-exports ${typeof exported}, not a pipeline. End the module with: export default pipeline('name').from(...).validate(...)...`);
  }
  return exported as RunnablePipeline;
}

/**
 * Runs a pipeline module and prints its result; returns the process exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCommand('examples/engagement.ts', { sample: 10_000 });
 * ```
 */
export async function runCommand(modulePath: string, options: RunOptions, out: (text: string) => void = console.log): Promise<number> {
  return runLoadedPipeline(await loadPipeline(modulePath), options, out);
}

/**
 * Runs a pipeline already loaded (e.g. one the demo pointed at its data) and prints its
 * result; returns the process exit code: 0, or 2 when a gate failed.
 *
 * @example
 * ```ts
 * process.exitCode = await runLoadedPipeline(await loadPipeline('examples/engagement.ts'), { sample: 1_000 });
 * ```
 */
export async function runLoadedPipeline(pipeline: RunnablePipeline, options: RunOptions, out: (text: string) => void = console.log, err: (text: string) => void = console.error): Promise<number> {
  out(`Running ${pipeline.name} (plan ${pipeline.hash})${options.sample ? ` on a sample of about ${options.sample.toLocaleString('en-US')} rows` : ''}`);
  let result: RunResult;
  const print = (printed: Omit<RunResult, 'toString'> | GateError['result']) =>
    out(formatRunResult({ ...printed, notes: printed.notes.map(noteInCliTerms) }, {
      ...(options.dryRun ? { dryRun: true } : {}),
      // Named only when it is there: the engine saves no profile when it computed none.
      ...(options.saveProfile && existsSync(options.saveProfile) ? { savedProfile: options.saveProfile } : {}),
    }));
  try {
    result = await pipeline.run({ onProgress: progressBar(), ...options });
  } catch (error) {
    if (error instanceof GateError) {
      print(error.result);
      // The report is the output; the verdict is an error, where every other one goes.
      err(`\n✖ ${(inCliTerms(error, 'run') as Error).message}`);
      return 2;
    }
    throw error;
  }
  print(result);
  return 0;
}

/** The run's notes name SDK options; at the terminal the flag is what to pass. */
function noteInCliTerms(note: string): string {
  return note.replace('pass writeSample: true', 'pass --write-sample');
}
