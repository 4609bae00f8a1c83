/**
 * DESIGN §4, bad input: an unreadable object goes to the quarantine zone *whole*, with the
 * error — its bytes as stored, so it can be inspected and replayed after the source moved on.
 * Text objects here (Parquet ones in unreadable-parquet-objects.test.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const Row = z.object({ user: z.string(), x: z.number() });
const dir = mkdtempSync(join(tmpdir(), 'sluice-whole-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = '{"user":"a","x":1}\n{"user":"b","x":2}\n';
const truncated = gzipSync(Buffer.from('{"user":"c","x":3}\n'.repeat(500))).subarray(0, 60);
const latin1 = Buffer.from('{"user":"caf\xe9","x":4}\n', 'latin1');

function folderWithBadObjects(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.jsonl'), good);
  writeFileSync(join(folder, 'b.jsonl.gz'), truncated);
  writeFileSync(join(folder, 'c.jsonl'), latin1);
  return folder;
}

/** A folder holding the good object beside `name` with `content`, and the run over `glob` in it. */
async function runBesideGood(folder: string, name: string, content: string, glob: string) {
  mkdirSync(join(dir, folder));
  writeFileSync(join(dir, folder, 'a.jsonl'), good);
  writeFileSync(join(dir, folder, name), content);
  return pipeline('whole').from(file(join(dir, folder, glob))).validate(Row).run({ zones: join(dir, folder, 'zones') });
}

const run = (folder: string, options: { dryRun?: boolean } = {}) =>
  pipeline('whole').from(file(join(folder, '*.jsonl*'))).validate(Row).run({ zones: join(folder, 'zones'), ...options });

describe('unreadable text objects are quarantined whole', () => {
  it('a truncated gzip and bytes that are not UTF-8: each copied byte for byte, with an error document', async () => {
    const folder = folderWithBadObjects('copies');
    const result = await run(folder);
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    const lines = readFileSync(result.outputs.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { object: string; copy: string; issues: { code: string; message: string }[] });
    expect(lines.map((l) => [l.object, l.issues[0]!.code])).toEqual([[join(folder, 'b.jsonl.gz'), 'unreadable_object'], [join(folder, 'c.jsonl'), 'unreadable_object']]);
    expect(readFileSync(lines[0]!.copy).equals(truncated)).toBe(true);
    expect(readFileSync(lines[1]!.copy).equals(latin1)).toBe(true);
    const documents = lines.map((l) => JSON.parse(readFileSync(l.copy.replace(/\/[^/]+$/, '.error.json'), 'utf8')) as Record<string, string>);
    expect(documents[0]).toMatchObject({ object: join(folder, 'b.jsonl.gz'), copy: lines[0]!.copy, error: lines[0]!.issues[0]!.message });
    expect(documents[1]!.error).toMatch(/UTF-8/);
  });

  it('a re-run over the same inputs writes the same copies at the same places, not a second set', async () => {
    const folder = folderWithBadObjects('rerun');
    const first = readFileSync((await run(folder)).outputs.quarantine!, 'utf8');
    const before = readdirSync(join(folder, 'zones', 'quarantine', 'objects')).sort();
    const second = readFileSync((await run(folder)).outputs.quarantine!, 'utf8');
    expect(second).toBe(first);
    expect(readdirSync(join(folder, 'zones', 'quarantine', 'objects')).sort()).toEqual(before);
    expect(before).toHaveLength(4); // two folders, two error documents
  });

  it('a dry run copies nothing', async () => {
    const folder = folderWithBadObjects('dry');
    const result = await run(folder, { dryRun: true });
    expect(result.quality.unreadableObjects).toHaveLength(2);
    expect(readdirSync(folder).sort()).toEqual(['a.jsonl', 'b.jsonl.gz', 'c.jsonl']);
  });

  it('an object whose format its name does not tell (a stray README beside the data) is quarantined whole, as the event stage does, and the run goes on', async () => {
    const folder = join(dir, 'stray');
    const result = await runBesideGood('stray', 'README.txt', 'These files hold the events.\n', '*');
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(result.perObject[join(folder, 'README.txt')]).toEqual({ in: 0, valid: 0, quarantined: 0 });
    expect(result.quality.unreadableObjects).toEqual([{ object: join(folder, 'README.txt'), error: expect.stringMatching(/Cannot tell the format of ".*README\.txt".*Narrow the glob/) }]);
    const [line] = readFileSync(result.outputs.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { object: string; copy: string });
    expect(line!.object).toBe(join(folder, 'README.txt'));
    expect(readFileSync(line!.copy, 'utf8')).toBe('These files hold the events.\n');
  });

  it('a .json file that is one JSON document (a pretty-printed array) is read, a row per element; cut short, it is quarantined whole as truncated', async () => {
    const read = await runBesideGood('document', 'export.json', '[\n  {"user": "c", "x": 3},\n  {"user": "d", "x": 4}\n]\n', '*.json*');
    expect(read.counts).toEqual({ in: 4, valid: 4, quarantined: 0 });
    expect(read.quality.unreadableObjects).toEqual([]);
    const folder = join(dir, 'truncated-document');
    const cut = await runBesideGood('truncated-document', 'export.json', '[\n  {"user": "c", "x": 3},\n  {"user": "d", "x": 4},\n', '*.json*');
    expect(cut.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(cut.quality.unreadableObjects).toEqual([{ object: join(folder, 'export.json'), error: expect.stringMatching(/ends inside the array that opens on line 1 \(no closing "\]"\): the object looks truncated/) }]);
  });
});

