/**
 * Loads a user's pipeline module (TypeScript or JavaScript) the way `sluice run` and
 * `sluice promote` need it: transpiled with esbuild next to the original, so that its own
 * imports ('sluice', 'zod', relative files) resolve exactly as they would for the user.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  try {
    await build({ entryPoints: [absolute], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent', sourcemap: 'inline' });
    const loaded = (await import(pathToFileURL(outfile).href)) as { default?: unknown };
    if (loaded.default === undefined) {
      throw new SluiceError('NO_DEFAULT_EXPORT', `${modulePath} has no default export. End it with: export default pipeline('...')...`);
    }
    return loaded.default;
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    const message = describeBuildErrors(error) ?? (error as Error).message;
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
