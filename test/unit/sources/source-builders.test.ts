import { describe, expect, test } from 'vitest';
import { file, s3 } from '../../../sdk/src/sources/index.js';
import { planError } from '../../helpers/plan-error.js';


describe('file()', () => {
  test('builds a frozen plan node with defaults', () => {
    const { node } = file('data/events/*.jsonl');
    expect(node).toEqual({ kind: 'source', scheme: 'file', uri: 'data/events/*.jsonl', compression: 'auto' });
    expect(Object.isFrozen(node)).toBe(true);
    expect(JSON.parse(JSON.stringify(node))).toEqual(node);
  });

  test('keeps format, compression and csv options', () => {
    const { node } = file('x/*.txt', { format: 'csv', compression: 'gzip', csv: { delimiter: ';' } });
    expect(node).toEqual({ kind: 'source', scheme: 'file', uri: 'x/*.txt', format: 'csv', compression: 'gzip', csv: { delimiter: ';', header: true } });
    expect(Object.isFrozen(node.csv)).toBe(true);
  });

  test('csv: {} leaves the delimiter to each object (tab for .tsv)', () => {
    expect(file('x/*.tsv', { csv: {} }).node.csv).toBeUndefined();
  });

  test.each([
    ['', 'SOURCE_BAD_GLOB', 'source.uri', /needs a path or glob/],
    ['s3://bucket/x.jsonl', 'SOURCE_BAD_GLOB', 'source.uri', /Use s3\('s3:\/\/bucket\/x.jsonl'\)/],
    ['data/{a,b.jsonl', 'SOURCE_BAD_GLOB', 'source.uri', /"\{" is never closed/],
    ['data/[ab.jsonl', 'SOURCE_BAD_GLOB', 'source.uri', /"\[" is never closed/],
  ])('rejects the glob %j', (glob, code, path, message) => {
    const error = planError(() => file(glob));
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
  });

  test('rejects an unknown format, naming the known ones', () => {
    const error = planError(() => file('x/*.txt', { format: 'xml' as never }));
    expect(error.code).toBe('SOURCE_UNKNOWN_FORMAT');
    expect(error.path).toBe('source.format');
    expect(error.message).toContain('"xml"');
    expect(error.message).toContain("'jsonl', 'csv', 'parquet'");
  });

  test('rejects an unknown compression', () => {
    const error = planError(() => file('x/*.jsonl', { compression: 'zstd' as never }));
    expect(error.code).toBe('SOURCE_UNKNOWN_COMPRESSION');
    expect(error.message).toMatch(/'auto'.*'gzip'.*'none'/);
  });

  test('rejects csv options on a non-CSV format', () => {
    const error = planError(() => file('x/*.jsonl', { format: 'jsonl', csv: { delimiter: ';' } }));
    expect(error.code).toBe('SOURCE_BAD_CSV_OPTION');
    expect(error.message).toContain("format is 'jsonl'");
  });

  test.each([['ab'], ['"'], ['\n'], ['']])('rejects the delimiter %j', (delimiter) => {
    const error = planError(() => file('x/*.csv', { csv: { delimiter } }));
    expect(error.code).toBe('SOURCE_BAD_CSV_OPTION');
    expect(error.path).toBe('source.csv.delimiter');
  });

  test('rejects options that only s3() has, and misspelt ones', () => {
    expect(planError(() => file('x/*.csv', { endpoint: 'http://x' } as never)).path).toBe('source.endpoint');
    const error = planError(() => file('x/*.csv', { fromat: 'csv' } as never));
    expect(error.message).toContain('no option "fromat"');
  });
});

describe('s3()', () => {
  test('builds a node with endpoint and region', () => {
    const { node } = s3('s3://landing/events/', { format: 'jsonl', endpoint: 'http://127.0.0.1:4568/', region: 'eu-west-1' });
    expect(node).toEqual({
      kind: 'source',
      scheme: 's3',
      uri: 's3://landing/events/',
      format: 'jsonl',
      compression: 'auto',
      endpoint: 'http://127.0.0.1:4568',
      region: 'eu-west-1',
    });
    expect(Object.isFrozen(node)).toBe(true);
  });

  test('accepts a glob after the bucket and keys with spaces, +, %, = and non-ASCII', () => {
    expect(s3('s3://landing/events/dt=*/a b+c%d é.jsonl').node.uri).toBe('s3://landing/events/dt=*/a b+c%d é.jsonl');
  });

  test.each([
    ['landing/events/', /starts with s3:\/\//],
    ['https://landing.s3.amazonaws.com/x', /starts with s3:\/\//],
    ['s3a://landing/x', /Write it as "s3:\/\/landing\/x"/],
    ['S3://landing/x', /Write it as "s3:\/\/landing\/x"/],
  ])('rejects the URI %j', (uri, message) => {
    const error = planError(() => s3(uri));
    expect(error.code).toBe('SOURCE_BAD_URI');
    expect(error.path).toBe('source.uri');
    expect(error.message).toMatch(message);
  });

  test.each([['s3://'], ['s3://Bad_Bucket/x'], ['s3://b*/x'], ['s3://ab/x']])('rejects the bucket in %j', (uri) => {
    expect(planError(() => s3(uri)).message).toMatch(/not a valid S3 bucket name/);
  });

  test('rejects a malformed endpoint and region', () => {
    expect(planError(() => s3('s3://landing/x', { endpoint: '127.0.0.1:4568' })).path).toBe('source.endpoint');
    expect(planError(() => s3('s3://landing/x', { endpoint: 'ftp://h' })).code).toBe('SOURCE_BAD_OPTION');
    expect(planError(() => s3('s3://landing/x', { region: 'EU West' })).path).toBe('source.region');
  });

  test('rejects a malformed glob after the bucket', () => {
    expect(planError(() => s3('s3://landing/x/{a,b')).code).toBe('SOURCE_BAD_GLOB');
  });
});
