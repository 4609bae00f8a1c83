/**
 * Loads a user's pipeline module (TypeScript or JavaScript) the way `sluice run` and
 * `sluice promote` need it: transpiled with esbuild next to the original, so that its own
 * imports ('sluice', 'zod', relative files) resolve exactly as they would for the user.
 */
import { readFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SluiceError } from '../errors.js';
import { closestName } from '../plan/did-you-mean.js';

/**
 * Imports a module and returns its default export.
 *
 * @example
 * ```ts
 * const engagement = await loadDefaultExport('pipelines/engagement.ts');
 * ```
 */
export async function loadDefaultExport(modulePath: string): Promise<unknown> {
  const absolute = resolve(modulePath);
  try {
    await stat(absolute);
  } catch {
    throw new SluiceError(
      'MODULE_NOT_FOUND',
      `No file at ${modulePath}${await didYouMean(modulePath)}. Give the path of a module that default-exports a pipeline, relative to ${process.cwd()} or absolute.`,
    );
  }
  const { build } = await import('esbuild');
  const outfile = join(dirname(absolute), `.sluice-${basename(absolute).replace(/\W/g, '_')}-${process.pid}.mjs`);
  // Stack traces then name the user's .ts file and line (the inline source map below), not the
  // transpiled copy, which is gone by the time anyone reads them.
  process.setSourceMapsEnabled(true);
  try {
    await build({ entryPoints: [absolute], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent', sourcemap: 'inline' });
    const loaded = (await import(pathToFileURL(outfile).href)) as { default?: unknown };
    if (loaded.default === undefined) {
      throw new SluiceError('NO_DEFAULT_EXPORT', `${modulePath} has no default export. End it with: export default pipeline('...')...`);
    }
    return loaded.default;
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    const message = describeBuildErrors(error) ?? describeThrownAt(error) ?? (error as Error).message;
    throw new SluiceError('MODULE_LOAD_FAILED', `Could not load ${modulePath}: ${message}`, { cause: error });
  } finally {
    await rm(outfile, { force: true });
  }
}

/** ` (did you mean examples/engagement.ts?)` for a misspelt file name beside a real one, else ''. */
async function didYouMean(modulePath: string): Promise<string> {
  const folder = dirname(modulePath);
  const names = await readdir(resolve(folder)).catch(() => [] as string[]);
  const closest = closestName(basename(modulePath), names.filter((name) => /\.[cm]?[jt]s$/.test(name)));
  return closest ? ` (did you mean ${folder === '.' && !modulePath.startsWith('.') ? closest : join(folder, closest)}?)` : '';
}

interface BuildMessage {
  readonly text: string;
  /** esbuild's: `line` counts from 1, `column` from 0. */
  readonly location?: { readonly file: string; readonly line: number; readonly column: number; readonly lineText: string } | null;
}

/**
 * esbuild's errors as an editor and a terminal show them: `file:line:column: message`, the
 * line, and a caret under the column — so a syntax error can be found without guessing.
 */
function describeBuildErrors(error: unknown): string | undefined {
  const errors = (error as { errors?: readonly BuildMessage[] }).errors;
  if (!errors?.length) return undefined;
  return errors
    .map(({ text, location }) =>
      location ? `\n${location.file}:${location.line}:${location.column + 1}: ${text}\n  ${location.lineText}\n  ${' '.repeat(location.column)}^` : `\n${text}`,
    )
    .join('');
}

/** Where sluice itself is installed: frames there are not the user's code. */
const SLUICE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * An error thrown while the module ran (a ReferenceError at its top level, a failed call) as
 * `file:line:column: message` with the line and a caret, from the first stack frame in the
 * user's own files; undefined when no frame is theirs.
 */
function describeThrownAt(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  for (const line of error.stack.split('\n').slice(1)) {
    const frame = /^\s*at (?:.*\()?(?:file:\/\/)?((?:\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) continue;
    const file = frame[1]!;
    if (file.includes(`${sep}node_modules${sep}`) || file.startsWith(SLUICE_ROOT + sep)) continue;
    const row = Number(frame[2]);
    const column = Number(frame[3]);
    let lineText = '';
    try {
      lineText = readFileSync(file, 'utf8').split(/\r?\n/)[row - 1] ?? '';
    } catch {
      // The file is gone or unreadable: the location alone still helps.
    }
    const where = `${relative(process.cwd(), file) || file}:${row}:${column}`;
    return `\n${where}: ${error.name}: ${error.message}${lineText ? `\n  ${lineText}\n  ${' '.repeat(Math.max(0, column - 1))}^` : ''}`;
  }
  return undefined;
}
