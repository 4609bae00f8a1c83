#!/usr/bin/env node
/**
 * The `sluice` command. Each subcommand lives in its own file and is loaded on demand.
 */
import { existsSync } from 'node:fs';
import { SluiceError } from '../errors.js';
import '../index.js';
import { SDK_VERSION } from '../version.js';
import { inCliTerms } from './cli-wording.js';
import { parseCommandArgs } from './command-args.js';
import { COMMAND_SPECS, commandHelp, topLevelHelp, type CommandSpec } from './command-specs.js';
import { nonNegativeNumberFlag, portFlag, positiveNumberFlag, wholeNumberFlag } from './numeric-flags.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  /** Parses a subcommand's arguments; `undefined` when it asked for --help (already printed). */
  const parse = <S extends CommandSpec>(spec: S) => {
    const args = parseCommandArgs(spec, rest);
    if (args.help) console.log(commandHelp(spec));
    return args.help ? undefined : args;
  };
  switch (command) {
    case 'run': {
      const args = parse(COMMAND_SPECS.run);
      if (!args) return 0;
      const { values, positionals } = args;
      const module = positionals[0];
      if (!module) throw new SluiceError('USAGE', 'sluice run needs a module: sluice run pipelines/engagement.ts [--sample 10000]');
      // A run without a sample writes anyway: the flag would be silently without effect.
      if (values['write-sample'] && values.sample === undefined) throw new SluiceError('USAGE', '--write-sample lets a --sample run write its partial features; a run without --sample writes them anyway. Add --sample N, or leave out --write-sample.');
      const { runCommand } = await import('./run-command.js');
      return runCommand(module, {
        ...(values.sample !== undefined ? { sample: sampleFlag(values.sample) } : {}),
        ...(values['write-sample'] ? { writeSample: true } : {}),
        ...(values['dry-run'] ? { dryRun: true } : {}),
        ...(values.zones ? { zones: values.zones } : {}),
        ...(values['save-profile'] ? { saveProfile: values['save-profile'] } : {}),
        ...(values['no-profile'] ? { profile: false } : {}),
        ...(values['max-feature-rows'] !== undefined ? { maxFeatureRows: wholeNumberFlag('--max-feature-rows', values['max-feature-rows'], 'rows', '100000000') } : {}),
      });
    }
    case 'demo': {
      const args = parse(COMMAND_SPECS.demo);
      if (!args) return 0;
      const { values, positionals } = args;
      const { demoCommand } = await import('./demo-command.js');
      return demoCommand({ module: positionals[0] ?? defaultDemoModule(), dataDir: values.data ?? 'data/events', ...(values.sample !== undefined ? { sample: sampleFlag(values.sample) } : {}) });
    }
    case 'catalog': {
      const args = parse(COMMAND_SPECS.catalog);
      if (!args) return 0;
      const { values, positionals } = args;
      const { catalogCommand } = await import('./catalog-command.js');
      return catalogCommand(values.store ?? './.sluice/features', positionals[0], console.log, { storeGiven: values.store !== undefined });
    }
    case 'promote': {
      const args = parse(COMMAND_SPECS.promote);
      if (!args) return 0;
      const { values, positionals } = args;
      const module = positionals[0];
      if (!module || !values.out) throw new SluiceError('USAGE', 'sluice promote needs a module and an output folder: sluice promote pipelines/engagement.ts --out deploy/user-engagement');
      const { promoteCommand } = await import('./promote-command.js');
      return promoteCommand(module, {
        out: values.out,
        // An empty --schedule "" or --alarm-email "" goes on to promote() to be refused, not dropped for the default.
        ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
        ...(values['budget-usd'] !== undefined ? { budgetUsd: positiveNumberFlag('--budget-usd', values['budget-usd'], 'US dollars a month', '50') } : {}),
        ...(values['alarm-email'] !== undefined ? { alarmEmail: values['alarm-email'] } : {}),
      });
    }
    case 'training-set': {
      const { trainingSetCommand } = await import('./training-set-command.js');
      return trainingSetCommand(rest);
    }
    case 'init': {
      const args = parse(COMMAND_SPECS.init);
      if (!args) return 0;
      const { values, positionals } = args;
      const dir = positionals[0];
      if (!dir) throw new SluiceError('USAGE', 'sluice init needs a folder: sluice init my-features');
      const { initProject } = await import('./init-command.js');
      const result = await initProject(dir, { ...(values.force ? { force: true } : {}), ...(values.name !== undefined ? { name: values.name } : {}) });
      const kept = result.kept.length > 0 ? `\nKept what was already there (not overwritten):\n${result.kept.map((f) => `  ${f}`).join('\n')}\n` : '';
      console.log(`Created ${result.dir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n${kept}\n${result.nextSteps}`);
      return 0;
    }
    case 'dev': {
      const args = parse(COMMAND_SPECS.dev);
      if (!args) return 0;
      const { values, positionals } = args;
      const module = positionals[0];
      if (!module) throw new SluiceError('USAGE', 'sluice dev needs a pipeline module: sluice dev pipelines/engagement.ts');
      const { startDev } = await import('./dev-command.js');
      const session = await startDev({
        pipelineModule: module,
        ...(values.dir ? { dir: values.dir } : {}),
        ...(values['aggregate-every'] !== undefined
          ? { aggregateEveryMs: nonNegativeNumberFlag('--aggregate-every', values['aggregate-every'], 'seconds (0 = never)', '60') * 1000 }
          : {}),
        ...(values['s3-port'] !== undefined ? { s3Port: portFlag('--s3-port', values['s3-port'], '4569') } : {}),
        ...(values['dynamo-port'] !== undefined ? { dynamoPort: portFlag('--dynamo-port', values['dynamo-port'], '4567') } : {}),
      });
      console.log(`sluice dev: put objects into the landing bucket at ${session.s3Endpoint} (path-style); Ctrl-C stops.`);
      await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
      await session.stop();
      return 0;
    }
    case 'version':
    case '--version':
    case '-v':
      console.log(`sluice ${SDK_VERSION}`);
      return 0;
    case 'help': {
      // `sluice help run` is `sluice run --help`.
      const about = rest[0];
      if (about !== undefined && about in COMMAND_SPECS) {
        console.log(commandHelp(COMMAND_SPECS[about as keyof typeof COMMAND_SPECS]));
        return 0;
      }
      if (about === 'training-set') return main(['training-set', '--help']);
      console.log(topLevelHelp());
      return 0;
    }
    case undefined:
    case '--help':
    case '-h':
      console.log(topLevelHelp());
      return command === undefined ? 1 : 0;
    default:
      console.error(`Unknown command "${command}".\n\n${topLevelHelp()}`);
      return 1;
  }
}

/** This repository's example, or in a project made by `sluice init` its own pipeline. */
function defaultDemoModule(): string {
  return !existsSync('examples/engagement.ts') && existsSync('pipelines/engagement.ts') ? 'pipelines/engagement.ts' : 'examples/engagement.ts';
}

function sampleFlag(text: string): number {
  return wholeNumberFlag('--sample', text, 'rows', '10000');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (thrown: unknown) => {
    const error = inCliTerms(thrown, process.argv[2]);
    if (error instanceof SluiceError) console.error(`✖ ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
