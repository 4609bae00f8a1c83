/**
 * The one rule that decides whether a key belongs to a source's pattern. The S3 and local
 * listings apply it to every key they see, and the event stage applies it to every key S3
 * notifies it of (through landing-keys.ts), so a notebook and the promoted stack read the
 * same objects.
 */
import { globToRegExp, isHiddenName, splitGlob } from './glob-matcher.js';

/**
 * Compiles a source pattern (the key part of `s3://bucket/<pattern>`, or a `file()` path) into
 * a predicate over `/`-separated keys, compared as raw text. With a glob, the key must match
 * it (see `globToRegExp`, with `skipHidden`). Without one, the pattern names one key, or every
 * key under it as a folder: `events` is `events` itself and `events/...`, never `events-old/...`.
 * Below the part the pattern spells, hidden names (`_SUCCESS`, `.DS_Store`, `_temporary/`) are
 * skipped.
 *
 * @example
 * ```ts
 * const matches = sourceKeyMatcher('events/*.jsonl');
 * matches('events/a b+c.jsonl') // true
 * matches('events/_SUCCESS')    // false
 * sourceKeyMatcher('events')('events-old/a.jsonl') // false
 * ```
 */
export function sourceKeyMatcher(pattern: string): (key: string) => boolean {
  const { literal, hasGlob } = splitGlob(pattern);
  if (hasGlob) {
    const re = globToRegExp(pattern, { skipHidden: true });
    return (key) => re.test(key);
  }
  // Below a folder the pattern spells nothing: hidden names there are skipped.
  const visibleBelow = (key: string, folder: string): boolean => !key.slice(folder.length).split('/').some(isHiddenName);
  if (literal === '' || literal.endsWith('/')) return (key) => key.startsWith(literal) && visibleBelow(key, literal);
  return (key) => key === literal || (key.startsWith(`${literal}/`) && visibleBelow(key, `${literal}/`));
}
