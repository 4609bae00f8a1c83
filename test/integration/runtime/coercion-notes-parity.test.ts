/**
 * Values z.coerce makes of nulls (and true of text that reads as false) keep their rows valid.
 * A local run names them in its notes; the event stage names them, in the same words, in the
 * object's manifest, counted over every segment even when the object is resumed from
 * checkpoints by later invocations (one segment of 3 records each). The oracle is the local run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const Row = z.object({ id: z.number().int(), city: z.coerce.string(), score: z.coerce.number(), vip: z.coerce.boolean(), tier: z.coerce.number().nullable() });
const LINES = [
  { id: 1, city: 'Oslo', score: 1, vip: true, tier: 1 },
  { id: 2, city: null, score: 2, vip: 'false', tier: null },
  { id: 3, city: null, score: null, vip: 'no', tier: 2 },
  { id: 4, city: 'Rome', score: 'x', vip: true, tier: 1 }, // NaN: quarantined, not counted
  { id: 5, city: null, score: null, vip: null, tier: null },
  { id: 6, city: 'Oslo', score: 3, vip: 'FALSE', tier: 3 },
  { id: 7, city: null, score: 4, vip: 'true', tier: null },
].map((l) => JSON.stringify(l)).join('\n');

const dir = mkdtempSync(join(tmpdir(), 'sluice-coercion-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the event stage names the same coercions as a local run, across checkpoints', async () => {
  const path = join(dir, 'rows.jsonl');
  writeFileSync(path, `${LINES}\n`);
  const local = await pipeline('coercions').from(file(path)).validate(Row).run({ zones: join(dir, 'zones'), dryRun: true });
  const localNotes = local.notes.filter((n) => n.includes('z.coerce'));
  expect(localNotes.map((n) => n.slice(0, n.indexOf(': '))).length).toBe(4);
  expect(localNotes.map((n) => /of (\d+) /.exec(n)?.[1])).toEqual(['4', '2', '1', '3']); // city nulls, score nulls, vip null, vip texts

  const definition = toPipelineDefinition(pipeline('coercions').from(file('/landing/*')).validate(Row));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', `${LINES}\n`, definition), definition, { segmentRows: 3, yieldAfterSegments: 1 });
  expect(manifest.rows).toEqual({ in: 7, valid: 6, quarantined: 1 });
  expect(manifest.coercionNotes).toEqual(localNotes);
});

it('an object without such values has no coercionNotes in its manifest', async () => {
  const definition = toPipelineDefinition(pipeline('coercions').from(file('/landing/*')).validate(Row));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/clean.jsonl', '{"id":1,"city":"Oslo","score":1,"vip":true,"tier":null}\n', definition), definition, { segmentRows: 3 });
  expect(manifest.status).toBe('processed');
  expect(manifest.coercionNotes).toBeUndefined();
});
