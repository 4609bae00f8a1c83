/**
 * Quoting for commands sluice prints for people to paste into a POSIX shell (`cd My Features`
 * would cd into "My" and fail).
 */

// Characters no POSIX shell treats specially anywhere in a word.
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `text` as one shell word: unchanged when that is safe, else in single quotes (a quote
 * inside becomes `'\''`).
 *
 * @example
 * ```ts
 * shellQuote('my-features')  // my-features
 * shellQuote('My Features')  // 'My Features'
 * shellQuote("it's")         // 'it'\''s'
 * ```
 */
export function shellQuote(text: string): string {
  if (PLAIN_WORD.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
