/**
 * `sluice init <dir>`: scaffolds a project from templates/project — a package.json that
 * depends on sluice, a pipeline module, a starter notebook, sample data and the
 * `npm run notebook` step that registers the Jupyter kernel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../errors.js';
import { generateDemoEvents } from './demo-data.js';
import { shellQuote } from '../format/shell-quote.js';

export interface InitOptions {
  /** npm package name of the new project (default: the folder name, made npm-safe). */
  readonly name?: string;
  /**
   * The `sluice` dependency spec. Default: `file:<this sdk>` — the checkout this command runs
   * from, because sluice is not published to a registry yet.
   */
  readonly sluiceDependency?: string;
  /** Write sample events into data/events (default true). */
  readonly sampleData?: boolean | { readonly users?: number; readonly days?: number; readonly eventsPerDay?: number };
  /** Allow a folder that already has files in it: files already there are kept, never overwritten or deleted. */
  readonly force?: boolean;
}

export interface InitResult {
  readonly dir: string;
  /** Files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
  /** Files of the template that were already there (with `force`) and were left as they were, sorted. */
  readonly kept: readonly string[];
  readonly sampleEvents?: { readonly files: number; readonly events: number; readonly malformed: number };
  /** What to run next, one command per line. */
  readonly nextSteps: string;
}

/** sdk/ (this file is sdk/src/cli/init-command.ts or sdk/dist/cli/init-command.js). */
const SDK_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function templateRoot(): string {
  // In a checkout the templates sit beside sdk/; a published package would carry them inside.
  for (const candidate of [join(SDK_ROOT, 'templates', 'project'), join(SDK_ROOT, '..', 'templates', 'project')]) {
    if (existsSync(join(candidate, 'package.json.tmpl'))) return candidate;
  }
  throw new SluiceError('TEMPLATES_MISSING', `The project templates are missing from this sluice install (looked in ${SDK_ROOT}/templates and ${SDK_ROOT}/../templates). Reinstall sluice.`);
}

/**
 * An npm-safe package name from a folder name.
 *
 * @example
 * ```ts
 * packageName('My Features!') // 'my-features'
 * ```
 */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '');
  return name || 'sluice-project';
}

function render(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new SluiceError('TEMPLATE_VARIABLE', `Template variable ${whole} has no value (a bug in sluice's templates).`);
    return value;
  });
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(relative(root, path));
  }
  return out;
}

/** npm's rules for a new package name (validate-npm-package-name), scope included. */
const NPM_NAME = /^(?=.{1,214}$)(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

function sdkDependencyVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return pkg.dependencies?.[name] ?? '*';
}

/**
 * Creates a new sluice project in `dir`: files from templates/project (`*.tmpl` rendered,
 * `gitignore` renamed to `.gitignore`) and, unless disabled, a seeded sample clickstream in
 * data/events/.
 *
 * @example
 * ```ts
 * const result = await initProject('my-features');
 * console.log(result.nextSteps); // cd my-features && npm install && npm run notebook
 * ```
 */
export async function initProject(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!(await stat(target)).isDirectory()) throw new SluiceError('INIT_TARGET_EXISTS', `${dir} exists and is not a folder. Choose a new folder name: sluice init my-features.`);
    if (!options.force && (await readdir(target)).length > 0) {
      throw new SluiceError('INIT_TARGET_NOT_EMPTY', `${dir} already has files in it. Choose a new folder (sluice init my-features) or pass --force to write into it anyway.`);
    }
  }
  const name = options.name ?? packageName(basename(target));
  // npm refuses to install a package.json whose name breaks its rules, long after init said "done".
  if (!NPM_NAME.test(name)) {
    throw new SluiceError('INIT_BAD_NAME', `"${name}" is not an npm package name (lowercase letters, digits, "-", "." and "_", not starting with "." or "_", at most 214 characters; optionally @scope/name). Try --name ${packageName(name)}.`);
  }
  const sluiceDependency = options.sluiceDependency ?? `file:${SDK_ROOT}`;
  const vars = {
    name,
    sluiceDependency,
    zodVersion: sdkDependencyVersion('zod'),
    arrowVersion: sdkDependencyVersion('apache-arrow'),
    dependencyNote: sluiceDependency.startsWith('file:')
      ? `sluice is installed from a local checkout (\`${sluiceDependency}\`) because it is not published to a registry yet: build it there first (\`npm run build\`). \`npm run notebook\` uses that checkout's kernel setup.`
      : '',
  };

  const templates = templateRoot();
  await mkdir(target, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  for (const file of await listFiles(templates)) {
    const renderIt = file.endsWith('.tmpl');
    let out = renderIt ? file.slice(0, -'.tmpl'.length) : file;
    // npm drops .gitignore files from published packages, so the template stores it without the dot.
    if (basename(out) === 'gitignore') out = join(dirname(out), '.gitignore');
    const from = join(templates, file);
    const to = join(target, out);
    // Only with --force can anything be there: the user's file wins over the template's.
    if (existsSync(to)) {
      kept.push(out);
      continue;
    }
    await mkdir(dirname(to), { recursive: true });
    if (renderIt) await writeFile(to, render(await readFile(from, 'utf8'), vars));
    else await copyFile(from, to);
    written.push(out);
  }

  let sampleEvents: InitResult['sampleEvents'];
  const dataDir = join(target, 'data', 'events');
  const existingData = await readdir(dataDir).catch(() => [] as string[]);
  if (existingData.length > 0) {
    // The user's own data: never replaced by the sample.
    kept.push(join('data', 'events') + sep);
  } else if (options.sampleData !== false) {
    const size = typeof options.sampleData === 'object' ? options.sampleData : {};
    // Generate into a scratch folder first, so a failure leaves no half-written sample.
    const scratch = join(target, 'data', '.events-tmp');
    await rm(scratch, { recursive: true, force: true });
    sampleEvents = await generateDemoEvents({ dir: scratch, users: size.users ?? 300, days: size.days ?? 30, eventsPerDay: size.eventsPerDay ?? 900 });
    // Empty (checked above) or absent: removing it can lose nothing.
    await rmdir(dataDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(scratch, dataDir);
    for (const f of await readdir(dataDir)) written.push(join('data', 'events', f));
  }

  const relativeDir = relative(process.cwd(), target) || '.';
  // `cd -x` would read the folder as an option.
  const rel = relativeDir.startsWith('-') ? `./${relativeDir}` : relativeDir;
  return {
    dir: target,
    files: written.sort(),
    kept: kept.sort(),
    ...(sampleEvents ? { sampleEvents } : {}),
    nextSteps: [`cd ${shellQuote(rel)}`, 'npm install', 'npm run notebook'].join('\n'),
  };
}
