/**
 * A run's id names its inputs by content: two different local Parquet inputs get different ids
 * (even at the same size, under the same name), so one run's quarantine file never overwrites
 * another's; the same bytes get the same id, so a re-run is byte-identical.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { file, pipeline } from '../../../sdk/src/index.js';

const Row = z.object({ user: z.string().min(1), x: z.number() });

let dir: string;
let db: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-run-identity-'));
  mkdirSync(join(dir, 'input'));
  db = await DuckDBInstance.create(':memory:');
  c = await db.connect();
});
afterAll(() => {
  c.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** rows.parquet with one valid row (x) and one the schema rejects (an empty user): always the same size. */
async function writeInput(x: number): Promise<string> {
  const path = join(dir, 'input', 'rows.parquet');
  await c.run(`COPY (SELECT * FROM (VALUES ('u1', ${x}::DOUBLE), ('', ${x + 1}::DOUBLE)) AS t("user", x)) TO '${path}' (FORMAT PARQUET, COMPRESSION uncompressed)`);
  return path;
}

const run = () => pipeline('run-identity').from(file(join(dir, 'input', '*.parquet'))).validate(Row).run({ zones: join(dir, 'zones') });

describe('run ids of local Parquet inputs', () => {
  it('differ for different content of the same size, and each run keeps its own quarantine file', async () => {
    const path = await writeInput(1);
    const size = statSync(path).size;
    const first = await run();
    const firstQuarantine = readFileSync(first.outputs.quarantine!, 'utf8');

    await writeInput(2);
    expect(statSync(path).size).toBe(size);
    const second = await run();

    expect(second.runId).not.toBe(first.runId);
    expect(second.outputs.quarantine).not.toBe(first.outputs.quarantine);
    expect(readFileSync(first.outputs.quarantine!, 'utf8')).toBe(firstQuarantine);
    expect(JSON.parse(firstQuarantine.trim()).raw).toBe('{"user":"","x":2}');
    expect(JSON.parse(readFileSync(second.outputs.quarantine!, 'utf8').trim()).raw).toBe('{"user":"","x":3}');
  });

  it('is the same for the same bytes, written again', async () => {
    await writeInput(5);
    const first = await run();
    await writeInput(5);
    const again = await run();
    expect(again.runId).toBe(first.runId);
    expect(existsSync(again.outputs.quarantine!)).toBe(true);
  });
});
