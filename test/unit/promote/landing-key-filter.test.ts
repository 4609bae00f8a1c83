import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SourceNode } from '../../../sdk/src/plan/source-node.js';
import { landingKeyFilter } from '../../../sdk/src/promote/landing-key-filter.js';
import { landingKeyMatcher, landingKeyRule } from '../../../sdk/src/sources/landing-keys.js';
import { encodeS3EventKey } from '../../helpers/s3-events.js';

const s3 = (uri: string): SourceNode => ({ kind: 'source', scheme: 's3', uri, compression: 'auto' });
const file = (uri: string): SourceNode => ({ kind: 'source', scheme: 'file', uri, compression: 'auto' });
const filterOf = (source: SourceNode) => landingKeyFilter(landingKeyRule(source));

describe('landingKeyFilter (hand-written expectations)', () => {
  test.each([
    ['s3://b/*.jsonl', { suffix: '.jsonl' }],
    ['s3://b/events/*.jsonl', { prefix: 'events/', suffix: '.jsonl' }],
    ['s3://b/events/**/*.csv.gz', { prefix: 'events/', suffix: '.csv.gz' }],
    ['s3://b/events/{a,b}/*.jsonl', { prefix: 'events/', suffix: '.jsonl' }],
    ['s3://b/events/2024-*/part-?.jsonl', { prefix: 'events/2024-', suffix: '.jsonl' }],
    ['s3://b/events/*/data.jsonl', { prefix: 'events/', suffix: 'data.jsonl' }],
    ['s3://b/**/data.jsonl', { suffix: 'data.jsonl' }],
    // Alternatives or a class in the last segment: no suffix rather than a guess.
    ['s3://b/events/*.{jsonl,csv}', { prefix: 'events/' }],
    ['s3://b/events/x[0-9].jsonl', { prefix: 'events/x' }],
    ['s3://b/events/{a/x,b}.jsonl', { prefix: 'events/' }],
    ['s3://b/{events,logs}/*.jsonl', { suffix: '.jsonl' }],
    // Ends in a wildcard.
    ['s3://b/events/*.jsonl*', { prefix: 'events/' }],
    ['s3://b/events/**', { prefix: 'events/' }],
    // No wildcard: a key or a folder, so a prefix only.
    ['s3://b/events/2024-01-01.jsonl', { prefix: 'events/2024-01-01.jsonl' }],
    ['s3://b/events/', { prefix: 'events/' }],
    ['s3://b/events', { prefix: 'events' }],
    // Escaped wildcards are literal text.
    ['s3://b/odd\\*dir/*.jsonl', { prefix: 'odd', suffix: '.jsonl' }],
    // S3 compares filters with the URL-encoded key: text whose encoding could differ is cut off (wider, never narrower).
    ['s3://b/events/dt=*/*.jsonl', { prefix: 'events/dt', suffix: '.jsonl' }],
    ['s3://b/my events/*.jsonl', { prefix: 'my', suffix: '.jsonl' }],
    ['s3://b/events/*-é+1.jsonl', { prefix: 'events/', suffix: '1.jsonl' }],
  ])('%s', (uri, expected) => {
    expect(filterOf(s3(uri))).toEqual(expected);
  });

  test('no filter at all where neither end is literal (S3 refuses an empty filter)', () => {
    expect(filterOf(s3('s3://b/'))).toBeUndefined();
    expect(filterOf(s3('s3://b/*'))).toBeUndefined();
    expect(filterOf(s3('s3://b/é*'))).toBeUndefined();
  });

  test('a file() source: its folder\'s name is the start of the key', () => {
    expect(filterOf(file('data/events/*.jsonl'))).toEqual({ prefix: 'events/', suffix: '.jsonl' });
    expect(filterOf(file('/abs/events/**/*.csv.gz'))).toEqual({ prefix: 'events/', suffix: '.csv.gz' });
    expect(filterOf(file('data/events/*.jsonl*'))).toEqual({ prefix: 'events/' });
    expect(filterOf(file('*.jsonl'))).toEqual({ suffix: '.jsonl' });
    // Without a wildcard the name may be a file or a folder of files: a prefix only.
    expect(filterOf(file('data/rows.jsonl'))).toEqual({ prefix: 'data/rows.jsonl' });
    expect(filterOf(file('data/events/'))).toEqual({ prefix: 'events/' });
  });
});

