/**
 * Which keys of a promoted pipeline's landing bucket its source selects. The promoted stack
 * has a landing bucket of its own; the bucket (and endpoint) a source names is not used there.
 * The source maps onto it like this, so that a key is read in AWS exactly when a local run
 * reads the object at the corresponding place:
 *
 * - `s3('s3://bucket/<pattern>')`: the landing bucket takes the source bucket's place; keys are
 *   unchanged. `s3('s3://raw/events/*.jsonl')` reads `events/a.jsonl` in the landing bucket.
 * - `file('<path>')`: the folder the glob starts in (its literal directory part, up to the last
 *   `/` before any wildcard) becomes a folder of the same name at the bucket's root, as
 *   `aws s3 cp --recursive data/events s3://<landing>/events` puts it there.
 *   `file('data/events/*.jsonl')` reads `events/a.jsonl`; `file('*.jsonl')` (no folder, or `./`,
 *   `../`) reads `a.jsonl` at the root. A path without wildcards keeps its directory's name:
 *   `file('data/rows.jsonl')` is `data/rows.jsonl`, and `file('data/events')` (a file or a
 *   folder: the plan cannot tell) is `data/events` or `data/events/…` — `file('data/events/')`,
 *   clearly a folder, is `events/…`.
 *
 * The event stage applies `landingKeyMatcher` to each notified key; promote derives the S3
 * notification filter from the same rule (promote/landing-key-filter.ts).
 */
import { PlanError } from '../errors.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import type { SourceNode } from '../plan/source-node.js';
import { splitGlob, splitGlobFolder } from './glob-matcher.js';
import { parseS3Uri } from './s3-client.js';
import { sourceKeyMatcher } from './source-key-matcher.js';

/** How a source selects keys in the landing bucket. Plain data. */
export interface LandingKeyRule {
  /** The source pattern a landing key must match, as `sourceKeyMatcher` reads it (raw text, escapes kept). */
  readonly pattern: string;
  /** For messages: what is selected, and from which source. */
  readonly text: string;
}

/**
 * The landing-bucket rule of a source (see the file comment for the mapping).
 *
 * @example
 * ```ts
 * landingKeyRule(s3('s3://raw/events/*.jsonl').node).pattern    // 'events/*.jsonl'
 * landingKeyRule(file('data/events/*.jsonl').node).pattern      // 'events/*.jsonl'
 * landingKeyRule(file('/home/me/x/rows.jsonl').node).pattern    // 'x/rows.jsonl'
 * ```
 */
export function landingKeyRule(source: SourceNode): LandingKeyRule {
  if (source.scheme === 's3') {
    const { bucket, key } = parseS3Uri(source.uri);
    return { pattern: key, text: `${keysAt(key)} (s3('${source.uri}'), with the landing bucket in place of ${bucket})` };
  }
  const { rest } = splitGlobFolder(source.uri);
  // The folder's name as the pattern spells it (escapes kept), without what leads to it.
  const rawFolder = source.uri.slice(0, source.uri.length - rest.length).replace(/\/+$/, '');
  const name = rawFolder.slice(rawFolder.lastIndexOf('/') + 1);
  const pattern = name === '' || name === '.' || name === '..' ? rest : `${name}/${rest}`;
  const folder = pattern === rest ? "the landing bucket's root" : `"${name}/" at the landing bucket's root`;
  return { pattern, text: `${keysAt(pattern)} (file('${source.uri}'), with its folder as ${folder})` };
}

/** A pattern without wildcards names a key, or a folder of keys. */
function keysAt(pattern: string): string {
  if (pattern === '') return 'every key';
  return splitGlob(pattern).hasGlob ? `keys matching "${pattern}"` : `keys at or under "${pattern}"`;
}

/**
 * The landing rule of a plan's source: what the event stage and the S3 notification filter use.
 *
 * @example
 * ```ts
 * const rule = landingKeyRuleOf(engagement.definition.plan);
 * ```
 * @throws PlanError `NO_SOURCE` when the plan has no source step.
 */
export function landingKeyRuleOf(plan: PipelinePlan): LandingKeyRule {
  const source = plan.steps.find((s): s is SourceNode => s.kind === 'source');
  if (!source) throw new PlanError('NO_SOURCE', 'steps', 'The pipeline has no source, so no landing key can be selected: start with pipeline("x").from(s3("s3://bucket/events/*.jsonl")).');
  return landingKeyRule(source);
}

/**
 * Compiles a landing rule into a predicate over raw (decoded) landing keys: the very matcher
 * the local and S3 listings apply to every key they list.
 *
 * @example
 * ```ts
 * const selects = landingKeyMatcher(landingKeyRule(file('data/events/*.jsonl').node));
 * selects('events/a b+c.jsonl') // true
 * selects('events/_SUCCESS')    // false
 * ```
 */
export function landingKeyMatcher(rule: LandingKeyRule): (key: string) => boolean {
  return sourceKeyMatcher(rule.pattern);
}
