import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SourceError } from '../../../sdk/src/errors.js';
import { file, listSourceObjects } from '../../../sdk/src/sources/index.js';

let root: string;

// The tree every test lists; sizes are the byte lengths of the contents.
const TREE: Record<string, string> = {
  'data/events/2024-01-02.jsonl': '{"a":2}\n',
  'data/events/2024-01-01.jsonl': '{"a":1}\n',
  'data/events/2024-01-03.jsonl.gz': 'not really gzip',
  'data/events/notes.txt': 'hello',
  'data/events/.DS_Store': 'x',
  'data/events/_SUCCESS': '',
  'data/events/sub/2024-01-04.jsonl': '{"a":4}\n',
  'data/events/sub/deeper/2024-01-05.csv': 'a\n5\n',
  'data/_raw/r.csv': 'a\n1\n',
  'data/.hidden/h.jsonl': '{}\n',
  'data/a b+c%d=é.jsonl': '{}\n',
  'data/tables/t.parquet': 'PAR1',
  'data/tables/t.tsv': 'a\tb\n',
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-list-'));
  for (const [path, content] of Object.entries(TREE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await mkdir(join(root, 'data/empty'));
  // A symlink loop must not make listing run forever.
  await symlink(join(root, 'data'), join(root, 'data/events/sub/loop'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function keys(glob: string, options?: Parameters<typeof file>[1]): Promise<string[]> {
  return (await listSourceObjects(file(glob, options).node, { cwd: root })).map((o) => o.key);
}

describe('listSourceObjects over local files', () => {
  test('a glob in one folder, sorted by key, hidden names skipped', async () => {
    expect(await keys('data/events/*.jsonl')).toEqual(['data/events/2024-01-01.jsonl', 'data/events/2024-01-02.jsonl']);
  });

  test('objects carry the absolute path, the size and the detected format', async () => {
    const [first, , third] = await listSourceObjects(file('data/events/*.jsonl*').node, { cwd: root });
    expect(first).toEqual({
      key: 'data/events/2024-01-01.jsonl',
      uri: join(root, 'data/events/2024-01-01.jsonl'),
      size: Buffer.byteLength(TREE['data/events/2024-01-01.jsonl']!),
      format: 'jsonl',
      compression: 'none',
    });
    expect(third).toMatchObject({ key: 'data/events/2024-01-03.jsonl.gz', format: 'jsonl', compression: 'gzip' });
  });

  test('** descends into sub-folders (not into the symlink loop twice)', async () => {
    expect(await keys('data/events/**/*.{jsonl,csv}')).toEqual([
      'data/events/2024-01-01.jsonl',
      'data/events/2024-01-02.jsonl',
      'data/events/sub/2024-01-04.jsonl',
      'data/events/sub/deeper/2024-01-05.csv',
    ]);
  });

  test('a folder path lists every (non-hidden) file under it', async () => {
    expect(await keys('data/tables')).toEqual(['data/tables/t.parquet', 'data/tables/t.tsv']);
    expect(await keys('data/tables/')).toEqual(['data/tables/t.parquet', 'data/tables/t.tsv']);
  });

  test('a file path lists that file, whatever its name holds', async () => {
    expect(await keys('data/a b+c%d=é.jsonl')).toEqual(['data/a b+c%d=é.jsonl']);
  });

  test('hidden names are listed when the pattern spells them', async () => {
    expect(await keys('data/_raw/*.csv')).toEqual(['data/_raw/r.csv']);
    expect(await keys('data/.hidden/*')).toEqual(['data/.hidden/h.jsonl']);
  });

  test('hidden names are decided per segment: a hidden folder in the literal part allows nothing below it', async () => {
    // The literal .cache/ does not make .DS_Store or _SUCCESS beside the data visible.
    const base = join(root, 'home/.cache/d8');
    await mkdir(join(base, 'sub/.git'), { recursive: true });
    for (const name of ['a.jsonl', '_SUCCESS', '.DS_Store', 'sub/b.jsonl', 'sub/.git/c.jsonl', 'sub/_tmp.jsonl']) await writeFile(join(base, name), '{}\n');
    const absolute = async (glob: string) => (await listSourceObjects(file(glob, { format: 'jsonl' }).node)).map((o) => o.key.slice(base.length + 1));
    expect(await absolute(`${base}/*`)).toEqual(['a.jsonl']);
    expect(await absolute(`${base}/**/*.jsonl`)).toEqual(['a.jsonl', 'sub/b.jsonl']);
    expect(await absolute(base)).toEqual(['a.jsonl', 'sub/b.jsonl']);
    expect(await absolute(`${base}/_*`)).toEqual(['_SUCCESS']);
    expect(await absolute(`${base}/sub/.git/*`)).toEqual(['sub/.git/c.jsonl']);
    expect(await keys('data/_raw')).toEqual(['data/_raw/r.csv']);
  });

  test('absolute globs give absolute keys', async () => {
    const glob = join(root, 'data/tables/*.parquet');
    const objects = await listSourceObjects(file(glob).node);
    expect(objects.map((o) => o.key)).toEqual([join(root, 'data/tables/t.parquet')]);
    expect(objects[0]!.format).toBe('parquet');
  });

  test('.tsv is CSV', async () => {
    const [tsv] = await listSourceObjects(file('data/tables/*.tsv').node, { cwd: root });
    expect(tsv).toMatchObject({ format: 'csv', compression: 'none' });
  });

  test('a file whose format cannot be told fails, naming the key and the format option', async () => {
    const error = await listSourceObjects(file('data/events/*').node, { cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('SOURCE_UNKNOWN_FORMAT');
    expect((error as Error).message).toContain('"data/events/notes.txt"');
    expect((error as Error).message).toContain("format: 'jsonl'");
  });

  test('the format option reads files of any name', async () => {
    expect(await keys('data/events/*.txt', { format: 'jsonl' })).toEqual(['data/events/notes.txt']);
  });

  test.each([['data/events/*.parquet'], ['data/empty'], ['data/missing/*.jsonl'], ['nope.jsonl']])(
    'an empty listing for %j is a SourceError naming what was searched',
    async (glob) => {
      const error = await listSourceObjects(file(glob).node, { cwd: root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).code).toBe('SOURCE_EMPTY');
      expect((error as Error).message).toContain(`file('${glob}') matched no files`);
      expect((error as Error).message).toContain(join(root, glob));
    },
  );

  test('a file literally named with glob characters: the error says to escape them, and the escaped glob finds it', async () => {
    await writeFile(join(root, 'k[1].jsonl'), '{"a":1}\n');
    const error = await listSourceObjects(file('k[1].jsonl').node, { cwd: root }).catch((e: unknown) => e);
    expect((error as SourceError).code).toBe('SOURCE_EMPTY');
    expect((error as Error).message).toContain("A file of exactly that name exists, but [ ] { } ? * are glob characters there: escape them with a backslash, e.g. file('k\\[1\\].jsonl')");
    expect((await listSourceObjects(file('k\\[1\\].jsonl').node, { cwd: root })).map((o) => o.key)).toEqual(['k[1].jsonl']);
  });
});