describe('landingKeyFilter is never narrower than the glob', () => {
  const char = fc.constantFrom('a', 'b', '.', '_', '=', ' ', '+', '%', '~', 'é', '日', 'j', 's', 'o', 'n', 'l');
  const text = (minLength: number, maxLength: number) => fc.string({ unit: char, minLength, maxLength });
  // A glob as segments of tokens, each token with a way to produce text it matches, so that
  // the generated keys are mostly selected (random keys almost never are).
  type Token = { glob: string; instance: fc.Arbitrary<string> };
  const token: fc.Arbitrary<Token> = fc.oneof(
    text(1, 4).map((t) => ({ glob: t, instance: fc.constant(t) })),
    fc.constant({ glob: '*', instance: text(0, 3) }),
    fc.constant({ glob: '?', instance: text(1, 1) }),
    fc.constant({ glob: '.jsonl', instance: fc.constant('.jsonl') }),
    fc.constant({ glob: '{a,b.csv}', instance: fc.constantFrom('a', 'b.csv') }),
    fc.constant({ glob: '[ab]', instance: fc.constantFrom('a', 'b') }),
  );
  const segment: fc.Arbitrary<Token> = fc.oneof(
    { arbitrary: fc.array(token, { minLength: 1, maxLength: 3 }).map((ts) => ({ glob: ts.map((t) => t.glob).join(''), instance: fc.tuple(...ts.map((t) => t.instance)).map((xs) => xs.join('')) })), weight: 4 },
    { arbitrary: fc.constant({ glob: '**', instance: fc.array(text(1, 3), { maxLength: 2 }).map((xs) => xs.join('/')) }), weight: 1 },
  );
  const globAndKey = fc
    .array(segment, { minLength: 1, maxLength: 4 })
    .chain((segments) =>
      fc.tuple(fc.constant(segments.map((s) => s.glob).join('/')), fc.tuple(...segments.map((s) => s.instance)).map((parts) => parts.filter((p) => p !== '').join('/'))),
    );
  // The `*` after `data/` keeps the file() source's folder at `data/` whatever the generated glob starts with.
  const ruleOf = (pattern: string, asFile: boolean) => landingKeyRule(asFile ? file(`/home/me/data/*/${pattern}`) : s3(`s3://b/${pattern}`));

  test('every key a source selects passes the filter as S3 applies it (to the encoded key)', () => {
    let selected = 0;
    let filtered = 0;
    fc.assert(
      fc.property(globAndKey, fc.boolean(), ([pattern, key], asFile) => {
        const rule = ruleOf(pattern, asFile);
        // The file() source's folder `/home/me/data/` lands as `data/` at the bucket root.
        const landingKey = asFile ? `data/x/${key}` : key;
        if (!landingKeyMatcher(rule)(landingKey)) return true;
        const filter = landingKeyFilter(rule);
        selected++;
        if (filter) filtered++;
        const encoded = encodeS3EventKey(landingKey);
        return encoded.startsWith(filter?.prefix ?? '') && encoded.endsWith(filter?.suffix ?? '');
      }),
      { numRuns: 5000 },
    );
    // Not vacuous: most generated keys are selected, and many of those under a filter.
    expect(selected).toBeGreaterThan(2500);
    expect(filtered).toBeGreaterThan(selected / 10);
  });

  test('the filter holds only characters that URL encoding leaves alone', () => {
    fc.assert(
      fc.property(globAndKey, fc.boolean(), ([pattern], asFile) => {
        const filter = landingKeyFilter(ruleOf(pattern, asFile));
        return [filter?.prefix ?? '', filter?.suffix ?? ''].every((t) => encodeS3EventKey(t) === t);
      }),
    );
  });
});
