/**
 * A `.map()` whose rows return a value of another type than its column's (the declared type,
 * or the schema's for a column it rewrites). The event stage used to convert such values — 2.5
 * in an integer column became 2, '5.5' in a number column 5.5 — while a local run typed the
 * column from its values (a declared integer column of whole numbers became DOUBLE), so the
 * validated zones, and the features computed from them, differed between a notebook and AWS.
 * Both now quarantine the row naming the column, and store every known column as its type.
 * Keys a declared map returns beyond the known columns were kept locally and dropped by the
 * event stage; now neither keeps them, and the local run's notes name them. A known column no
 * row returns is there, all null, in both.
 *
 * Oracles: the quarantined lines and one message are written here; the rest of the local run's
 * decisions, and its validated zone's Parquet types and rows, are compared with the event
 * stage's (the files of both are read by DuckDB's parquet_schema and read_parquet).
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, sum, window } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';
import { parquetRows } from './zone-inspection.js';

const Row = z.object({ id: z.number().int(), user: z.string(), amount: z.number(), ts: z.coerce.date() });
const LINES = [1, 2, 3, 4, 5, 6].map((id) => ({ id, user: `u${id % 2}`, amount: id + 0.25, ts: `2024-01-0${id}T10:00:00Z` }));
const TEXT = LINES.map((l) => JSON.stringify(l)).join('\n') + '\n';

type In = z.output<typeof Row>;
/** Lines 2–5 each return one value that is not of its column's type; lines 1 and 6 return none. */
const enrich = (r: In) => ({
  ...r,
  cents: r.id === 2 ? r.amount : Math.round(r.amount * 100),
  label: r.id === 3 ? r.id : `row ${r.id}`,
  seen: r.id === 4 ? r.ts.toISOString() : r.ts,
  big: r.amount > 3,
  amount: r.id === 5 ? String(r.amount) : r.amount,
});

const pipelineFor = (path: string) =>
  pipeline('map-types')
    .from(file(path))
    .validate(Row)
    .map(enrich, { columns: { cents: 'integer', label: 'string', seen: 'timestamp', big: 'boolean' } })
    .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['7d'], features: { cents: sum('cents') } }));

const dir = mkdtempSync(join(tmpdir(), 'sluice-map-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('quarantines the same rows in both backends, naming the column and the step', async () => {
  const local = await localDecision(dir, pipelineFor, 'rows.jsonl', TEXT);
  expect(local.counts).toEqual({ in: 6, valid: 2, quarantined: 4 });
  const refused = local.quarantined.map((q) => [q.line, (q.issues as { path: string[]; code: string }[]).map((i) => [i.path.join('.'), i.code])]);
  expect(refused).toEqual([
    [2, [['cents', 'not_storable']]],
    [3, [['label', 'not_storable']]],
    [4, [['seen', 'not_storable']]],
    [5, [['amount', 'not_storable']]],
  ]);
  expect((local.quarantined[0]!.issues as { message: string }[])[0]!.message).toBe(
    '2.25 cannot be stored in the integer column "cents": return a whole number within 64 bits (or null) for it from steps[2].map, or declare the type the map gives it: .map(fn, { columns: { cents: \'number\' } }).',
  );
  expect(await eventStageDecision(pipelineFor, 'rows.jsonl', TEXT)).toEqual(local);
});

it('writes the valid rows with the same Parquet types and values in both validated zones', async () => {
  // Local: a run over the object; its validated zone is dt= partitioned Parquet under the zones root.
  const inDir = join(dir, 'zones-compare');
  mkdirSync(inDir, { recursive: true });
  const zones = join(inDir, 'zones');
  writeFileSync(join(inDir, 'rows.jsonl'), TEXT);
  await pipelineFor(join(inDir, 'rows.jsonl')).run({ zones });
  const localFiles = readdirSync(join(zones, 'validated'), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).map((f) => join(zones, 'validated', f));

  // AWS: the event stage over the same object, its validated Parquet copied out of the bucket.
  const definition = toPipelineDefinition(pipelineFor('/unused/rows.jsonl'));
  const s3 = newMemoryS3();
  await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', TEXT, definition), definition, { segmentRows: 2 });
  const awsFiles = s3.keys('validated', 'validated/').map((key, i) => {
    const path = join(inDir, `aws-${i}.parquet`);
    writeFileSync(path, s3.bytes('validated', key)!);
    return path;
  });

  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const list = (files: string[]) => `[${files.map((f) => `'${f}'`).join(', ')}]`;
    const typesOf = async (files: string[]) => {
      const rows = (await c.runAndReadAll(`SELECT DISTINCT name, type, logical_type IS NOT NULL AS logical FROM parquet_schema(${list(files)}) WHERE name IN ('id', 'user', 'amount', 'ts', 'cents', 'label', 'seen', 'big') ORDER BY name`)).getRowObjectsJS();
      return rows.map((r) => `${String(r.name)} ${String(r.type)}`);
    };
    // Written out: the types the plan knows, as Parquet physical types (timestamps are INT64 instants).
    const expected = ['amount DOUBLE', 'big BOOLEAN', 'cents INT64', 'id INT64', 'label BYTE_ARRAY', 'seen INT64', 'ts INT64', 'user BYTE_ARRAY'];
    expect(await typesOf(localFiles)).toEqual(expected);
    expect(await typesOf(awsFiles)).toEqual(expected);
    const rowsOf = async (files: string[]) =>
      (await c.runAndReadAll(`SELECT id, "user", amount, cents, label, epoch_ms(seen) AS seen, big, epoch_ms(ts) AS ts FROM read_parquet(${list(files)}, union_by_name = true) ORDER BY id`)).getRowObjectsJS();
    const localRows = await rowsOf(localFiles);
    expect(localRows.map((r) => [Number(r.id), Number(r.cents), r.label])).toEqual([[1, 125, 'row 1'], [6, 625, 'row 6']]);
    expect(await rowsOf(awsFiles)).toEqual(localRows);
  } finally {
    c.closeSync();
    db.closeSync();
  }
});

