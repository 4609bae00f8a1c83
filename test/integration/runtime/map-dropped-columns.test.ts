/**
 * A `.map()` whose rows lack a column a later step reads (derive, the window's entity,
 * timestamp, aggregated columns, filters). A local run stops with PlanError MAP_DROPPED_COLUMNS;
 * the event stage used to write the validated Parquet anyway — with the column all null when
 * the plan knew its type, or without it — so the Glue job computed zeros and nulls from it, or
 * failed deep in Spark. Now the event stage quarantines such an object whole, with the local
 * run's message in its error document, and writes nothing to the validated zone.
 *
 * Oracles: the message's parts and the counts are written here by hand; the whole message is
 * compared with what the local engine throws for the same object alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, pipeline, PlanError, sum, window } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';
import { parquetRows } from './zone-inspection.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), kind: z.string(), ts: z.coerce.date() });
type AnyRow = Record<string, unknown>;

/** Five valid events and one invalid line (line 3), so conservation is not trivially valid = in. */
const LINES = [
  { user_id: 'u1', amount: 3, kind: 'buy', ts: '2024-01-01T10:00:00Z' },
  { user_id: 'u2', amount: 5, kind: 'view', ts: '2024-01-02T10:00:00Z' },
  { user_id: 'u3', amount: 'lots', kind: 'buy', ts: '2024-01-02T11:00:00Z' },
  { user_id: 'u1', amount: 7, kind: 'buy', ts: '2024-01-03T10:00:00Z' },
  { user_id: 'u2', amount: 1, kind: 'view', ts: '2024-01-03T12:00:00Z' },
  { user_id: 'u3', amount: 2, kind: 'buy', ts: '2024-01-04T10:00:00Z' },
];
const TEXT = LINES.map((l) => JSON.stringify(l)).join('\n') + '\n';

const features = { spend: sum('amount'), buys: count().where("kind = 'buy'") };
const declared = { user_id: 'string', ts: 'timestamp' } as const;

/** validate → map(fn, { columns }) → window reading amount and kind: steps[2] is the map, steps[3] the window. */
const mapThenWindow = (fn: (row: AnyRow) => AnyRow) => (path: string) =>
  pipeline('map-dropped').from(file(path)).validate(Event).map(fn, { columns: declared })
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features }));

const dir = mkdtempSync(join(tmpdir(), 'sluice-map-dropped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function eventStage(pipelineFor: (path: string) => unknown, options: { segmentRows?: number; yieldAfterSegments?: number } = {}) {
  const definition = toPipelineDefinition(pipelineFor('/unused/events.jsonl'));
  const s3 = newMemoryS3();
  const target = landObject(s3, 'in/events.jsonl', TEXT, definition);
  const { manifest } = await invokeUntilDone(s3, target, definition, { segmentRows: options.segmentRows ?? 2, ...(options.yieldAfterSegments ? { yieldAfterSegments: options.yieldAfterSegments } : {}) });
  const errorKey = manifest.outputs.quarantine.find((k) => k.endsWith('.error.json'));
  const errorDoc = errorKey ? (JSON.parse(new TextDecoder().decode(s3.bytes('quarantine', errorKey))) as { status: string; error: string; rowsSeen: number }) : undefined;
  const copyKey = manifest.outputs.quarantine.find((k) => k.includes('/objects/') && !k.endsWith('.error.json'));
  const validatedFiles = s3.keys('validated', 'validated/');
  const validatedRows = (await Promise.all(validatedFiles.map((k) => parquetRows(s3.bytes('validated', k)!)))).flat();
  return { manifest, errorDoc, copy: copyKey ? new TextDecoder().decode(s3.bytes('quarantine', copyKey)) : undefined, validatedFiles, validatedRows, leftovers: s3.keys('validated', '_checkpoints/') };
}

async function localError(pipelineFor: (path: string) => { run(o: object): Promise<unknown> }, slug: string): Promise<PlanError> {
  const inDir = join(dir, slug);
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, 'events.jsonl'), TEXT);
  const error = await pipelineFor(join(inDir, 'events.jsonl')).run({ zones: join(dir, `${slug}-zones`) }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PlanError);
  return error as PlanError;
}

