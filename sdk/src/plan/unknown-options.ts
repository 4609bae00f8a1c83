/**
 * One check for every options object the API takes. A misspelt key (`{ enpoint: … }`,
 * `{ dryrun: true }`) would otherwise be ignored silently, and the call would do something
 * else than asked — a store meant for a local S3 emulator would talk to AWS.
 */
import { PlanError } from '../errors.js';
import { suggestionText } from './did-you-mean.js';

/**
 * Throws a PlanError naming the first key of `options` that `call` does not have, with the
 * closest known key and the full list; also when `options` is not an object. `undefined`
 * (options left out) passes.
 *
 * @example
 * ```ts
 * rejectUnknownKeys({ enpoint: 'http://127.0.0.1:4568' }, ['endpoint', 'region'], 'featureStore(root, options)', 'featureStore')
 * // throws PlanError UNKNOWN_OPTION at featureStore.enpoint: featureStore(root, options) has no option "enpoint". Did you mean "endpoint"? Options: endpoint, region.
 * ```
 */
export function rejectUnknownKeys(options: unknown, known: readonly string[], call: string, path: string, code = 'UNKNOWN_OPTION'): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PlanError(code === 'UNKNOWN_OPTION' ? 'INVALID_OPTIONS' : code, path, `${call} takes an options object, e.g. { ${known[0]}: … }; got ${JSON.stringify(options) ?? String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new PlanError(code, `${path}.${key}`, `${call} has no option "${key}". ${suggestionText(key, known, 'Options')}`);
  }
}
