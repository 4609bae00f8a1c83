/**
 * Values z.coerce makes of nulls (and true of text that reads as false, and 1970 instants of
 * numbers that look like seconds) keep their rows valid.
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

it('numbers that look like seconds under z.coerce.date(): the same note in the manifest as in a local run', async () => {
  const Event = z.object({ user: z.string(), ts: z.coerce.date() });
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ user: `u${i}`, ts: i % 3 === 0 ? 1_700_000_000_000 + i : 1_700_000_000 + i })).join('\n');
  const path = join(dir, 'seconds.jsonl');
  writeFileSync(path, `${lines}\n`);
  const local = await pipeline('seconds').from(file(path)).validate(Event).run({ zones: join(dir, 'zones-seconds'), dryRun: true });
  const localNotes = local.notes.filter((n) => n.includes('look like seconds'));
  expect(localNotes).toHaveLength(1);
  expect(localNotes[0]).toMatch(/^ts: z\.coerce\.date\(\) \(new Date\(x\)\) read 6 numbers that look like seconds/);

  const definition = toPipelineDefinition(pipeline('seconds').from(file('/landing/*')).validate(Event));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/seconds.jsonl', `${lines}\n`, definition), definition, { segmentRows: 3, yieldAfterSegments: 1 });
  expect(manifest.coercionNotes).toEqual(localNotes);
});

it('fields inside nested objects: the same notes, under their paths, in the manifest as in a local run', async () => {
  const Event = z.object({ user: z.object({ age: z.coerce.number(), seen: z.coerce.date() }).optional(), ts: z.coerce.date() });
  const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify({ user: i % 4 === 3 ? undefined : { age: i % 2 ? null : 30, seen: i % 3 ? 1_700_000_000 + i : '2024-01-01T00:00:00Z' }, ts: '2024-03-01T00:00:00Z' })).join('\n');
  const path = join(dir, 'nested.jsonl');
  writeFileSync(path, `${lines}\n`);
  const local = await pipeline('nested').from(file(path)).validate(Event).run({ zones: join(dir, 'zones-nested'), dryRun: true });
  const localNotes = local.notes.filter((n) => n.startsWith('user.'));
  expect(localNotes.map((n) => n.slice(0, n.indexOf(':')))).toEqual(['user.age', 'user.seen']);

  const definition = toPipelineDefinition(pipeline('nested').from(file('/landing/*')).validate(Event));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/nested.jsonl', `${lines}\n`, definition), definition, { segmentRows: 3, yieldAfterSegments: 1 });
  expect(manifest.coercionNotes).toEqual(localNotes);
});
