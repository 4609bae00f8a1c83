/**
 * The key filter of the landing bucket's S3 notification, derived from the source's landing
 * rule (sources/landing-keys.ts). S3 can only test a literal prefix and a literal suffix, so
 * the filter is a coarse first cut: it must never be narrower than the rule (an object the
 * pipeline would read but S3 never announces is lost without a trace), while anything it lets
 * through that the rule does not select is skipped, logged and counted by the handler.
 */
import { globLiteralSuffix, splitGlob } from '../sources/glob-matcher.js';
import type { LandingKeyRule } from '../sources/landing-keys.js';

/** A prefix and/or suffix, as `NotificationKeyFilter` takes them. */
export interface LandingKeyFilter {
  readonly prefix?: string;
  readonly suffix?: string;
}

// S3 compares filter values with the key in its URL-encoded form (`=` must be written `%3D`,
// a space `+`). How S3 encodes the rarer characters (`~ * ' ( ) !`) is not documented precisely,
// so the filter keeps only text whose encoding is itself, cutting the rest off: a shorter prefix
// or suffix is wider, never wrong.
const ENCODES_AS_ITSELF = /^[A-Za-z0-9._/-]$/;

/**
 * The notification filter for a landing rule, or `undefined` when neither end of the keys is
 * literal (S3 refuses a filter without a prefix or suffix, and no filter means every key).
 *
 * @example
 * ```ts
 * landingKeyFilter(landingKeyRule(s3('s3://raw/events/**\/*.csv.gz').node)) // { prefix: 'events/', suffix: '.csv.gz' }
 * landingKeyFilter(landingKeyRule(s3('s3://raw/events/dt=*\/*.jsonl').node)) // { prefix: 'events/dt', suffix: '.jsonl' }
 * landingKeyFilter(landingKeyRule(file('data/events/*.jsonl').node))         // { prefix: 'events/', suffix: '.jsonl' }
 * ```
 */
export function landingKeyFilter(rule: LandingKeyRule): LandingKeyFilter | undefined {
  const { literal, hasGlob } = splitGlob(rule.pattern);
  const prefix = leadingEncodable(literal);
  // Without a wildcard, the pattern may name a folder: its keys end in anything.
  const suffix = hasGlob ? trailingEncodable(globLiteralSuffix(rule.pattern)) : '';
  if (prefix === '' && suffix === '') return undefined;
  return { ...(prefix !== '' ? { prefix } : {}), ...(suffix !== '' ? { suffix } : {}) };
}

function leadingEncodable(text: string): string {
  const chars = [...text];
  const cut = chars.findIndex((c) => !ENCODES_AS_ITSELF.test(c));
  return cut === -1 ? text : chars.slice(0, cut).join('');
}

function trailingEncodable(text: string): string {
  const chars = [...text];
  let start = chars.length;
  while (start > 0 && ENCODES_AS_ITSELF.test(chars[start - 1]!)) start--;
  return chars.slice(start).join('');
}
