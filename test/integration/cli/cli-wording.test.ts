/**
 * The CLI's errors in CLI terms: the flag to pass and the command that was run, never the SDK's
 * `{ allowExpensive: true }`, `{ entityColumn: … }` or `error.result.quality` — and never a
 * folder that does not exist as the example.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoEvents } from '../../../sdk/src/cli/demo-data.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';

let dir: string;
const sluice = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 120_000 });

function moduleText(ratio: number): string {
  return `import { pipeline, file, window, count, featureStore } from 'sluice';
import { z } from 'zod';
const Event = z.object({ event_id: z.string().uuid(), user_id: z.string().min(1), event_type: z.enum(['view', 'click', 'purchase']), amount: z.number().nonnegative().nullable(), ts: z.coerce.date() });
export default pipeline('cli-wording')
  .from(file('events/*.jsonl*'))
  .validate(Event, { maxInvalidRatio: ${ratio} })
  .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['7d'], features: { clicks: count().where("event_type = 'click'") } }))
  .toFeatureStore(featureStore('store'), { entity: 'user', group: 'engagement' });
`;
}

beforeAll(async () => {
  // Inside the checkout, so that the modules' 'sluice' and 'zod' imports resolve.
  dir = mkdtempSync(join(REPO_ROOT, 'test', '.tmp-wording-'));
  await generateDemoEvents({ dir: join(dir, 'events'), users: 20, days: 6, eventsPerDay: 150, seed: 5 });
  writeFileSync(join(dir, 'passing.ts'), moduleText(0.05));
  writeFileSync(join(dir, 'strict.ts'), moduleText(0.0001));
  writeFileSync(join(dir, 'labels.csv'), 'entity_id,ts,label\nu00001,2024-01-05T00:00:00Z,1\nu00002,2024-01-06T00:00:00Z,0\n');
  const run = await sluice(['run', 'passing.ts']);
  if (run.status !== 0) throw new Error(run.stderr);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trainingSet = ['training-set', '--labels', 'labels.csv', '--entity', 'user', '--features', 'engagement:clicks_7d', '--ttl', '30d', '--store', 'store', '--out', 'train.parquet'];

describe('CLI errors in CLI terms', () => {
  it('a cost limit names --allow-expensive and --max-bytes', async () => {
    const result = await sluice([...trainingSet, '--max-bytes', '10']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('pass --allow-expensive to run it anyway');
    expect(result.stderr).toContain('above --max-bytes 10 B');
    expect(result.stderr).not.toMatch(/allowExpensive|maxBytes/);
    expect((await sluice([...trainingSet, '--max-bytes', '10', '--allow-expensive'])).status).toBe(0);
  });

  it('a labels column that is not there names --entity-column / --timestamp-column', async () => {
    const entity = await sluice([...trainingSet, '--entity-column', 'user']);
    expect(entity.status).toBe(1);
    expect(entity.stderr).toContain('The labels have no column "user" (columns: entity_id, ts, label). Name the right one with --entity-column <column>.');
    expect(entity.stderr).not.toContain('→ at labels');
    const ts = await sluice([...trainingSet, '--timestamp-column', 'when']);
    expect(ts.stderr).toContain('--timestamp-column <column>');
  });

  it('a failed gate points at the report above and the module, not at error.result', async () => {
    const result = await sluice(['run', 'strict.ts']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("fix the data, or relax the gate in the module's validate(schema, { … })");
    expect(result.stderr + result.stdout).not.toContain('error.result');
  });

  it('too many feature rows names --max-feature-rows and --sample; the flag moves the limit', async () => {
    writeFileSync(join(dir, 'minutely.ts'), moduleText(0.05).replace("every: '1d', windows: ['7d']", "every: '1m', windows: ['1d']").replace("'cli-wording'", "'minutely'"));
    const result = await sluice(['run', 'minutely.ts', '--max-feature-rows', '1000']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/would emit [\d,]+ feature rows .* more than the limit of 1,000\. .*every: '5m'.*--sample 10000.*--max-feature-rows \d+\./);
    expect(result.stderr).not.toMatch(/run\(\{|maxFeatureRows/);
    expect((await sluice(['run', 'minutely.ts', '--max-feature-rows', '0'])).stderr).toContain('--max-feature-rows takes a positive whole number of rows, e.g. --max-feature-rows 100000000; got "0".');
    // On a sample already, the advice is a smaller one.
    const sampled = await sluice(['run', 'minutely.ts', '--sample', '2000', '--max-feature-rows', '100']);
    expect(sampled.status).toBe(1);
    expect(sampled.stderr).toContain('run on a smaller sample than 2,000 rows (--sample 200)');
    expect(sampled.stderr).not.toContain('--sample 10000');
  });

  it('--write-sample without --sample is refused, not ignored', async () => {
    const result = await sluice(['run', 'minutely.ts', '--write-sample']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('✖ --write-sample lets a --sample run write its partial features');
  });

  it('a misspelt module: the closest file, and the usage of the command that was run', async () => {
    const result = await runCli(['promote', 'examples/engagment.ts', '--out', join(dir, 'deploy')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No file at examples/engagment.ts (did you mean examples/engagement.ts?)');
    expect(result.stderr).toContain('Usage: sluice promote <module> --out DIR');
    expect(result.stderr).not.toContain('pipelines/');
    expect(result.stderr).not.toContain('sluice run');
  });

  it('a promote option promote() refuses is told as its flag', async () => {
    const result = await runCli(['promote', 'examples/engagement.ts', '--out', join(dir, 'deploy'), '--alarm-email', 'notanemail']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('✖ --alarm-email is where alarms and budget warnings are emailed: a full address, e.g. --alarm-email ml-oncall@example.com; got "notanemail".');
    expect(result.stderr).not.toContain('promote.alarmEmail');
    const schedule = await runCli(['promote', 'examples/engagement.ts', '--out', join(dir, 'deploy'), '--schedule', 'every hour']);
    expect(schedule.stderr).toMatch(/^✖ --schedule: "every hour" is not a schedule/);
  });
});
