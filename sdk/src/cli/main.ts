#!/usr/bin/env node
/**
 * The `sluice` command. Each subcommand lives in its own file and is loaded on demand.
 */
import { parseArgs } from 'node:util';
import { SluiceError } from '../errors.js';
import '../index.js';

const HELP = `sluice — feature pipelines: explore in a notebook, promote to AWS, pull training sets

Usage:
  sluice run <module> [--sample N] [--dry-run] [--zones DIR] [--save-profile FILE] [--no-profile]
  sluice demo [module] [--sample N]            make the demo clickstream if absent, run the pipeline
  sluice catalog [--store DIR]                 list feature groups
  sluice catalog <entity>/<group> [--store DIR] describe one group
  sluice init <dir>                            scaffold a new project
  sluice promote <module> --out <dir> [--schedule "rate(1 hour)"]
  sluice dev <module>                          production behaviour on this machine (s3rver + dynalite)
  sluice training-set --help                   build a point-in-time training set
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { sample: { type: 'string' }, 'dry-run': { type: 'boolean' }, zones: { type: 'string' }, 'save-profile': { type: 'string' }, 'no-profile': { type: 'boolean' } } });
      const module = positionals[0];
      if (!module) throw new SluiceError('USAGE', 'sluice run needs a module: sluice run pipelines/engagement.ts [--sample 10000]');
      const { runCommand } = await import('./run-command.js');
      return runCommand(module, {
        ...(values.sample ? { sample: parseSample(values.sample) } : {}),
        ...(values['dry-run'] ? { dryRun: true } : {}),
        ...(values.zones ? { zones: values.zones } : {}),
        ...(values['save-profile'] ? { saveProfile: values['save-profile'] } : {}),
        ...(values['no-profile'] ? { profile: false } : {}),
      });
    }
    case 'demo': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { sample: { type: 'string' }, data: { type: 'string' } } });
      const { demoCommand } = await import('./demo-command.js');
      return demoCommand({ module: positionals[0] ?? 'examples/engagement.ts', dataDir: values.data ?? 'data/events', ...(values.sample ? { sample: parseSample(values.sample) } : {}) });
    }
    case 'catalog': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { store: { type: 'string' } } });
      const { catalogCommand } = await import('./catalog-command.js');
      return catalogCommand(values.store ?? './.sluice/features', positionals[0]);
    }
    case 'promote': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string' }, schedule: { type: 'string' }, 'budget-usd': { type: 'string' }, 'alarm-email': { type: 'string' } } });
      const module = positionals[0];
      if (!module || !values.out) throw new SluiceError('USAGE', 'sluice promote needs a module and an output folder: sluice promote pipelines/engagement.ts --out deploy/user-engagement');
      const { promoteCommand } = await import('./promote-command.js');
      return promoteCommand(module, {
        out: values.out,
        ...(values.schedule ? { schedule: values.schedule } : {}),
        ...(values['budget-usd'] ? { budgetUsd: Number(values['budget-usd']) } : {}),
        ...(values['alarm-email'] ? { alarmEmail: values['alarm-email'] } : {}),
      });
    }
    case 'training-set': {
      const { trainingSetCommand } = await import('./training-set-command.js');
      return trainingSetCommand(rest);
    }
    case 'init': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { force: { type: 'boolean' }, name: { type: 'string' } } });
      const dir = positionals[0];
      if (!dir) throw new SluiceError('USAGE', 'sluice init needs a folder: sluice init my-features');
      const { initProject } = await import('./init-command.js');
      const result = await initProject(dir, { ...(values.force ? { force: true } : {}), ...(values.name ? { name: values.name } : {}) });
      console.log(`Created ${result.dir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n\n${result.nextSteps}`);
      return 0;
    }
    case 'dev': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { dir: { type: 'string' }, 'aggregate-every': { type: 'string' } } });
      const module = positionals[0];
      if (!module) throw new SluiceError('USAGE', 'sluice dev needs a pipeline module: sluice dev pipelines/engagement.ts');
      const { startDev } = await import('./dev-command.js');
      const session = await startDev({
        pipelineModule: module,
        ...(values.dir ? { dir: values.dir } : {}),
        ...(values['aggregate-every'] ? { aggregateEveryMs: Number(values['aggregate-every']) * 1000 } : {}),
      });
      console.log(`sluice dev: put objects into the landing bucket at ${session.s3Endpoint} (path-style); Ctrl-C stops.`);
      await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
      await session.stop();
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return command === undefined ? 1 : 0;
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 1;
  }
}

function parseSample(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new SluiceError('USAGE', `--sample takes a positive whole number of rows, e.g. --sample 10000; got "${text}".`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof SluiceError) console.error(`✖ ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
