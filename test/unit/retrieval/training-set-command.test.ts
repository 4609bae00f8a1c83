import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { trainingSetCommand } from '../../../sdk/src/cli/training-set-command.js';
import { tempDir, writeStore } from './store-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeStore(join(dir, 'store'), 'user', [{ group: 'g', columns: [{ name: 'v', type: 'DOUBLE' }], rows: [{ entity_id: 'u1', feature_ts: Date.UTC(2024, 0, 5), values: [4.5] }] }]);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM (VALUES ('u1', TIMESTAMP '2024-01-06 00:00:00', 1), ('u2', TIMESTAMP '2024-01-06 00:00:00', 0)) AS t(entity_id, ts, y)) TO '${join(dir, 'labels.parquet')}' (FORMAT PARQUET)`);
  c.closeSync();
  db.closeSync();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('sluice training-set', () => {
  it('explains, then writes a CSV', async () => {
    const lines: string[] = [];
    const args = ['--store', join(dir, 'store'), '--labels', join(dir, 'labels.parquet'), '--entity', 'user', '--features', 'g:*', '--ttl', '7d'];
    expect(await trainingSetCommand([...args, '--explain'], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/g: 1 feature\(s\), 1 partition\(s\) 2024-01-05\.\.2024-01-05/);
    expect(await trainingSetCommand([...args, '--out', join(dir, 'out.csv'), '--format', 'csv'], (l) => lines.push(l))).toBe(0);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(dir, 'out.csv'), 'utf8')).toBe('entity_id,ts,y,g__v\nu1,2024-01-06T00:00:00.000Z,1,4.5\nu2,2024-01-06T00:00:00.000Z,0,\n');
  });

  it('usage errors say what is missing', async () => {
    await expect(trainingSetCommand(['--labels', 'x.parquet', '--entity', 'user', '--features', 'g:*'])).rejects.toThrow(/needs --ttl/);
    // The message, then the usage lines — not the whole help, which scrolled the message away.
    const message = await trainingSetCommand(['--labels', 'x.parquet', '--entity', 'user', '--features', 'g:*']).then(() => '', (e: Error) => e.message);
    expect(message.split('\n').length).toBeLessThan(12);
    expect(message).toMatch(/^sluice training-set needs --ttl\.\n\nUsage:\n {2}sluice training-set --labels/);
    expect(message).toContain('sluice training-set --help explains every flag.');
    await expect(trainingSetCommand(['--labels', 'x.parquet', '--entity', 'user', '--features', 'g:*', '--ttl', '1d', '--out', 'o.parquet', '--engine', 'athena'])).rejects.toThrow(/needs --workgroup/);
  });

  it('cost limits are read strictly: hex, empty and negative values are refused with the flag and an example', async () => {
    const base = ['--labels', 'x.parquet', '--entity', 'user', '--features', 'g:*', '--ttl', '1d', '--explain'];
    await expect(trainingSetCommand([...base, '--max-bytes', '0x10'])).rejects.toThrow(/--max-bytes takes a positive whole number of bytes, e.g. --max-bytes 10000000000; got "0x10"/);
    await expect(trainingSetCommand([...base, '--max-bytes=1.5'])).rejects.toThrow(/--max-bytes takes a positive whole number/);
    await expect(trainingSetCommand([...base, '--max-cost-usd='])).rejects.toThrow(/--max-cost-usd takes a positive number of dollars, e.g. --max-cost-usd 0.50; got ""/);
    await expect(trainingSetCommand([...base, '--max-cost-usd=-1'])).rejects.toThrow(/--max-cost-usd takes a positive number of dollars/);
  });
});
