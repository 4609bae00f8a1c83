/**
 * Numbers given on the command line. `Number('abc')` is NaN and `Number('')` is 0, and either
 * would travel silently into a plan or a CloudFormation template; these read a flag's text
 * strictly and name the flag, the rule and an example when it is not a number that makes sense.
 */
import { SluiceError } from '../errors.js';

/**
 * A count of things, e.g. rows: `10000` or `10_000`.
 *
 * @example
 * ```ts
 * wholeNumberFlag('--sample', '10_000', 'rows', '10000') // 10000
 * ```
 */
export function wholeNumberFlag(flag: string, text: string, unit: string, example: string): number {
  const n = parseNumber(text);
  if (!Number.isInteger(n) || n <= 0) throw new SluiceError('USAGE', `${flag} takes a positive whole number of ${unit}, e.g. ${flag} ${example}; got "${text}".`);
  return n;
}

/**
 * An amount, e.g. dollars: `50`, `12.5`.
 *
 * @example
 * ```ts
 * positiveNumberFlag('--budget-usd', '50', 'dollars', '50') // 50
 * ```
 */
export function positiveNumberFlag(flag: string, text: string, unit: string, example: string): number {
  const n = parseNumber(text);
  if (!Number.isFinite(n) || n <= 0) throw new SluiceError('USAGE', `${flag} takes a positive number of ${unit}, e.g. ${flag} ${example}; got "${text}".`);
  return n;
}

/**
 * An interval where 0 has a meaning of its own (e.g. "never").
 *
 * @example
 * ```ts
 * nonNegativeNumberFlag('--aggregate-every', '30', 'seconds (0 = never)', '60') // 30
 * ```
 */
export function nonNegativeNumberFlag(flag: string, text: string, unit: string, example: string): number {
  const n = parseNumber(text);
  if (!Number.isFinite(n) || n < 0) throw new SluiceError('USAGE', `${flag} takes a number of ${unit}, e.g. ${flag} ${example}; got "${text}".`);
  return n;
}

/** NaN for anything but a plain decimal number (no '', no '0x10', no '1e3 '). */
function parseNumber(text: string): number {
  const plain = text.trim().replaceAll('_', '');
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(plain) ? Number(plain) : Number.NaN;
}

/**
 * A TCP port flag: a whole number from 0 (any free port) to 65535.
 *
 * @example
 * ```ts
 * portFlag('--s3-port', '4570', '4569') // 4570
 * portFlag('--s3-port', 'http', '4569') // throws SluiceError USAGE: --s3-port takes a port number from 0 to 65535 …
 * ```
 */
export function portFlag(flag: string, text: string, example: string): number {
  const n = parseNumber(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new SluiceError('USAGE', `${flag} takes a port number from 0 to 65535 (0 = any free port), e.g. ${flag} ${example}; got "${text}".`);
  return n;
}
