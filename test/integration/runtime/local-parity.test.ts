/**
 * The event stage must decide each row as a local run over the same object does (DESIGN §1:
 * "what a notebook shows is what production computes"). The oracle is the local engine itself
 * (parity-decisions.ts): each object is run locally alone, then through `processObject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const Row = z.object({ id: z.coerce.number().int(), name: z.string().min(1), amount: z.number().nullable() });

const OBJECTS: Record<string, string | Uint8Array> = {
  'crlf.jsonl': '{"id":1,"name":"a","amount":1}\r\n{"id":2,"name":"","amount":1}\r\n{bad json\r\n\r\n[1]\r\n{"id":"3","name":"c","amount":null}\r\n',
  'bom.jsonl': '\uFEFF{"id":4,"name":"d","amount":2}\n',
  'rows.csv': 'id,name,amount\n1,x,2\n2,,3\n3,y\n4,z,abc\n',
  'bom-crlf.csv': '\uFEFFid,name,amount\r\n1,x,2\r\n"2","",3\r\n3,"y\r\nz",\r\n',
  'rows.tsv': 'id\tname\tamount\n1\tx\t2\n2\t\t3\n',
  'rows.csv.gz': gzipSync('id,name,amount\n1,x,2\n2,,3\n'),
  'rows.jsonl.gz': gzipSync('{"id":5,"name":"e","amount":3}\n{"id":5}\n'),
  // A gzip body under a name without .gz: local runs refuse it (with a hint to rename it).
  'gzip-inside.jsonl': gzipSync('{"id":6,"name":"f","amount":3}\n'),
  // And the reverse: plain text under a .gz name.
  'plain.jsonl.gz': '{"id":9,"name":"h","amount":3}\n',
  'empty.jsonl': '',
  'empty.jsonl.gz': '',
  'truncated.jsonl.gz': gzipSync('{"id":7,"name":"g","amount":3}\n'.repeat(50)).subarray(0, 40),
  // Cut late: the event stage has decoded (and written segments of) many records before the
  // error, a local run none. Both count no rows: how many the object held is unknown.
  'truncated-late.jsonl.gz': truncatedLate(),
  // JSON records laid out otherwise: back to back (Firehose without its newline delimiter), an
  // array over many lines, and one cut short (quarantined whole as truncated).
  'firehose.json': '{"id":1,"name":"a","amount":1}{"id":2,"name":"","amount":1}{"id":"3","name":"c","amount":null}',
  'export.json': '[\n  {"id": 1, "name": "a", "amount": 1},\n  {"id": 2, "name": "", "amount": 2},\n  7\n]\n',
  'truncated-export.json': '[\n  {"id": 1, "name": "a", "amount": 1},\n',
  'latin1.jsonl': Uint8Array.from([...Buffer.from('{"id":8,"name":"caf'), 0xe9, ...Buffer.from('","amount":1}\n')]),
};

function truncatedLate(): Uint8Array {
  const text = Array.from({ length: 3000 }, (_, i) => `{"id":${i},"name":"n${(i * 7919) % 10007}","amount":${i % 13}}\n`).join('');
  const gz = gzipSync(text);
  return gz.subarray(0, Math.floor(gz.length * 0.75));
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineFor(path: string) {
  return pipeline('parity').from(file(path)).validate(Row);
}

describe('the event stage decides each object as a local run does', () => {
  for (const name of Object.keys(OBJECTS)) {
    it(name, async () => {
      const local = await localDecision(dir, pipelineFor, name, OBJECTS[name]!);
      const event = await eventStageDecision(pipelineFor, name, OBJECTS[name]!);
      expect(event).toEqual(local);
    });
  }
});
