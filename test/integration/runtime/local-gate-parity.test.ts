/**
 * Per-object gates must reach the local run's verdict on the same object. The oracle is the local
 * engine: its gates run over the rows validate() accepted, before any map() — so a row that a
 * map() later throws on still counts for unique/notNull/references, and against maxInvalidRatio.
 * Limits are set exactly at the observed ratio (passes) and just under it (fails).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, type RunResult, type ValidateOptions } from '../../../sdk/src/index.js';

import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const Row = z.object({ id: z.number().int(), name: z.string().nullable(), country: z.string() });
type GateSpec = ValidateOptions<z.output<typeof Row>>;
// Row 2 repeats id 1 and map() throws on it; row 3 has no name (map throws) and a country outside the list; row 5 fails zod.
const TEXT = [
  { id: 1, name: 'a', country: 'DE' },
  { id: 1, name: 'boom', country: 'DE' },
  { id: 2, name: null, country: 'XX' },
  { id: 3, name: 'b', country: 'FR' },
  { id: 'four', name: 'c', country: 'FR' },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

const dir = mkdtempSync(join(tmpdir(), 'sluice-gate-parity-'));
writeFileSync(join(dir, 'rows.jsonl'), TEXT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineWith(gates: GateSpec) {
  return pipeline('gate-parity')
    .from(file(join(dir, 'rows.jsonl')))
    .validate(Row, gates)
    .map((r) => {
      if (r.name === 'boom' || r.name === null) throw new Error(`no row for ${r.name}`);
      return r;
    });
}

async function localFailures(gates: GateSpec): Promise<string[]> {
  const result = (await pipelineWith(gates).run({ zones: join(dir, `zones-${Math.random()}`) }).catch((e: { result?: RunResult }) => {
    if (!e.result) throw e;
    return e.result;
  })) as RunResult;
  return result.quality.gates.filter((g) => !g.passed).map((g) => g.gate).sort();
}

async function eventStageFailures(gates: GateSpec): Promise<string[]> {
  const definition = toPipelineDefinition(pipelineWith(gates));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', TEXT, definition), definition, { segmentRows: 2 });
  expect(manifest.rows.in).toBe(manifest.rows.valid + manifest.rows.quarantined);
  expect(manifest.status).toBe(manifest.gateFailures.length > 0 ? 'quarantined' : 'processed');
  return manifest.gateFailures.map((f) => f.slice(0, f.indexOf(':'))).sort();
}

const CASES: [string, GateSpec][] = [
  ['unique over a row map() rejects', { unique: ['id'] }],
  ['notNull over a row map() rejects', { notNull: ['name'] }],
  ['references over a row map() rejects', { references: [{ column: 'country', values: ['DE', 'FR'] }] }],
  ['maxInvalidRatio exactly at the ratio (3 of 5)', { maxInvalidRatio: 0.6 }],
  ['maxInvalidRatio just under the ratio', { maxInvalidRatio: 0.59 }],
  ['all together', { unique: ['id'], notNull: ['name'], maxInvalidRatio: 0.6 }],
];

describe('per-object gates agree with the local run', () => {
  for (const [name, gates] of CASES) {
    it(name, async () => {
      expect(await eventStageFailures(gates)).toEqual(await localFailures(gates));
    });
  }
});
