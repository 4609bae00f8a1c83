/**
 * DESIGN §4, bad input: one unreadable Parquet object (not Parquet, cut short, a broken gzip)
 * is quarantined whole with its error; the other objects of the batch still run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { file, pipeline, s3 } from '../../../sdk/src/index.js';
import { withoutStatement } from '../../../sdk/src/engines/local/parquet-object-reader.js';
import { rewriteParquetFooter } from '../../helpers/parquet-footer.js';
import { startS3rver } from '../../helpers/s3rver.js';

const Row = z.object({ user: z.string(), x: z.number() });

let dir: string;
let good: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-bad-parquet-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT 'u' || range AS "user", range::DOUBLE AS x FROM range(5)) TO '${join(dir, 'good.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
  good = readFileSync(join(dir, 'good.parquet'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding a.parquet (5 good rows) and the bad object `name` with `bytes`. */
function batch(folder: string, name: string, bytes: Buffer): string {
  const path = join(dir, folder);
  mkdirSync(path);
  writeFileSync(join(path, 'a.parquet'), good);
  writeFileSync(join(path, name), bytes);
  return path;
}

async function runOver(path: string, glob: string) {
  return pipeline('bad-parquet').from(file(join(path, glob))).validate(Row).run({ zones: join(path, 'zones') });
}