describe('a map() that drops a column a later step reads, in the event stage', () => {
  const dropAmountAndKind = (row: AnyRow): AnyRow => ({ user_id: row.user_id, ts: row.ts });

  it('quarantines the object whole with MAP_DROPPED_COLUMNS and writes no validated rows (rows in = quarantined)', async () => {
    const { manifest, errorDoc, copy, validatedFiles, leftovers } = await eventStage(mapThenWindow(dropAmountAndKind));
    expect(manifest.status).toBe('quarantined');
    expect(manifest.rows).toEqual({ in: 6, valid: 0, quarantined: 6 });
    expect(validatedFiles).toEqual([]);
    expect(leftovers).toEqual([]);
    // The object itself, byte for byte, beside its error document: nothing is lost, it can be replayed once the map is fixed.
    expect(copy).toBe(TEXT);
    expect(errorDoc?.status).toBe('quarantined');
    expect(errorDoc?.rowsSeen).toBe(6);
    expect(manifest.error).toBe(errorDoc?.error);
    expect(manifest.error).toMatch(/^MAP_DROPPED_COLUMNS: /);
    expect(manifest.error).toContain('"amount" (read by steps[3].window.features.spend)');
    expect(manifest.error).toContain('"kind" (read by steps[3].window.features.buys.where)');
    expect(manifest.error).toContain('The map returned: user_id, ts.');
    expect(manifest.error).toContain('→ at steps[2].map');
  });

  it('says exactly what a local run of the same object throws', async () => {
    const local = await localError(mapThenWindow(dropAmountAndKind), 'all-rows');
    const { manifest } = await eventStage(mapThenWindow(dropAmountAndKind));
    expect(local.code).toBe('MAP_DROPPED_COLUMNS');
    expect(manifest.error).toBe(`${local.code}: ${local.message}`);
  });

  it('decides over the whole object across checkpoints: columns returned in any segment count, as in the local table', async () => {
    // Line 1 keeps amount and kind; every later row drops them. Locally the map's table has the
    // columns (null in later rows); a resumed invocation must remember line 1 to agree.
    const firstKeeps = (row: AnyRow): AnyRow => (row.amount === 3 ? { ...row } : { user_id: row.user_id, ts: row.ts });
    const { manifest, validatedRows } = await eventStage(mapThenWindow(firstKeeps), { segmentRows: 2, yieldAfterSegments: 1 });
    expect(manifest.status).toBe('processed');
    expect(manifest.rows).toEqual({ in: 6, valid: 5, quarantined: 1 });
    expect(validatedRows.map((r) => [r._line, r.amount, r.kind])).toEqual([[1, 3, 'buy'], [2, null, null], [4, null, null], [5, null, null], [6, null, null]]);

    // …and the columns every row returned are listed from all segments (line 5 adds `note`).
    const noteLate = (row: AnyRow): AnyRow => ({ user_id: row.user_id, ts: row.ts, ...(row.amount === 1 ? { note: 'x' } : {}) });
    const local = await localError(mapThenWindow(noteLate), 'note-late');
    const resumed = await eventStage(mapThenWindow(noteLate), { segmentRows: 2, yieldAfterSegments: 1 });
    expect(resumed.manifest.status).toBe('quarantined');
    expect(resumed.manifest.error).toContain('The map returned: user_id, ts, note.');
    expect(resumed.manifest.error).toBe(`${local.code}: ${local.message}`);
  });

  it('a column a later derive() creates is not needed from the map; one the derive reads is', async () => {
    const withDerive = (fn: (row: AnyRow) => AnyRow) => (path: string) =>
      pipeline('map-dropped').from(file(path)).validate(Event)
        .map(fn, { columns: { user_id: 'string', ts: 'timestamp', amount: 'number' } })
        .derive({ doubled: 'amount * 2' })
        .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spend: sum('doubled') } }));
    const keeps = await eventStage(withDerive((row) => ({ user_id: row.user_id, ts: row.ts, amount: row.amount })));
    expect(keeps.manifest.status).toBe('processed');
    expect(keeps.validatedRows.map((r) => r.doubled)).toEqual([6, 10, 14, 2, 4]);

    const drops = await eventStage(withDerive((row) => ({ user_id: row.user_id, ts: row.ts })));
    expect(drops.manifest.status).toBe('quarantined');
    expect(drops.manifest.error).toContain('"amount" (read by steps[3].derive.doubled)');
  });

  it('after a map() of undeclared columns, a dropped column is caught too (the Parquet file used to leave it out)', async () => {
    // The second map declares amount and kind (so the builder accepts the window) but never returns them.
    const twoMaps = (path: string) =>
      pipeline('map-dropped').from(file(path)).validate(Event)
        .map((row: AnyRow) => ({ ...row, seen: true }))
        .map((row: AnyRow): AnyRow => ({ user_id: row.user_id, ts: row.ts }), { columns: { ...declared, amount: 'number', kind: 'string' } })
        .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features }));
    const { manifest, validatedFiles } = await eventStage(twoMaps);
    expect(manifest.status).toBe('quarantined');
    expect(manifest.error).toContain('→ at steps[3].map');
    expect(validatedFiles).toEqual([]);
  });

  it('a map() that keeps every column is processed as before; rows it throws on are quarantined one by one', async () => {
    const keepAll = (row: AnyRow): AnyRow => {
      if (row.amount === 7) throw new Error('no sevens');
      return { ...row };
    };
    const { manifest, validatedRows } = await eventStage(mapThenWindow(keepAll));
    expect(manifest.status).toBe('processed');
    expect(manifest.rows).toEqual({ in: 6, valid: 4, quarantined: 2 });
    expect(validatedRows.map((r) => r.amount)).toEqual([3, 5, 1, 2]);
  });
});
