/**
 * What an operator sees of values z.coerce made up in production: the handler's INFO line
 * "object done" carries the object's coercionNotes, the same words its manifest holds (and a
 * local run prints). The handler (source) runs against s3rver and dynalite.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { pipeline, s3 as s3Source } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { zoneKeys } from '../../../sdk/src/runtime/zone-keys.js';
import { runHandlerBatch, type HandlerBatch } from '../../helpers/handler-batch.js';
import { sqsBatch } from '../../helpers/s3-events.js';
import { getText } from './zone-inspection.js';

const PIPELINE = 'coercions';
const definition = toPipelineDefinition(pipeline(PIPELINE).from(s3Source('s3://landing/events/*')).validate(z.object({ id: z.number(), score: z.coerce.number() })));
const BODIES = {
  'events/nulls.jsonl': '{"id":1,"score":2}\n{"id":2,"score":null}\n{"id":3,"score":null}\n',
  'events/clean.jsonl': '{"id":4,"score":"5"}\n',
};

let batch: HandlerBatch;

beforeAll(async () => {
  batch = await runHandlerBatch(definition, BODIES, (event, keys) => sqsBatch(keys.map(event)));
}, 120_000);

afterAll(async () => {
  await batch?.stop();
});

test('the "object done" line names the values made, as the manifest does; an object without any has no such field', async () => {
  const done = new Map(batch.jsonLines().filter((l) => l.message === 'object done').map((l) => [String(l.object), l]));
  const notes = done.get('s3://landing/events/nulls.jsonl')?.coercionNotes as string[] | undefined;
  expect(notes).toEqual([
    'score: z.coerce.number() (Number(x)) made 0 of 2 null values: those rows are valid and hold it, here and in AWS. To keep them null, add .nullable() after the coercion; to quarantine them, validate score without z.coerce or with a check the invented value fails.',
  ]);
  const manifest = JSON.parse(await getText(batch.s3.client, 'validated', zoneKeys(PIPELINE).manifest(batch.idOf('events/nulls.jsonl')))) as { coercionNotes?: string[]; rows: unknown };
  expect(manifest.coercionNotes).toEqual(notes);
  expect(manifest.rows).toEqual({ in: 3, valid: 3, quarantined: 0 });
  expect(done.get('s3://landing/events/clean.jsonl')).toBeDefined();
  expect(done.get('s3://landing/events/clean.jsonl')!.coercionNotes).toBeUndefined();
});