function quarantineLines(path: string | undefined): { object: string; copy?: string; issues: { code: string; message: string }[] }[] {
  return readFileSync(path!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('unreadable Parquet objects', () => {
  const cases: [string, string, () => Buffer, RegExp][] = [
    ['bytes that are not Parquet', 'b.parquet', () => Buffer.from('PAR1garbage'), /b\.parquet/],
    ['a Parquet file cut short', 'b.parquet', () => good.subarray(0, Math.floor(good.length / 2)), /truncated/],
    ['a truncated gzip', 'b.parquet.gz', () => gzipSync(good).subarray(0, 40), /gzip/],
  ];
  for (const [what, name, bytes, message] of cases) {
    it(`${what}: quarantined whole, the good object still runs`, async () => {
      const folder = batch(what.replace(/\W+/g, '-'), name, bytes());
      const result = await runOver(folder, '*.parquet*');
      expect(result.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
      expect(result.quality.unreadableObjects).toHaveLength(1);
      expect(result.quality.unreadableObjects[0]!.object).toBe(join(folder, name));
      expect(result.quality.unreadableObjects[0]!.error).toMatch(message);
      const lines = quarantineLines(result.outputs.quarantine);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ object: join(folder, name), issues: [{ code: 'unreadable_object' }] });
      expect(lines[0]!.issues[0]!.message).toMatch(message);
      // Whole: the quarantine zone holds the object's bytes as stored, beside its error document.
      expect(lines[0]!.copy).toMatch(new RegExp(`zones/quarantine/objects/[0-9a-f]{20}/${name.replace(/\./g, '\\.')}$`));
      expect(readFileSync(lines[0]!.copy!).equals(bytes())).toBe(true);
      const document = JSON.parse(readFileSync(lines[0]!.copy!.replace(/\/[^/]+$/, '.error.json'), 'utf8'));
      expect(document).toMatchObject({ object: join(folder, name), copy: lines[0]!.copy });
      expect(document.error).toMatch(message);
    });
  }

  it('a corrupt footer (right magic bytes, wrong content) is quarantined too', async () => {
    const broken = Buffer.from(good);
    // Overwrite the footer's thrift bytes, keeping its length and the magic bytes around it.
    const footerLength = broken.readUInt32LE(broken.length - 8);
    broken.fill(0xff, broken.length - 8 - footerLength, broken.length - 8);
    const folder = batch('corrupt-footer', 'b.parquet', broken);
    const result = await runOver(folder, '*.parquet');
    expect(result.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
    expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual([join(folder, 'b.parquet')]);
  });

  for (const [what, groupRows, message] of [
    ['says it holds fewer than none', -909n, /row group 1 says it holds -909 rows/],
    ['does not add up to the file', 190n, /its row groups hold 2238 rows, and it says it holds 3000/],
  ] as const) {
    it(`a footer whose second row group ${what}: quarantined whole, not read short`, async () => {
      const source = join(dir, `two-groups-${groupRows}.parquet`);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run(`COPY (SELECT 'u' || range AS "user", range::DOUBLE AS x FROM range(3000)) TO '${source}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)`);
      // FileMetaData.row_groups (field 4), RowGroup.num_rows (field 3).
      const damaged = Buffer.from(rewriteParquetFooter(readFileSync(source), (footer) => {
        (footer.field_4 as { field_3: bigint }[])[1]!.field_3 = groupRows;
      }));
      const folder = batch(`group-rows-${groupRows}`, 'b.parquet', damaged);
      // The premise: DuckDB reads such a file short, without an error.
      const short = Number((await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(folder, 'b.parquet')}')`)).getRows()[0]![0]);
      expect(short).toBeLessThan(3000);
      c.closeSync();
      db.closeSync();
      const result = await runOver(folder, '*.parquet');
      expect(result.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
      expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual([join(folder, 'b.parquet')]);
      expect(result.quality.unreadableObjects[0]!.error).toMatch(message);
    });
  }

  it('a damaged data page behind a sound footer: found by the scan, quarantined whole, the batch re-runs without it', async () => {
    // The footer probe reads no data, so it passes; DuckDB fails only when the validation scan
    // decompresses the page ("Snappy decompression failure"), which once failed the whole run.
    const source = join(dir, 'damaged-source.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT 'user' || (range % 1000) AS "user", range::DOUBLE AS x FROM range(100000)) TO '${source}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
    const damaged = readFileSync(source);
    const at = Math.floor(damaged.length * 0.2);
    for (let i = at; i < at + 64; i++) damaged[i] = (damaged[i]! * 31 + 7) & 255;
    const folder = batch('damaged-page', 'b.parquet', damaged);
    // The premise: DuckDB reads the footer but not the data.
    await c.run(`SELECT sum(num_rows) FROM parquet_file_metadata('${join(folder, 'b.parquet')}')`);
    await expect(c.run(`SELECT min(hash(COLUMNS(*))) FROM read_parquet('${join(folder, 'b.parquet')}')`)).rejects.toThrow(/decompression|corrupt|Failed to read/i);
    c.closeSync();
    db.closeSync();

    const result = await runOver(folder, '*.parquet');
    expect(result.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
    expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual([join(folder, 'b.parquet')]);
    expect(result.quality.unreadableObjects[0]!.error).toMatch(/Cannot decode .*b\.parquet as Parquet: .*(decompression|corrupt|Failed to read)/i);
    const lines = quarantineLines(result.outputs.quarantine);
    expect(lines).toEqual([expect.objectContaining({ object: join(folder, 'b.parquet'), issues: [expect.objectContaining({ code: 'unreadable_object' })] })]);
  });

  it('a sample stops reading objects once it has enough rows: a bad object after that is never reached', async () => {
    const folder = batch('sample-stops-early', 'b.parquet', Buffer.from('PAR1garbage'));
    const result = await pipeline('bad-parquet').from(file(join(folder, '*.parquet'))).validate(Row).run({ sample: 3, dryRun: true });
    expect(result.counts).toEqual({ in: 3, valid: 3, quarantined: 0 });
    expect(result.quality.unreadableObjects).toEqual([]);
    const whole = await pipeline('bad-parquet').from(file(join(folder, '*.parquet'))).validate(Row).run({ sample: 6, dryRun: true });
    expect(whole.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
    expect(whole.quality.unreadableObjects.map((u) => u.object)).toEqual([join(folder, 'b.parquet')]);
  });

  it('when every object is unreadable the run completes with no rows and lists them all', async () => {
    const folder = join(dir, 'all-bad');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.parquet'), 'PAR1garbage');
    writeFileSync(join(folder, 'b.parquet'), good.subarray(0, 100));
    const result = await runOver(folder, '*.parquet');
    expect(result.counts).toEqual({ in: 0, valid: 0, quarantined: 0 });
    expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual([join(folder, 'a.parquet'), join(folder, 'b.parquet')]);
    expect(quarantineLines(result.outputs.quarantine)).toHaveLength(2);
  });

  it('on S3 (s3rver) too: fetched objects that are not Parquet or not gzip are quarantined whole', async () => {
    const server = await startS3rver({ buckets: ['landing'] });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    try {
      await server.putObject('landing', 'flights/a.parquet', good);
      await server.putObject('landing', 'flights/b.parquet', Buffer.from('PAR1garbage'));
      await server.putObject('landing', 'flights/c.parquet.gz', gzipSync(good).subarray(0, 40));
      const source = s3('s3://landing/flights/', { endpoint: server.endpoint, region: server.region });
      const result = await pipeline('bad-parquet').from(source).validate(Row).run({ zones: join(dir, 's3-zones') });
      expect(result.counts).toEqual({ in: 5, valid: 5, quarantined: 0 });
      expect(result.quality.unreadableObjects.map((u) => u.object)).toEqual(['flights/b.parquet', 'flights/c.parquet.gz']);
      const lines = quarantineLines(result.outputs.quarantine);
      expect(lines.map((l) => l.object)).toEqual(['flights/b.parquet', 'flights/c.parquet.gz']);
      expect(readFileSync(lines[0]!.copy!).equals(Buffer.from('PAR1garbage'))).toBe(true);
      expect(readFileSync(lines[1]!.copy!).equals(gzipSync(good).subarray(0, 40))).toBe(true);
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await server.stop();
    }
  });
});

describe("DuckDB's message for an unreadable Parquet file", () => {
  it('is kept without the statement DuckDB quotes (sluice\'s own query, which says nothing about the file)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const message = await c.run('SELECT count(*), no_such_column FROM range(3)').then(() => '', (e: Error) => e.message);
    c.closeSync();
    db.closeSync();
    expect(message).toMatch(/LINE 1: SELECT count/);
    expect(withoutStatement(message)).toMatch(/^Binder Error: .*no_such_column/);
    expect(withoutStatement(message)).not.toMatch(/LINE 1|\^/);
  });
});
