import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GlobSyntaxError, globToRegExp, splitGlob } from '../../../sdk/src/sources/glob-matcher.js';
import { detectFormat } from '../../../sdk/src/sources/format-detection.js';

// Expectations written by hand from the usual shell/globstar semantics.
const CASES: [pattern: string, path: string, matches: boolean][] = [
  ['data/events/*.jsonl', 'data/events/a.jsonl', true],
  ['data/events/*.jsonl', 'data/events/.jsonl', true],
  ['data/events/*.jsonl', 'data/events/sub/a.jsonl', false],
  ['data/events/*.jsonl', 'data/events/a.jsonl.gz', false],
  ['data/events/*.jsonl*', 'data/events/a.jsonl.gz', true],
  ['data/*/x.csv', 'data/a/x.csv', true],
  ['data/*/x.csv', 'data/x.csv', false],
  ['data/**/x.csv', 'data/x.csv', true],
  ['data/**/x.csv', 'data/a/x.csv', true],
  ['data/**/x.csv', 'data/a/b/c/x.csv', true],
  ['data/**/x.csv', 'data/a/b/c/y.csv', false],
  ['data/**', 'data/a/b', true],
  ['data/**', 'other/a', false],
  ['**/*.parquet', 'a.parquet', true],
  ['**/*.parquet', 'a/b/c.parquet', true],
  ['data/a**b', 'data/axyzb', true],
  ['data/a**b', 'data/ax/yb', false],
  ['e/?.csv', 'e/a.csv', true],
  ['e/?.csv', 'e/ab.csv', false],
  ['e/?.csv', 'e//.csv', false],
  ['e/*.{jsonl,csv}', 'e/a.csv', true],
  ['e/*.{jsonl,csv}', 'e/a.jsonl', true],
  ['e/*.{jsonl,csv}', 'e/a.parquet', false],
  ['e/{a,b{1,2}}.csv', 'e/b2.csv', true],
  ['e/{a,b{1,2}}.csv', 'e/b3.csv', false],
  ['e/{,x}a.csv', 'e/a.csv', true],
  ['e/[ab].csv', 'e/b.csv', true],
  ['e/[ab].csv', 'e/c.csv', false],
  ['e/[a-c]x', 'e/bx', true],
  ['e/[!a-c]x', 'e/dx', true],
  ['e/[!a-c]x', 'e/bx', false],
  ['e/[!a]x', 'e//x', false],
  ['e/\\*.csv', 'e/*.csv', true],
  ['e/\\*.csv', 'e/a.csv', false],
  ['e/dt=2024-01-0[1-3]/a b+c%d é.jsonl', 'e/dt=2024-01-02/a b+c%d é.jsonl', true],
  ['e/a.b', 'e/axb', false],
  ['e/(a|b).csv', 'e/(a|b).csv', true],
  ['e/(a|b).csv', 'e/a.csv', false],
  ['e/$^+.csv', 'e/$^+.csv', true],
  ['e/}a.csv', 'e/}a.csv', true], // a lone } is literal, as in a shell
];

