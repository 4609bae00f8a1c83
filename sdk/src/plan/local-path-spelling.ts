/**
 * One spelling per local path in a plan. The plan hash is taken over the plan's text, so
 * `featureStore('./features')` and `featureStore('features/')` — the same folder — used to give
 * two hashes: a run under the other spelling read as a changed definition, rewrote every
 * partition and noted that the previous definition's rows were still there.
 */
import { posix } from 'node:path';

/**
 * A local path or glob with `.` segments, doubled slashes and `dir/..` pairs taken out (as
 * `path.posix.normalize` does); a trailing `/` is kept, since `file('data/events/')` says
 * "a folder" where `file('data/events')` does not. Relative stays relative: an absolute
 * spelling would make the hash depend on the folder a notebook was started in.
 *
 * @example
 * ```ts
 * localPathSpelling('./data//events/*.jsonl') // 'data/events/*.jsonl'
 * localPathSpelling('features/')              // 'features/'
 * localPathSpelling('/srv/x/../features')     // '/srv/features'
 * ```
 */
export function localPathSpelling(path: string): string {
  return posix.normalize(path);
}
