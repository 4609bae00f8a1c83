/**
 * `npm start` / `sluice demo`: makes the seeded clickstream sample if it is absent, then runs
 * the engagement pipeline of DESIGN §1 on it and prints the quality report, a feature preview
 * and where the outputs went. The pipeline reads the folder `--data` names, whatever folder
 * the module's own source names.
 */
import { access } from 'node:fs/promises';
import { generateDemoEvents } from './demo-data.js';
import { readingDemoFolder } from './demo-source.js';
import { loadPipeline, runLoadedPipeline } from './run-command.js';

/**
 * @example
 * ```ts
 * process.exitCode = await demoCommand({ module: 'examples/engagement.ts', dataDir: 'data/events' });
 * ```
 */
export async function demoCommand(options: { module: string; dataDir: string; sample?: number }, out: (text: string) => void = console.log): Promise<number> {
  // Loaded first: a mistyped module should not wait for a clickstream to be made.
  const onDemoData = readingDemoFolder(await loadPipeline(options.module), options.dataDir);
  try {
    await access(options.dataDir);
    out(`Using the demo clickstream in ${options.dataDir} (delete the folder to make it anew).`);
  } catch {
    const started = performance.now();
    const made = await generateDemoEvents({ dir: options.dataDir });
    out(
      `Made a seeded clickstream in ${options.dataDir}: ${made.events.toLocaleString('en-US')} events in ${made.files} daily files, ` +
        `${made.malformed.toLocaleString('en-US')} of them malformed on purpose (${Math.round(performance.now() - started)} ms).`,
    );
  }
  return runLoadedPipeline(onDemoData, options.sample ? { sample: options.sample } : {}, out);
}