describe('globToRegExp', () => {
  test.each(CASES)('%j vs %j → %s', (pattern, path, matches) => {
    expect(globToRegExp(pattern).test(path)).toBe(matches);
  });

  test('a pattern without glob characters matches exactly itself', () => {
    const literalChar = fc.constantFrom(...'ab/.-_=+%$^()|\\ é1'.split(''));
    fc.assert(
      fc.property(fc.array(literalChar, { maxLength: 12 }), fc.array(literalChar, { maxLength: 12 }), (a, b) => {
        // Backslashes escape the next character, so use only the escaped form in the pattern.
        const text = a.join('');
        const other = b.join('');
        const pattern = text.replace(/\\/g, '\\\\');
        const re = globToRegExp(pattern);
        return re.test(text) && re.test(other) === (other === text);
      }),
    );
  });

  // skipHidden: a wildcard never matches a segment's leading '.' or '_'; a literal one does, segment by segment.
  const HIDDEN_CASES: [string, string, boolean][] = [
    ['/abs/.cache/d8/*', '/abs/.cache/d8/a.jsonl', true],
    ['/abs/.cache/d8/*', '/abs/.cache/d8/.DS_Store', false],
    ['/abs/.cache/d8/*', '/abs/.cache/d8/_SUCCESS', false],
    ['data/_raw/*.csv', 'data/_raw/r.csv', true],
    ['data/_raw/*', 'data/_raw/_SUCCESS', false],
    ['data/*/*.csv', 'data/_raw/r.csv', false],
    ['data/_*/*.csv', 'data/_raw/r.csv', true],
    ['data/.*', 'data/.env', true],
    ['data/?x', 'data/.x', false],
    ['data/[._]x', 'data/_x', false],
    ['data/{*,_b}', 'data/_b', true],
    ['data/{*,_b}', 'data/_c', false],
    ['data/a*', 'data/a_b', true], // only a segment's first character counts
    ['data/**/*.jsonl', 'data/x/y/a.jsonl', true],
    ['data/**/*.jsonl', 'data/.git/a.jsonl', false],
    ['data/**/*.jsonl', 'data/x/_temporary/a.jsonl', false],
    ['data/**/_delta_log/*.json', 'data/t/_delta_log/0.json', true],
    ['data/**', 'data/x/y.jsonl', true],
    ['data/**', 'data/x/_y.jsonl', false],
    ['data/**', 'data/_x/y.jsonl', false],
  ];
  test.each(HIDDEN_CASES)('skipHidden: %j vs %j → %s', (pattern, path, matches) => {
    expect(globToRegExp(pattern, { skipHidden: true }).test(path)).toBe(matches);
  });

  test('without skipHidden a wildcard matches hidden names like any other', () => {
    expect(globToRegExp('data/*').test('data/_SUCCESS')).toBe(true);
    expect(globToRegExp('data/**/*.jsonl').test('data/.git/a.jsonl')).toBe(true);
  });

  test.each([['a/{b,c'], ['a/[bc'], ['a/b\\'], ['a/{b']])('rejects %j', (pattern) => {
    expect(() => globToRegExp(pattern)).toThrow(GlobSyntaxError);
  });
});

describe('splitGlob', () => {
  test.each([
    ['events/dt=*/x.jsonl', 'events/dt=', true],
    ['events/a.jsonl', 'events/a.jsonl', false],
    ['e/\\*/x*', 'e/*/x', true],
    ['{a,b}/x', '', true],
  ])('%j → literal %j', (pattern, literal, hasGlob) => {
    expect(splitGlob(pattern)).toEqual({ literal, hasGlob });
  });
});

describe('detectFormat', () => {
  test.each([
    ['a.jsonl', 'jsonl', 'none'],
    ['a.ndjson', 'jsonl', 'none'],
    ['a.json', 'jsonl', 'none'],
    ['a.csv', 'csv', 'none'],
    ['a.tsv', 'csv', 'none'],
    ['a.parquet', 'parquet', 'none'],
    ['dir.v2/a.JSONL.GZ', 'jsonl', 'gzip'],
    ['a.ndjson.gz', 'jsonl', 'gzip'],
    ['a.json.gz', 'jsonl', 'gzip'],
    ['a.csv.gz', 'csv', 'gzip'],
    ['a.tsv.gz', 'csv', 'gzip'],
    ['a.parquet.gz', 'parquet', 'gzip'],
  ])('%s → %s, %s', (key, format, compression) => {
    expect(detectFormat(key, undefined, 'auto')).toEqual({ format, compression });
  });

  test.each([['a.txt'], ['a'], ['a.gz'], ['.jsonl'], ['dir.csv/readme'], ['a.jsonl.zip']])('%s has no known format', (key) => {
    expect(detectFormat(key, undefined, 'auto')).toBeUndefined();
  });

  test('explicit options win over the extension', () => {
    expect(detectFormat('a.txt', 'csv', 'auto')).toEqual({ format: 'csv', compression: 'none' });
    expect(detectFormat('a.csv.gz', 'jsonl', 'none')).toEqual({ format: 'jsonl', compression: 'none' });
    expect(detectFormat('blob', 'jsonl', 'gzip')).toEqual({ format: 'jsonl', compression: 'gzip' });
  });
});