it('keys a declared map returns beyond the known columns are kept by neither backend, and the local run names them', async () => {
  const withExtra = (path: string) =>
    pipeline('map-extra')
      .from(file(path))
      .validate(Row)
      // `user` is left out: a known column no row returns is there, all null, in both.
      .map((r: In) => ({ id: r.id, amount: r.amount, ts: r.ts, cents: Math.round(r.amount * 100), debug: `line ${r.id}` }), { columns: { cents: 'integer' } });
  const inDir = join(dir, 'extra');
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, 'rows.jsonl'), TEXT);
  const result = await withExtra(join(inDir, 'rows.jsonl')).run({ zones: join(inDir, 'zones'), previewRows: 10 });
  expect(result.preview.schema.fields.map((f) => f.name).sort()).toEqual(['amount', 'cents', 'id', 'ts', 'user']);
  expect(result.preview.toArray().map((r) => r.user)).toEqual([null, null, null, null, null, null]);
  expect(result.notes.filter((n) => n.includes('"debug"'))).toEqual([
    'steps[2].map() returned a key its columns do not name ("debug"): not kept, here or in AWS, where the event stage writes the columns the plan knows. Add it to .map(fn, { columns }) to keep it.',
  ]);

  const definition = toPipelineDefinition(withExtra('/unused/rows.jsonl'));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', TEXT, definition), definition, { segmentRows: 2 });
  // Not kept, and not silently: the manifest (and the handler's "object done" line) names them.
  expect(manifest.undeclaredMapKeys).toEqual(['debug']);
  const awsRows = (await Promise.all(s3.keys('validated', 'validated/').map((k) => parquetRows(s3.bytes('validated', k)!)))).flat();
  expect(awsRows.length).toBe(6);
  expect(Object.keys(awsRows[0]!).filter((k) => !k.startsWith('_')).sort()).toEqual(['amount', 'cents', 'id', 'ts', 'user']);
  expect(awsRows.map((r) => r.user)).toEqual([null, null, null, null, null, null]);
});

it('the event stage names undeclared keys returned in any segment of an object, across a checkpoint', async () => {
  // Only line 1 returns `debug`; the object is read in segments of 2, one segment per invocation.
  const firstOnly = (path: string) =>
    pipeline('map-extra-late')
      .from(file(path))
      .validate(Row)
      .map((r: In) => ({ ...r, cents: Math.round(r.amount * 100), ...(r.id === 1 ? { debug: 'x' } : {}), ...(r.id === 5 ? { note: 'y' } : {}) }), { columns: { cents: 'integer' } });
  const definition = toPipelineDefinition(firstOnly('/unused/rows.jsonl'));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', TEXT, definition), definition, { segmentRows: 2, yieldAfterSegments: 1 });
  expect(manifest.status).toBe('processed');
  expect(manifest.undeclaredMapKeys).toEqual(['debug', 'note']);

  // A map whose rows return only known columns leaves the manifest without the field.
  const clean = toPipelineDefinition(pipeline('map-clean').from(file('/unused/rows.jsonl')).validate(Row).map((r: In) => ({ ...r, cents: 1 }), { columns: { cents: 'integer' } }));
  const s3Clean = newMemoryS3();
  const done = await invokeUntilDone(s3Clean, landObject(s3Clean, 'in/rows.jsonl', TEXT, clean), clean, { segmentRows: 2 });
  expect(done.manifest.undeclaredMapKeys).toBeUndefined();
});
