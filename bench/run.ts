/**
 * `npm run bench`: every benchmark, each measured as a ratio against a baseline in the same
 * run (never a timed assertion in a test). Figures are printed and written to
 * bench/results/latest.json (and a dated copy).
 *
 *   BENCH=flights,event-stage,training-set npm run bench   (default: all)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFlightsBench } from './flights-pipeline-bench.js';
import { runEventStageBench } from './event-stage-bench.js';

const selected = (process.env.BENCH ?? 'flights,event-stage,training-set').split(',');
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };

function report(name: string, figures: Record<string, unknown>, targets: string[]): void {
  results[name] = figures;
  console.log(`\n${name}`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(22)} ${String(v)}`);
  for (const t of targets) console.log(`  target: ${t}`);
}

if (selected.includes('flights')) {
  const r = await runFlightsBench();
  report('flights pipeline vs hand-written DuckDB (3M rows)', { ...r }, ['ratio <= 1.3, outputsEqual = true']);
}
if (selected.includes('event-stage')) {
  const r = await runEventStageBench();
  report('event stage (Lambda handler)', { ...r }, ['rowsPerSecond >= 200,000', 'coldStartMedianMs <= 150', 'bundleBytes <= 1,048,576']);
}
if (selected.includes('training-set')) {
  const module = (await import('./training-set-bench.js')) as { runTrainingSetBench?: () => Promise<Record<string, unknown>> };
  if (module.runTrainingSetBench) {
    const r = await module.runTrainingSetBench();
    report('training set vs hand-written ASOF JOIN (300k labels)', r, ['ratio <= 1.3, results equal']);
  }
}

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, `${new Date().toISOString().slice(0, 10)}.json`), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${join(dir, 'latest.json')}`);
