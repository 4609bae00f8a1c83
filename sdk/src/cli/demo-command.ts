/**
 * `npm start` / `sluice demo`: makes the seeded clickstream sample if it is absent, then runs
 * the engagement pipeline of DESIGN §1 on it and prints the quality report, a feature preview
 * and where the outputs went. The pipeline reads the folder `--data` names, whatever folder
 * the module's own source names.
 */
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
  const present = await readdir(options.dataDir).catch(() => undefined);
  if (present !== undefined && present.length > 0) {
    out(`Using the demo clickstream in ${options.dataDir} (delete the folder to make it anew).`);
  } else {
    const started = performance.now();
    // Made beside it, then renamed into place: a demo stopped halfway (Ctrl-C) leaves no folder
    // that a later demo would take for the whole clickstream.
    const folder = options.dataDir.replace(/[\\/]+$/, '');
    // A stopped demo's scratch folder (another process id) is of no use: clear it away.
    const parent = dirname(folder);
    for (const name of await readdir(parent).catch(() => [] as string[])) {
      if (name.startsWith(`${basename(folder)}.partial-`)) await rm(join(parent, name), { recursive: true, force: true });
    }
    const scratch = `${folder}.partial-${process.pid}`;
    const made = await generateDemoEvents({ dir: scratch });
    if (present !== undefined) await rmdir(options.dataDir); // empty: nothing is lost
    await rename(scratch, options.dataDir);
    out(
      `Made a seeded clickstream in ${options.dataDir}: ${made.events.toLocaleString('en-US')} events in ${made.files} daily files, ` +
        `${made.malformed.toLocaleString('en-US')} of them malformed on purpose (${Math.round(performance.now() - started)} ms).`,
    );
  }
  return runLoadedPipeline(onDemoData, options.sample ? { sample: options.sample } : {}, out);
}
