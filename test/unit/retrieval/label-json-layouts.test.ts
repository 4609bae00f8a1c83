/**
 * JSON labels in every layout the sources read (JSON Lines, back to back, pretty-printed, an
 * array), held to the labels' rule: read exactly, or the read fails naming the line. Expected
 * rows are written out by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { file, localEngine, trainingSet } from '../../../sdk/src/index.js';
import { readLabelSource } from '../../../sdk/src/retrieval/label-source-reader.js';
import { objectsToArrow } from '../../../sdk/src/retrieval/label-frame.js';
import { writeStore } from './store-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-label-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return readLabelSource(file(path).node, undefined, ['entity_id']);
}

const ROWS = [{ entity_id: 'u1', y: 1 }, { entity_id: 'u2', y: 0 }];

describe('JSON labels', () => {
  it.each([
    ['JSON Lines', 'a.jsonl', '{"entity_id":"u1","y":1}\n{"entity_id":"u2","y":0}\n'],
    ['records back to back', 'b.json', '{"entity_id":"u1","y":1}{"entity_id":"u2","y":0}'],
    ['a pretty-printed array', 'c.json', '[\n  {"entity_id": "u1", "y": 1},\n  {"entity_id": "u2", "y": 0}\n]\n'],
    ['pretty-printed objects', 'd.json', '{\n  "entity_id": "u1",\n  "y": 1\n}\n{\n  "entity_id": "u2",\n  "y": 0\n}\n'],
  ])('%s are read row for row', async (_, name, text) => {
    expect((await read(name, text)).rows).toEqual(ROWS);
  });

  it('an integer id beyond 2^53 keeps its digits (JSON.parse alone would make it another id)', async () => {
    expect((await read('big.jsonl', '{"entity_id": 1234567890123456789, "y": 1}\n')).rows).toEqual([{ entity_id: 1234567890123456789n, y: 1 }]);
  });

  it.each([
    ['a line that is not JSON', 'bad.jsonl', '{"entity_id":"u1","y":1}\nnot json\n', /Line 2 of the labels object .*bad\.jsonl holds a record that cannot be read \(malformed JSON: .*\): "not json"\. Labels must be clean/],
    ['an array element that is not an object', 'num.json', '[{"entity_id":"u1","y":1}, 7]', /Line 1 of the labels object .*num\.json holds a record that cannot be read \(expected a JSON object, got number\): "7"/],
    ['an array cut short', 'cut.json', '[\n  {"entity_id": "u1", "y": 1},\n', /The labels object .*cut\.json cannot be read as JSON records: its JSON text ends inside the array that opens on line 1/],
    ['a big integer inside a nested object', 'nested.jsonl', '{"entity_id":"u1","meta":{"n":9007199254740993}}\n', /Line 1 .* holds the integer 9007199254740993 inside a nested object \(meta\.n\)/],
  ])('%s fails the read with LABELS_UNREADABLE', async (_, name, text, message) => {
    await expect(read(name, text)).rejects.toMatchObject({ code: 'LABELS_UNREADABLE', message: expect.stringMatching(message) });
  });

  it('a column of small and big integers is one Int64 column; with a fraction among them, text of the digits as written', async () => {
    const { rows } = await read('mixed.jsonl', '{"entity_id": 1, "y": 1}\n{"entity_id": 1234567890123456789, "y": 1.5}\n{"entity_id": 2, "y": 9007199254740993}\n');
    const table = objectsToArrow(await import('apache-arrow'), rows);
    expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(['entity_id: Int64', 'y: Utf8']);
    expect(table.toArray().map((r) => [String(r.entity_id), r.y])).toEqual([['1', '1'], ['1234567890123456789', '1.5'], ['2', '9007199254740993']]);
  });

  it('through trainingSet(...).fetch(): an array of labels joins each id, one beyond 2^53 included, to its own features', async () => {
    const root = join(dir, 'store');
    const D = Date.UTC(2024, 0, 5);
    const ids = ['1234567890123456789', '1234567890123456800']; // the second is what JSON.parse rounds the first to
    await writeStore(root, 'user', [{ group: 'g', columns: [{ name: 'v', type: 'VARCHAR' }], rows: ids.map((id) => ({ entity_id: id, feature_ts: D, values: [`features of ${id}`] })) }]);
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, '[\n  {"entity_id": 1234567890123456789, "ts": "2024-01-05T12:00:00Z", "y": 1}\n]\n');
    const table = await trainingSet(root, { labels: file(labels), entity: 'user', features: ['g:v'], ttl: '1d' }).fetch({ engine: localEngine() });
    expect(table.toArray().map((r) => String(r.toJSON().g__v))).toEqual(['features of 1234567890123456789']);
  });
});
