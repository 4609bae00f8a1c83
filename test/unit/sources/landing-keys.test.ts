import { describe, expect, test } from 'vitest';
import type { SourceNode } from '../../../sdk/src/plan/source-node.js';
import { landingKeyMatcher, landingKeyRule, landingKeyRuleOf } from '../../../sdk/src/sources/landing-keys.js';

const s3 = (uri: string): SourceNode => ({ kind: 'source', scheme: 's3', uri, compression: 'auto' });
const file = (uri: string): SourceNode => ({ kind: 'source', scheme: 'file', uri, compression: 'auto' });

describe('landingKeyRule', () => {
  test('an s3() source keeps its key pattern: the landing bucket takes the source bucket\'s place', () => {
    expect(landingKeyRule(s3('s3://raw-events/events/**/*.jsonl')).pattern).toBe('events/**/*.jsonl');
    expect(landingKeyRule(s3('s3://raw-events/events/')).pattern).toBe('events/');
    expect(landingKeyRule(s3('s3://raw-events')).pattern).toBe('');
  });

  test('a file() source keeps the name of the folder its glob starts in, at the bucket root', () => {
    expect(landingKeyRule(file('data/events/*.jsonl')).pattern).toBe('events/*.jsonl');
    expect(landingKeyRule(file('../data/events/*.jsonl*')).pattern).toBe('events/*.jsonl*');
    expect(landingKeyRule(file('/abs/data/events/2024-*/*.csv')).pattern).toBe('events/2024-*/*.csv');
    expect(landingKeyRule(file('data/ev*/x.csv')).pattern).toBe('data/ev*/x.csv');
    // No folder (or only ./ or ../ or /): the bucket root.
    expect(landingKeyRule(file('*.jsonl')).pattern).toBe('*.jsonl');
    expect(landingKeyRule(file('./*.jsonl')).pattern).toBe('*.jsonl');
    expect(landingKeyRule(file('../*.jsonl')).pattern).toBe('*.jsonl');
    expect(landingKeyRule(file('/*.jsonl')).pattern).toBe('*.jsonl');
    // Without a wildcard: the directory part is the folder.
    expect(landingKeyRule(file('data/rows.jsonl')).pattern).toBe('data/rows.jsonl');
    expect(landingKeyRule(file('rows.jsonl')).pattern).toBe('rows.jsonl');
    expect(landingKeyRule(file('data/events')).pattern).toBe('data/events');
    expect(landingKeyRule(file('data/events/')).pattern).toBe('events/');
    // Escapes stay escapes.
    expect(landingKeyRule(file('data/a\\*b/*.jsonl')).pattern).toBe('a\\*b/*.jsonl');
  });

  test('describes itself with the source it came from', () => {
    expect(landingKeyRule(s3('s3://raw-events/events/*.jsonl')).text).toBe(`keys matching "events/*.jsonl" (s3('s3://raw-events/events/*.jsonl'), with the landing bucket in place of raw-events)`);
    expect(landingKeyRule(file('data/events/*.jsonl')).text).toBe(`keys matching "events/*.jsonl" (file('data/events/*.jsonl'), with its folder as "events/" at the landing bucket's root)`);
    expect(landingKeyRule(s3('s3://raw-events/events/')).text).toBe(`keys at or under "events/" (s3('s3://raw-events/events/'), with the landing bucket in place of raw-events)`);
    expect(landingKeyRule(s3('s3://raw-events')).text).toBe(`every key (s3('s3://raw-events'), with the landing bucket in place of raw-events)`);
    expect(landingKeyRule(file('*.jsonl')).text).toBe(`keys matching "*.jsonl" (file('*.jsonl'), with its folder as the landing bucket's root)`);
    expect(landingKeyRule(file('data/events')).text).toBe(`keys at or under "data/events" (file('data/events'), with its folder as "data/" at the landing bucket's root)`);
  });

  test('a plan without a source has no rule, and says how to give it one', () => {
    expect(() => landingKeyRuleOf({ version: 1, name: 'x', steps: [] })).toThrow(/pipeline\("x"\)\.from\(s3\(/);
  });
});

// Expectations written by hand: s3 keys as an S3 listing of the source matches them; file
// sources as a local listing matches the same path with the folder's parents dropped.
const CASES: [source: SourceNode, key: string, selected: boolean][] = [
  [s3('s3://b/events/*.jsonl'), 'events/a.jsonl', true],
  [s3('s3://b/events/*.jsonl'), 'events/a b+c%25=é.jsonl', true],
  [s3('s3://b/events/*.jsonl'), 'events/_SUCCESS', false],
  [s3('s3://b/events/*.jsonl'), 'events/_a.jsonl', false],
  [s3('s3://b/events/*.jsonl'), 'events/notes.csv', false],
  [s3('s3://b/events/*.jsonl'), 'events/sub/a.jsonl', false],
  [s3('s3://b/events/*.jsonl'), 'other/events/a.jsonl', false],
  [s3('s3://b/events/_*'), 'events/_SUCCESS', true],
  [s3('s3://b/events/'), 'events/sub/a.csv', true],
  [s3('s3://b/events/'), 'events/_temporary/a.jsonl', false],
  [s3('s3://b/events'), 'events/a.jsonl', true],
  [s3('s3://b/events'), 'events', true],
  [s3('s3://b/events'), 'events-old/a.jsonl', false],
  [s3('s3://b/events/a.jsonl'), 'events/a.jsonl', true],
  [s3('s3://b/events/a.jsonl'), 'events/a.jsonl.gz', false],
  [s3('s3://b/'), 'anything/at/all.txt', true],
  [s3('s3://b/'), '.DS_Store', false],
  [file('data/events/*.jsonl'), 'events/a.jsonl', true],
  [file('data/events/*.jsonl'), 'events/a b+c%25=é.jsonl', true],
  [file('data/events/*.jsonl'), 'a.jsonl', false],
  [file('data/events/*.jsonl'), 'data/events/a.jsonl', false],
  [file('data/events/*.jsonl'), 'events/2024-01-02/a.jsonl', false],
  [file('data/events/*.jsonl'), 'events/_SUCCESS', false],
  [file('data/events/*.jsonl'), 'events/a.csv', false],
  [file('data/events/{a,b}/*.jsonl'), 'events/a/x.jsonl', true],
  [file('data/events/{a,b}/*.jsonl'), 'events/c/x.jsonl', false],
  [file('data/_raw/*.csv'), '_raw/a.csv', true],
  [file('data/_raw/*.csv'), '_raw/_SUCCESS', false],
  [file('*.jsonl'), 'a.jsonl', true],
  [file('*.jsonl'), 'events/a.jsonl', false],
  [file('data/events/'), 'events/sub/x.jsonl', true],
  [file('data/events/'), 'events/_SUCCESS', false],
  [file('data/events'), 'data/events/x.jsonl', true],
  [file('data/events'), 'events/x.jsonl', false],
  [file('data/rows.jsonl'), 'data/rows.jsonl', true],
  [file('data/rows.jsonl'), 'in/data/rows.jsonl', false],
];

describe('landingKeyMatcher', () => {
  for (const [source, key, selected] of CASES) {
    test(`${source.scheme}('${source.uri}') ${selected ? 'selects' : 'skips'} ${key}`, () => {
      expect(landingKeyMatcher(landingKeyRule(source))(key)).toBe(selected);
    });
  }
});
