/**
 * A row a `.map()` throws on (or returns no row object for) is quarantined in both backends;
 * the issue must read the same in AWS as in the notebook (code, and a message naming the step).
 * The oracle is the local run over the same object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const Row = z.object({ id: z.number().int(), name: z.string() });
const TEXT = ['{"id":1,"name":"a"}', '{"id":2,"name":"boom"}', '{"id":3,"name":"array"}', '{"id":4,"name":"null"}', '{"id":5,"name":"b"}'].join('\n') + '\n';

const dir = mkdtempSync(join(tmpdir(), 'sluice-map-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipelineFor = (path: string) =>
  pipeline('map-parity')
    .from(file(path))
    .validate(Row)
    .derive({ id2: 'id * 2' })
    .map((r) => {
      if (r.name === 'boom') throw new Error(`cannot map ${r.name}`);
      if (r.name === 'array') return [r] as never;
      if (r.name === 'null') return null as never;
      return { ...r, upper: r.name.toUpperCase() };
    });

it('quarantines the rows map() rejects with the local run’s issues', async () => {
  const local = await localDecision(dir, pipelineFor, 'rows.jsonl', TEXT);
  expect(local.counts).toEqual({ in: 5, valid: 2, quarantined: 3 });
  expect(await eventStageDecision(pipelineFor, 'rows.jsonl', TEXT)).toEqual(local);
});
