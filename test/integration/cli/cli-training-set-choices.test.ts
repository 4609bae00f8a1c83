/**
 * `sluice training-set` flags that take one of a few words (--format, --sql, --engine): a word
 * outside the list is refused before any work starts — before the labels are read or the store
 * is listed (on S3 or Athena that is slow, and a typo should not cost it) — naming the flag and
 * the words it takes.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');
const sluice = (args: string[]) => runCli(args, { cwd: root });

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
});

// Neither exists: reading either would fail with a different message than the flag's.
const BASE = ['training-set', '--labels', 'no-such-labels.csv', '--store', 'no-such-store', '--entity', 'user', '--features', 'g:*', '--ttl', '1d'];

describe('sluice training-set refuses a word a flag does not take, before any work', () => {
  it.each([
    [['--out', 'o.parquet', '--format', 'json'], '--format takes parquet or csv, not "json"'],
    [['--sql', 'spark'], '--sql takes duckdb or trino, not "spark"'],
    [['--out', 'o.parquet', '--engine', 'spark'], '--engine takes local or athena, not "spark"'],
    [['--out', 't.csv', '--format', 'parquet'], '--out t.csv names a csv file and --format asks for parquet: leave out --format, or name the file .parquet'],
  ])('%j', async (flags, problem) => {
    const result = await sluice([...BASE, ...flags]);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`✖ ${problem}.`);
    expect(result.stdout).toBe('');
  });
});
