/**
 * The event stage must decide each row as a local run over the same object does (DESIGN §1:
 * "what a notebook shows is what production computes"). The oracle is the local engine itself:
 * each object is run locally alone, then through `processObject`, and the counts, the
 * quarantined lines with their issues (path, code, message) and the unreadable verdict compared.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, type RunResult } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

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
  'latin1.jsonl': Uint8Array.from([...Buffer.from('{"id":8,"name":"caf'), 0xe9, ...Buffer.from('","amount":1}\n')]),
};

interface Decision {
  unreadable: boolean;
  counts: { in: number; valid: number; quarantined: number };
  quarantined: { line: number; issues: unknown }[];
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineFor(path: string) {
  return pipeline('parity').from(file(path)).validate(Row);
}

async function localDecision(name: string): Promise<Decision> {
  const inDir = join(dir, 'in', name.replace(/\W/g, '_'));
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, name), OBJECTS[name]!);
  const zones = join(dir, 'zones', name.replace(/\W/g, '_'));
  const result = (await pipelineFor(join(inDir, name)).run({ zones }).catch((e: { result?: RunResult }) => {
    if (!e.result) throw e;
    return e.result;
  })) as RunResult;
  const unreadable = result.quality.unreadableObjects.length > 0;
  const quarantined: Decision['quarantined'] = [];
  const quarantineDir = join(zones, 'quarantine');
  for (const f of existsSync(quarantineDir) ? readdirSync(quarantineDir) : []) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(zones, 'quarantine', f), 'utf8').split('\n').filter(Boolean)) {
      const q = JSON.parse(line) as { line: number; issues?: unknown };
      if (q.issues && q.line !== null) quarantined.push({ line: q.line, issues: q.issues });
    }
  }
  return { unreadable, counts: { ...result.counts }, quarantined: unreadable ? [] : quarantined.sort((a, b) => a.line - b.line) };
}

async function eventStageDecision(name: string): Promise<Decision> {
  const definition = toPipelineDefinition(pipelineFor(join(dir, 'unused', name)));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, `in/${name}`, OBJECTS[name]!, definition), definition, { segmentRows: 2 });
  const quarantined: Decision['quarantined'] = [];
  for (const key of manifest.outputs.quarantine) {
    // Rejected rows only: an object quarantined whole is copied under objects/ with its own name.
    if (key.includes('/objects/')) continue;
    for (const line of new TextDecoder().decode(s3.bytes('quarantine', key)).split('\n').filter(Boolean)) {
      const q = JSON.parse(line) as { line: number; issues: unknown };
      quarantined.push({ line: q.line, issues: q.issues });
    }
  }
  const unreadable = manifest.status === 'unreadable';
  // An unreadable object has no row decisions: locally it counts no rows, in the event stage the whole object is quarantined.
  return { unreadable, counts: unreadable ? { in: 0, valid: 0, quarantined: 0 } : { ...manifest.rows }, quarantined: quarantined.sort((a, b) => a.line - b.line) };
}

describe('the event stage decides each object as a local run does', () => {
  for (const name of Object.keys(OBJECTS)) {
    it(name, async () => {
      const [local, event] = [await localDecision(name), await eventStageDecision(name)];
      expect(event).toEqual(local);
    });
  }
});
