import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isHiddenName, mayNameHidden, splitGlob, splitGlobFolder } from './glob-matcher.js';
import { sourceKeyMatcher } from './source-key-matcher.js';

/** A local file that a glob matched. */
export interface ListedFile {
  /** The path as the glob spells it, `/`-separated. */
  readonly key: string;
  readonly path: string;
  readonly size: number;
}

/**
 * Lists the local files a glob matches, in no particular order. A path without glob
 * characters names one file or every file under a folder. Missing folders list nothing
 * (the caller reports an empty source). Below the folder the pattern spells literally, names
 * starting with `.` or `_` (`.git`, `_SUCCESS`, `_temporary/`) are skipped unless the pattern
 * spells that character at that segment: `data/.cache/*` lists `data/.cache/a.jsonl` but not
 * `data/.cache/.DS_Store`.
 *
 * @example
 * ```ts
 * await listLocalFiles('data/events/*.jsonl', process.cwd())
 * // [{ key: 'data/events/a.jsonl', path: '/home/me/data/events/a.jsonl', size: 1024 }, ...]
 * ```
 */
export async function listLocalFiles(pattern: string, cwd: string): Promise<ListedFile[]> {
  const { literal, hasGlob } = splitGlob(pattern);
  if (!hasGlob) {
    const path = resolve(cwd, literal);
    const info = await statOrUndefined(path);
    if (!info) return [];
    if (info.isFile()) return [{ key: literal, path, size: info.size }];
    if (!info.isDirectory()) return [];
    const prefix = literal.endsWith('/') ? literal : `${literal}/`;
    // Nothing below a folder path is spelled by the pattern: every hidden name there is skipped.
    return walk(path, prefix, { matches: sourceKeyMatcher(pattern), maxDepth: Infinity, enterHidden: false });
  }
  // Walk from the deepest folder that the glob spells literally.
  const { folder: baseKey, rest } = splitGlobFolder(pattern);
  const maxDepth = rest.includes('**') ? Infinity : rest.split('/').length;
  const basePath = baseKey === '' ? cwd : resolve(cwd, baseKey);
  const info = await statOrUndefined(basePath);
  if (!info?.isDirectory()) return [];
  return walk(basePath, baseKey, { matches: sourceKeyMatcher(pattern), maxDepth, enterHidden: mayNameHidden(rest) });
}

interface WalkOptions {
  /** Decides on every file, hidden names included. */
  readonly matches: (key: string) => boolean;
  readonly maxDepth: number;
  /** Walk into hidden folders (only when the pattern could name one: `.git/` is not walked for `**\/*.jsonl`). */
  readonly enterHidden: boolean;
}

async function walk(root: string, rootKey: string, options: WalkOptions): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  // A symlink to a folder that contains the one being walked (an ancestor on disk) is a loop
  // and is not followed; a symlink elsewhere is followed like any folder.
  const visit = async (dir: string, keyPrefix: string, depth: number, parentReal: string | undefined): Promise<void> => {
    const real = await realpath(dir);
    if (parentReal !== undefined && (parentReal === real || parentReal.startsWith(`${real}${sep}`))) return;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const key = keyPrefix + entry.name;
      const info = entry.isSymbolicLink() ? await statOrUndefined(path) : entry;
      if (!info) continue;
      if (info.isDirectory()) {
        if (depth + 1 < options.maxDepth && (options.enterHidden || !isHiddenName(entry.name))) await visit(path, `${key}/`, depth + 1, real);
      } else if (info.isFile() && options.matches(key)) {
        out.push({ key, path, size: (await stat(path)).size });
      }
    }
  };
  await visit(root, rootKey, 0, undefined);
  return out;
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

