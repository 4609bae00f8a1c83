/**
 * A quarantined row carries its raw text, exactly as the line was in the object. The raw loader
 * stores a line once when it is already its own canonical JSON (what JSON.stringify writes) and
 * twice otherwise (the text, and the JSON the validation reads): either way the quarantine must
 * show the line itself, and the valid rows must be the same. The expected text is the file's.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const Row = z.object({ id: z.number().int(), name: z.string().min(2) });
const LINES = [
  '{"id":1,"name":"ok"}', // canonical, valid
  '{"id":2,"name":"x"}', // canonical, too short: quarantined
  '{ "id": 3, "name": "y" }', // spaced (not canonical), too short: quarantined
  '{"name":"fine","id":4}', // key order of its own (still canonical text), valid
  '{"id":5.0,"name":"z"}', // 5.0 is written 5 by JSON.stringify: not canonical, quarantined
  '{"id":6,"name":"\\u00e9t\\u00e9"}', // escapes JSON.stringify does not write: valid
];

const dir = mkdtempSync(join(tmpdir(), 'sluice-raw-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('quarantined rows show their lines as written; valid rows are the same whichever way a line was stored', async () => {
  writeFileSync(join(dir, 'rows.jsonl'), `${LINES.join('\n')}\n`);
  const zones = join(dir, 'zones');
  const result = await pipeline('raw-text').from(file(join(dir, 'rows.jsonl'))).validate(Row).run({ zones, previewRows: 10 });
  expect(result.counts).toEqual({ in: 6, valid: 3, quarantined: 3 });
  const quarantineFile = readdirSync(join(zones, 'quarantine')).find((f) => f.endsWith('.jsonl'))!;
  const quarantined = readFileSync(join(zones, 'quarantine', quarantineFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; raw: string });
  expect(quarantined.map((q) => [q.line, q.raw])).toEqual([[2, LINES[1]], [3, LINES[2]], [5, LINES[4]]]);
  expect(result.preview.toArray().map((r) => [Number(r.id), r.name])).toEqual([[1, 'ok'], [4, 'fine'], [6, 'été']]);
});
