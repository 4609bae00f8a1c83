/**
 * Parses one subcommand's arguments from its spec. A mistake on the command line (an unknown
 * flag, a flag without its value, one argument too many) becomes a `USAGE` error that names it
 * and shows the usage line — never Node's stack trace.
 */
import { parseArgs } from 'node:util';
import { SluiceError } from '../errors.js';
import { closestName } from '../plan/did-you-mean.js';
import { usageLine, type CommandSpec } from './command-specs.js';

/** The parsed flags of a spec: strings for string flags, `true` for boolean ones. */
export type FlagValues<S extends CommandSpec> = {
  readonly [K in keyof S['flags']]?: S['flags'][K] extends { readonly type: 'boolean' } ? boolean : string;
};

export interface CommandArgs<S extends CommandSpec> {
  readonly values: FlagValues<S>;
  readonly positionals: readonly string[];
  /** `--help` or `-h` was given: show the help and do nothing else. */
  readonly help: boolean;
}

/**
 * @example
 * ```ts
 * const { values, positionals, help } = parseCommandArgs(COMMAND_SPECS.run, ['x.ts', '--sample', '100']);
 * ```
 */
export function parseCommandArgs<S extends CommandSpec>(spec: S, argv: readonly string[]): CommandArgs<S> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, flag] of Object.entries(spec.flags)) options[name] = { type: flag.type };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: withNegativeNumbersAttached(argv, options), options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    if (isParseArgsError(error)) throw usageError(spec, parseArgsProblem(error.message, spec.flags), error);
    throw error;
  }
  const help = parsed.values.help === true;
  const allowed = spec.arguments.split(' ').filter((part) => part !== '').length;
  if (!help && parsed.positionals.length > allowed) {
    throw usageError(spec, `unexpected argument "${parsed.positionals[allowed]}"`);
  }
  const { help: _help, ...values } = parsed.values;
  return { values: values as FlagValues<S>, positionals: parsed.positionals, help };
}

/**
 * `--sample -5` as `--sample=-5`. parseArgs will not take a value that starts with "-" after a
 * space (it could be a flag) and calls it ambiguous; but no flag starts with a digit, so a
 * negative number after a flag that takes a value is that value — and the flag's own rule can
 * then say what is wrong with it ("--sample takes a positive whole number …; got "-5"").
 *
 * @example
 * ```ts
 * withNegativeNumbersAttached(['x.ts', '--sample', '-5'], { sample: { type: 'string' } }) // ['x.ts', '--sample=-5']
 * ```
 */
export function withNegativeNumbersAttached(argv: readonly string[], options: Readonly<Record<string, { readonly type: string }>>): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else args.push(arg);
  }
  return args;
}

/**
 * A `USAGE` error for `sluice <command>`: the problem on one line, then the usage line.
 *
 * @example
 * ```ts
 * throw usageError(COMMAND_SPECS.promote, '--budget-usd takes a positive number of dollars, e.g. --budget-usd 50; got "abc"');
 * ```
 */
export function usageError(spec: CommandSpec, problem: string, cause?: unknown): SluiceError {
  return new SluiceError(
    'USAGE',
    `sluice ${spec.name}: ${problem}.\nUsage: ${usageLine(spec)}\n(sluice ${spec.name} --help says what each flag does.)`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Whether `error` is node:util parseArgs rejecting the command line (ERR_PARSE_ARGS_*).
 *
 * @example
 * ```ts
 * try { parseArgs({ args, options }) } catch (e) { if (isParseArgsError(e)) console.error(parseArgsProblem(e.message, options)) }
 * ```
 */
export function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Node's parseArgs message, retold in the command's own terms: which flag, and what to do.
 *
 * @example
 * ```ts
 * parseArgsProblem("Unknown option '--smaple'. …", { sample: { value: 'N' } }) // 'unknown flag --smaple (did you mean --sample?)'
 * ```
 */
export function parseArgsProblem(message: string, flags: Readonly<Record<string, { readonly type: string; readonly value?: string }>>): string {
  const flag = /'([^' ]+)/.exec(message)?.[1] ?? '';
  const name = flag.replace(/^-+/, '');
  if (message.startsWith('Unknown option')) {
    const closest = closestName(name, Object.keys(flags));
    return `unknown flag ${flag}${closest ? ` (did you mean --${closest}?)` : ''}`;
  }
  const needsValue = `${flag} needs a value: ${flag} ${flags[name]?.value ?? 'VALUE'}`;
  if (message.includes('argument missing')) return needsValue;
  // parseArgs will not take "-5" as a value: it could be a flag. The "=" form says it is one.
  if (message.includes('ambiguous')) return `${needsValue} (for a value that starts with "-", write ${flag}=-…)`;
  if (message.includes('does not take an argument')) return `${flag} takes no value`;
  if (message.startsWith('Unexpected argument')) return `unexpected argument "${flag}"`;
  return message.split('\n')[0]!;
}
