/**
 * Every validated Parquet file of a column has one physical type, so that Spark's mergeSchema
 * (the Glue driver reads the validated zone with it) never meets a column typed two ways. The
 * files are read back with DuckDB's parquet_schema(), a reader independent of the writer.
 * The case that broke: a `.map()` column whose values are all null in one segment and numbers in
 * another used to be written STRING in the first file and DOUBLE in the second.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline } from '../../../sdk/src/pipeline/pipeline-builder.js';
import type { PipelineDefinition } from '../../../sdk/src/pipeline/pipeline-definition.js';
import { s3 as s3Source } from '../../../sdk/src/sources/source-builders.js';
import type { MemoryS3 } from './memory-s3.js';
import { invoke, invokeUntilDone, landObject, newMemoryS3, ZONE_BUCKETS } from './object-runner.js';

const Reading = z.object({ id: z.string(), v: z.number().nullable() });

/** score = 2·v, declared as a number: the builder knows its type; the plan records only its name. */
const declared: PipelineDefinition = pipeline('typed-columns')
  .from(s3Source('s3://landing/in/', { format: 'jsonl' }))
  .validate(Reading)
  .map((row) => ({ ...row, score: row.v === null ? null : row.v * 2 }), { columns: { score: 'number' } })
  .definition;
/** The same pipeline as a definition that does not carry the declared types (built by hand, or by an older sluice). */
const undeclared: PipelineDefinition = { ...declared, columnTypes: undefined };

const reading = (id: string, v: number | null) => JSON.stringify({ id, v });

let dir: string;
let db: DuckDBInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-types-'));
  db = await DuckDBInstance.create(':memory:');
});
afterAll(async () => {
  db?.closeSync();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Each validated file of the store, by segment: `score`'s physical type, or 'absent'. */
async function scoreTypes(s3: MemoryS3, label: string): Promise<{ paths: string[]; types: string[] }> {
  const keys = s3.keys('validated', 'validated/');
  const paths: string[] = [];
  const types: string[] = [];
  const c = await db.connect();
  try {
    for (const [i, key] of keys.entries()) {
      const path = join(dir, `${label}-${i}.parquet`);
      await writeFile(path, s3.bytes('validated', key)!);
      paths.push(path);
      const rows = (await c.runAndReadAll(`SELECT name, type FROM parquet_schema('${path}')`)).getRowObjectsJS();
      types.push(String(rows.find((r) => r.name === 'score')?.type ?? 'absent'));
    }
  } finally {
    c.closeSync();
  }
  return { paths, types };
}

async function readAll(paths: string[]): Promise<{ type: string; values: (number | null)[] }> {
  const c = await db.connect();
  try {
    const list = `[${paths.map((p) => `'${p}'`).join(', ')}]`;
    const described = (await c.runAndReadAll(`DESCRIBE SELECT score FROM read_parquet(${list}, union_by_name = true)`)).getRowObjectsJS();
    const rows = (await c.runAndReadAll(`SELECT score FROM read_parquet(${list}, union_by_name = true) ORDER BY _line`)).getRowObjectsJS();
    return { type: String(described[0]!.column_type), values: rows.map((r) => r.score as number | null) };
  } finally {
    c.closeSync();
  }
}

// Three segments of two rows: only nulls, numbers, only nulls again. Every row lands in one dt (the object's date).
const SEGMENTED = [reading('a', null), reading('b', null), reading('c', 1.5), reading('d', 2), reading('e', null), reading('f', null)].join('\n');
const EXPECTED_SCORES = [null, null, 3, 4, null, null];

describe('a map() column with declared type', () => {
  it('has that type in every file, the all-null segments included', async () => {
    const s3 = newMemoryS3();
    await invokeUntilDone(s3, landObject(s3, 'in/segmented.jsonl', SEGMENTED, declared), declared, { segmentRows: 2 });
    const { paths, types } = await scoreTypes(s3, 'declared');
    expect(types).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE']);
    expect(await readAll(paths)).toEqual({ type: 'DOUBLE', values: EXPECTED_SCORES });
  });

  it('has the same type in another object whose values are all null', async () => {
    const s3 = newMemoryS3();
    await invokeUntilDone(s3, landObject(s3, 'in/nulls.jsonl', [reading('x', null), reading('y', null)].join('\n'), declared), declared, { segmentRows: 2 });
    expect((await scoreTypes(s3, 'declared-nulls')).types).toEqual(['DOUBLE']);
  });
});

describe('a map() column whose type the definition does not carry', () => {
  it('is typed once per object from its first values; a segment before them leaves it out instead of guessing STRING', async () => {
    const s3 = newMemoryS3();
    await invokeUntilDone(s3, landObject(s3, 'in/segmented.jsonl', SEGMENTED, undeclared), undeclared, { segmentRows: 2 });
    const { paths, types } = await scoreTypes(s3, 'undeclared');
    expect(types).toEqual(['absent', 'DOUBLE', 'DOUBLE']);
    // Read together, as mergeSchema (or union_by_name) does: one type, nulls where the column is absent.
    expect(await readAll(paths)).toEqual({ type: 'DOUBLE', values: EXPECTED_SCORES });
  });

  it('keeps the type decided before a checkpoint when the object is resumed', async () => {
    const text = [reading('a', 1), reading('b', 2), reading('c', null), reading('d', null)].join('\n');
    const clean = newMemoryS3();
    await invokeUntilDone(clean, landObject(clean, 'in/resume.jsonl', text, undeclared), undeclared, { segmentRows: 2 });
    expect((await scoreTypes(clean, 'clean')).types).toEqual(['DOUBLE', 'DOUBLE']);

    const resumed = newMemoryS3();
    const target = landObject(resumed, 'in/resume.jsonl', text, undeclared);
    expect((await invoke(resumed, target, undeclared, { segmentRows: 2, yieldAfterSegments: 1 })).status).toBe('yielded');
    await invokeUntilDone(resumed, target, undeclared, { segmentRows: 2 });
    expect(resumed.snapshot(ZONE_BUCKETS)).toEqual(clean.snapshot(ZONE_BUCKETS));
  });
});
