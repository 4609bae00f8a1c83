/**
 * The `sluice` command as a user runs it (the built bin; `npm test` builds first): `run` prints
 * the report and exits 0, a failing gate exits non-zero, `catalog` describes what was written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'sdk/dist/cli/main.js');
let dir: string;

function moduleText(ratio: number): string {
  return `import { pipeline, file, window, count, sum, featureStore } from 'sluice';
import { z } from 'zod';
const Event = z.object({ event_id: z.string().uuid(), user_id: z.string().min(1), event_type: z.enum(['view', 'click', 'purchase']), amount: z.number().nonnegative().nullable(), ts: z.coerce.date() });
export default pipeline('cli-demo')
  .from(file('events/*.jsonl*'))
  .validate(Event, { maxInvalidRatio: ${ratio} })
  .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'], features: { clicks: count().where("event_type = 'click'"), spend: sum('amount') } }))
  .toFeatureStore(featureStore('store'), { entity: 'user', group: 'engagement' });
`;
}

function sluice(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm test does it first).`);
  // Inside the checkout, so that the module's 'sluice' and 'zod' imports resolve as a user's would.
  dir = mkdtempSync(join(root, 'test', '.tmp-cli-'));
  await generateDemoEvents({ dir: join(dir, 'events'), users: 30, days: 8, eventsPerDay: 200, seed: 3 });
  writeFileSync(join(dir, 'passing.ts'), moduleText(0.05));
  writeFileSync(join(dir, 'strict.ts'), moduleText(0.0001));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice CLI', () => {
  it('run prints the conservation line and a preview, and exits 0', () => {
    const result = sluice(['run', 'passing.ts', '--sample', '1000']);
    expect(result.status, result.stderr).toBe(0);
    const line = /in ([\d,]+) = valid ([\d,]+) \+ quarantined ([\d,]+)/.exec(result.stdout);
    expect(line).not.toBeNull();
    const [inRows, valid, quarantined] = line!.slice(1).map((n) => Number(n.replaceAll(',', '')));
    expect(inRows).toBe(1000);
    expect(valid! + quarantined!).toBe(inRows);
    expect(result.stdout).toContain('clicks_7d');
  });

  it('--dry-run says it wrote nothing; --save-profile says where the profile went', () => {
    const result = sluice(['run', 'passing.ts', '--sample', '500', '--dry-run', '--save-profile', 'baseline.json']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('none: this was a dry run, which writes nothing to the feature store or the zones');
    expect(result.stdout).toContain("profile        baseline.json (a drift baseline: validate(schema, { drift: { baseline: 'baseline.json' } }))");
    expect(existsSync(join(dir, 'baseline.json'))).toBe(true);
    expect(result.stdout).toMatch(/^features: [\d,]+ rows; preview of the first 10 \(a dry run writes none of them\):$/m);
    expect(result.stdout).toMatch(/^10 of [\d,]+ rows shown$/m);
  });

  it('exits non-zero when a gate fails, naming the gate', () => {
    const result = sluice(['run', 'strict.ts']);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('maxInvalidRatio');
    expect(result.stderr).toMatch(/✖ Quality gates failed.*maxInvalidRatio/);
  });

  it('names a missing module and a bad --sample clearly', () => {
    const missing = sluice(['run', 'nope.ts']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No file at nope.ts');
    const bad = sluice(['run', 'passing.ts', '--sample', 'lots']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--sample takes a positive whole number');
  });

  it('a --sample run writes no partitions and says which flag would; --write-sample writes them', () => {
    const sampled = sluice(['run', 'passing.ts', '--sample', '300', '--zones', 'zones-sample']);
    expect(sampled.status, sampled.stderr).toBe(0);
    expect(sampled.stdout).toContain('note: A sample run: the feature store and the validated zone were not written');
    expect(sampled.stdout).toContain('pass --write-sample.');
    expect(sampled.stdout).not.toContain('writeSample');
    expect(existsSync(join(dir, 'store'))).toBe(false);
    const written = sluice(['run', 'passing.ts', '--sample', '300', '--zones', 'zones-sample', '--write-sample']);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/feature store .*\(([1-9]\d*) partitions written/);
    expect(written.stdout).not.toContain('A sample run');
  });

  it('catalog describes the group the run wrote', () => {
    expect(sluice(['run', 'passing.ts']).status).toBe(0);
    const result = sluice(['catalog', 'user/engagement', '--store', 'store']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('pipeline cli-demo');
    expect(result.stdout).toMatch(/clicks_7d\s+BIGINT/);
  });

  it('training-set --sql trino with Athena\'s flags prints the SQL that engine would run (its output location, not a placeholder)', () => {
    expect(sluice(['run', 'passing.ts']).status).toBe(0);
    writeFileSync(join(dir, 'labels.csv'), 'entity_id,ts,label\nu00001,2024-01-05T00:00:00Z,1\n');
    const result = sluice(['training-set', '--labels', 'labels.csv', '--store', 'store', '--entity', 'user', '--features', 'engagement:clicks_7d', '--ttl', '7d',
      '--sql', 'trino', '--engine', 'athena', '--database', 'mydb', '--workgroup', 'wg', '--output-location', 's3://my-results/x/', '--region', 'us-east-1']);
    expect(result.status, result.stderr).toBe(0);
    // Features are read from the pipeline's Glue database, as the promoted stack names it.
    expect(result.stdout).toContain('"sluice_cli_demo"."user__engagement"');
    expect(result.stdout).toContain("TO 's3://my-results/x/sluice-tmp/");
    expect(result.stdout).not.toContain('athena-query-results');
    const duckdb = sluice(['training-set', '--labels', 'labels.csv', '--store', 'store', '--entity', 'user', '--features', 'engagement:clicks_7d', '--ttl', '7d',
      '--sql', 'duckdb', '--engine', 'athena', '--database', 'mydb', '--workgroup', 'wg', '--output-location', 's3://my-results/x/', '--region', 'us-east-1']);
    expect(duckdb.status).toBe(1);
    expect(duckdb.stderr).toContain("--sql duckdb prints the local engine's SQL");
  });

  it('catalog refuses a --store that is not there, a file given as the store, and a group name with more parts', () => {
    const missing = sluice(['catalog', '--store', 'nowhere']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('✖ There is no folder nowhere.');
    const file = sluice(['catalog', '--store', 'passing.ts']);
    expect(file.status).toBe(1);
    expect(file.stderr).toMatch(/✖ Cannot use passing\.ts.*: part of that path is a file, not a folder/);
    expect(file.stderr).not.toMatch(/^\s+at /m);
    const extra = sluice(['catalog', 'user/engagement/zzz', '--store', 'store']);
    expect(extra.status).toBe(1);
    expect(extra.stderr).toContain('Name a group as <entity>/<group>');
  });
});
