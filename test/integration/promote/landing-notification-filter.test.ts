/**
 * The landing bucket notifies the queue only of keys the source's glob could select: the
 * synthesized `Custom::S3BucketNotifications` carries a key filter of the glob's literal
 * prefix and, where the glob's last segment ends in literal text, that suffix — never
 * narrower than the glob (alternatives or classes drop the part they touch). Expectations
 * are written by hand from each glob. Every stack stays cdk-nag clean.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { SourceNode } from '../../../sdk/src/plan/source-node.js';
import { synthesizeFeaturePipeline } from '../../../sdk/src/promote/synth-stack.js';
import { DRIVER_PATH } from '../../unit/promote/driver-arguments.js';
import { definition } from '../../unit/promote/promote-fixtures.js';

type Rules = { Name: string; Value: string }[] | undefined;

const s3 = (uri: string): SourceNode => ({ kind: 'source', scheme: 's3', uri, format: 'jsonl', compression: 'auto' });
const file = (uri: string): SourceNode => ({ kind: 'source', scheme: 'file', uri, format: 'jsonl', compression: 'auto' });

const CASES: [name: string, source: SourceNode, expected: Rules][] = [
  ['*.jsonl', s3('s3://landing/*.jsonl'), [{ Name: 'suffix', Value: '.jsonl' }]],
  ['events/**/*.csv.gz', s3('s3://landing/events/**/*.csv.gz'), [{ Name: 'prefix', Value: 'events/' }, { Name: 'suffix', Value: '.csv.gz' }]],
  // The alternatives sit between the prefix and the last segment: both ends are still exact.
  ['events/{a,b}/*.jsonl', s3('s3://landing/events/{a,b}/*.jsonl'), [{ Name: 'prefix', Value: 'events/' }, { Name: 'suffix', Value: '.jsonl' }]],
  // Alternatives in the last segment: no suffix rather than a guess.
  ['events/*.{jsonl,csv}', s3('s3://landing/events/*.{jsonl,csv}'), [{ Name: 'prefix', Value: 'events/' }]],
  // No wildcard: the whole key is the prefix (it may name a folder too, so no suffix).
  ['events/2024-01-01.jsonl', s3('s3://landing/events/2024-01-01.jsonl'), [{ Name: 'prefix', Value: 'events/2024-01-01.jsonl' }]],
  // The whole bucket: a filter with neither part would be refused by S3, so there is none.
  ['the whole bucket', s3('s3://landing/'), undefined],
  // A file() source's folder keeps its name at the landing bucket's root.
  ["file('data/events/*.jsonl')", file('data/events/*.jsonl'), [{ Name: 'prefix', Value: 'events/' }, { Name: 'suffix', Value: '.jsonl' }]],
];

const templates = new Map<string, { rules: Rules; queueConfigurations: number; findings: unknown[] }>();

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-landing-filter-'));
  mkdirSync(join(dir, 'lambda'));
  writeFileSync(join(dir, 'lambda', 'index.mjs'), 'export const handler = async () => {};\n');
  writeFileSync(join(dir, 'aggregate.spark.sql'), 'SELECT 1\n');
  copyFileSync(resolve(DRIVER_PATH), join(dir, 'sluice_glue_driver.py'));
  CASES.forEach(([name, source], i) => {
    const d = definition({ source });
    const { template, nag } = synthesizeFeaturePipeline({
      plan: d.plan, planHash: d.hash, bundlePath: join(dir, 'lambda'),
      aggregateSqlPath: join(dir, 'aggregate.spark.sql'), glueScriptPath: join(dir, 'sluice_glue_driver.py'),
    }, { outdir: join(dir, `cdk.out-${i}`) });
    const notifications = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>).filter((r) => r.Type === 'Custom::S3BucketNotifications');
    expect(notifications).toHaveLength(1);
    const queues = notifications[0]!.Properties.NotificationConfiguration.QueueConfigurations as { Events: string[]; Filter?: { Key: { FilterRules: { Name: string; Value: string }[] } } }[];
    // Creations and removals (runtime/current-versions.ts), announced under the same filter.
    expect(queues.map((q) => q.Events)).toEqual([['s3:ObjectCreated:*'], ['s3:ObjectRemoved:*']]);
    expect(queues[1]!.Filter).toEqual(queues[0]!.Filter);
    templates.set(name, { rules: queues[0]!.Filter?.Key.FilterRules, queueConfigurations: queues.length, findings: [...nag.findings] });
  });
}, 600_000);

describe('the landing notification key filter', () => {
  for (const [name, , expected] of CASES) {
    test(name, () => {
      const synthesized = templates.get(name)!;
      const sorted = synthesized.rules && [...synthesized.rules].sort((a, b) => a.Name.localeCompare(b.Name));
      expect(sorted).toEqual(expected);
      expect(synthesized.findings).toEqual([]);
    });
  }
});
