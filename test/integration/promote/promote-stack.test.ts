/**
 * promote() end to end, offline: one synth (each costs many seconds), then assertions on the
 * written files and on every resource and key property of the synthesized template, and
 * cdk-nag's AwsSolutions result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { promote, type PromoteSummary } from '../../../sdk/src/promote/promote.js';
import { PlanError } from '../../../sdk/src/errors.js';
import { RUNTIME_ENV } from '../../../sdk/src/runtime/runtime-env.js';
import { RUNTIME_METRICS as RUNTIME_EMITS } from '../../../sdk/src/runtime/runtime-telemetry.js';
import { RUNTIME_METRICS } from '../../../sdk/src/promote/pipeline-monitoring.js';
import { GLUE_SYSTEM_ARGUMENTS } from '../../../sdk/src/promote/glue-job-arguments.js';
import { definition } from '../../unit/promote/promote-fixtures.js';
import { DRIVER_PATH, driverArguments } from '../../unit/promote/driver-arguments.js';

let out: string;
let summary: PromoteSummary;
let template: Template;
let json: { Resources: Record<string, { Type: string; Properties?: any }>; Outputs: Record<string, { Value: unknown }> };

const PIPELINE = 'user-engagement';
const resourcesOf = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  // A space and non-ASCII letters in the folder: the rendered app.ts must turn its file URLs into paths, not URL-escaped text.
  out = join(mkdtempSync(join(tmpdir(), 'sluice-promote-')), 'déploy out');
  summary = await promote(definition(), { out, schedule: 'rate(1 hour)', budgetUsd: 75, alarmEmail: 'ml-oncall@example.com' });
  json = JSON.parse(readFileSync(join(out, 'template.json'), 'utf8'));
  template = Template.fromJSON(json);
  console.log(String(summary));
}, 300_000);

/**
 * The one alarm on a per-object count `metric`: it pages at the first count in 15 minutes, shaped
 * as the gate-failure alarm. Returns its description, which starts with the pipeline's name.
 */
function pagingCountAlarm(metric: string): string {
  const alarms = resourcesOf('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === metric);
  expect(alarms).toHaveLength(1);
  const [, alarm] = alarms[0]!;
  expect(alarm.Properties).toMatchObject({
    Namespace: 'sluice',
    Dimensions: [{ Name: 'service', Value: PIPELINE }],
    Statistic: 'Sum',
    Period: 900,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
  const gate = resourcesOf('AWS::CloudWatch::Alarm').find(([, a]) => a.Properties.MetricName === 'GateFailures')![1];
  for (const key of ['Namespace', 'Dimensions', 'Statistic', 'Period', 'EvaluationPeriods', 'TreatMissingData']) expect(alarm.Properties[key], key).toEqual(gate.Properties[key]);
  const description: string = alarm.Properties.AlarmDescription;
  expect(description.startsWith(`${PIPELINE}: `)).toBe(true);
  return description;
}

describe('promote output folder', () => {
  test('holds the CDK app, the bundle (placeholder without a module), the driver, plan.json with its SQL, template.json and a README', () => {
    for (const file of ['app.ts', 'package.json', 'cdk.json', 'promote.json', 'README.md', 'plan.json', 'aggregate.spark.sql', 'template.json', 'glue/sluice_glue_driver.py', 'lambda/index.mjs']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    for (const file of ['app.ts', 'package.json', 'cdk.json', 'README.md']) expect(readFileSync(join(out, file), 'utf8')).not.toMatch(/\{\{/);
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs', 'sluice']);
    expect(JSON.parse(readFileSync(join(out, 'cdk.json'), 'utf8')).app).toBe('npx tsx app.ts');
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    const def = definition();
    expect(plan.hash).toBe(def.hash);
    expect(plan.plan).toEqual(JSON.parse(JSON.stringify(def.plan)));
    expect(`${plan.compiled.spark.sql}\n`).toBe(readFileSync(join(out, 'aggregate.spark.sql'), 'utf8'));
    expect(readFileSync(join(out, 'glue/sluice_glue_driver.py'), 'utf8')).toBe(readFileSync(DRIVER_PATH, 'utf8'));
    expect(readFileSync(join(out, 'lambda/index.mjs'), 'utf8')).toMatch(/PLACEHOLDER/);
    expect(summary.bundle.status).toBe('placeholder');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/npx cdk deploy/);
    // Which landing keys are read, from the fixture's source s3('s3://landing/events/').
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(`keys at or under "events/" (s3('s3://landing/events/')`);
  });

  test('the summary counts the template resources by type and states the cdk-nag result', () => {
    const counted: Record<string, number> = {};
    for (const r of Object.values(json.Resources)) counted[r.Type] = (counted[r.Type] ?? 0) + 1;
    expect(summary.resources).toEqual(counted);
    expect(summary.resourceCount).toBe(Object.keys(json.Resources).length);
    expect(String(summary)).toMatch(/cdk-nag AwsSolutions: clean/);
  });

  test('the next step quotes the output folder for the shell (its name has a space)', () => {
    expect(String(summary)).toContain(`next: cd '${out}' && npm install && npx cdk deploy`);
  });
});

describe('the rendered CDK app', () => {
  test('app.ts (as `cdk synth` runs it) builds the same stack as template.json, from a folder whose path has a space and "é"', async () => {
    // esbuild stands in for tsx, and 'sluice/promote' resolves to the SDK source, as an installed sluice would.
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [join(out, 'app.ts')], outfile: join(out, 'app.check.mjs'), bundle: true, platform: 'node', format: 'esm',
      packages: 'external', alias: { 'sluice/promote': resolve('sdk/src/promote/index.ts') }, logLevel: 'silent',
    });
    symlinkSync(resolve('node_modules'), join(out, 'node_modules'), 'dir');
    const cdkOut = join(out, 'cdk.check');
    // Promoted without a module, the Lambda is a placeholder: app.ts refuses to synthesize it unless asked.
    expect(() => execFileSync(process.execPath, [join(out, 'app.check.mjs')], { cwd: out, env: { ...process.env, CDK_OUTDIR: cdkOut }, stdio: 'pipe' }))
      .toThrow(/lambda\/index\.mjs is a placeholder .* SLUICE_ALLOW_PLACEHOLDER=1/s);
    execFileSync(process.execPath, [join(out, 'app.check.mjs')], { cwd: out, env: { ...process.env, CDK_OUTDIR: cdkOut, SLUICE_ALLOW_PLACEHOLDER: '1' }, stdio: 'pipe' });
    const synthesized = JSON.parse(readFileSync(join(cdkOut, `${summary.stackName}.template.json`), 'utf8'));
    const shape = (t: typeof json) => Object.entries(t.Resources).map(([id, r]) => `${id} ${r.Type}`).sort();
    expect(shape(synthesized)).toEqual(shape(json));
    expect(synthesized.Resources).toEqual(json.Resources);
  }, 300_000);
});

describe('cdk-nag AwsSolutions', () => {
  test('no unacknowledged finding, and every acknowledgement gives a reason', () => {
    expect(summary.nag.unacknowledged).toEqual([]);
    const ours = summary.nag.acknowledged.filter((a) => a.id.includes('AwsSolutions-'));
    expect(ours.length).toBeGreaterThan(0);
    for (const a of summary.nag.acknowledged) expect(a.reason.trim().length, `${a.id} at ${a.path}`).toBeGreaterThan(20);
    // Each acknowledgement names one rule (and, for IAM5, one finding), never a whole rule family.
    for (const a of ours.filter((x) => x.id.includes('IAM5'))) expect(a.id).toMatch(/IAM5\[(Resource|Action)::.+\]$/);
  });
});

describe('synthesized template', () => {
  test('six buckets (landing, validated, quarantine, features, Athena results, access logs): encrypted, private, SSL-only, logged', () => {
    const buckets = resourcesOf('AWS::S3::Bucket');
    expect(buckets).toHaveLength(6);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toBe('AES256');
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      if (!id.includes('AccessLogs')) expect(bucket.Properties.LoggingConfiguration?.DestinationBucketName, id).toBeDefined();
    }
    const policies = resourcesOf('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(6);
    for (const [id, policy] of policies) {
      expect(policy.Properties.PolicyDocument.Statement, id).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
    const byId = (part: string) => buckets.find(([id]) => id.includes(part))![1].Properties;
    expect(byId('Landing').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(byId('Quarantine').LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' }));
  });

  test('S3 → SQS (SSE, SSL-only, DLQ after 5 receives) → Lambda (nodejs22.x, reserved concurrency, batch 10, partial batch responses)', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      VisibilityTimeout: 1800,
    });
    for (const [id, policy] of resourcesOf('AWS::SQS::QueuePolicy')) {
      expect(policy.Properties.PolicyDocument.Statement, id).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        // Only keys under the source's prefix are announced (landing-notification-filter.test.ts covers the globs).
        // Removals too: an overwritten or deleted object's rows leave the next aggregation (runtime/current-versions.ts).
        QueueConfigurations: [
          Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'events/' }] } } }),
          Match.objectLike({ Events: ['s3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'events/' }] } } }),
        ],
      },
    });
    const handlers = resourcesOf('AWS::Lambda::Function').filter(([, f]) => String(f.Properties.Description ?? '').includes('event stage'));
    expect(handlers).toHaveLength(1);
    const fn = handlers[0]![1].Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    // Concurrency is capped at the SQS trigger (throttled batches would count toward the dead-letter limit), not reserved.
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
    // A long object continues in a new message on its own queue.
    expect(fn.Environment.Variables[RUNTIME_ENV.continuationQueueUrl]).toEqual({ Ref: expect.stringMatching(/LandingEvents/) });
    expect(Object.keys(fn.Environment.Variables)).toEqual(expect.arrayContaining([RUNTIME_ENV.validatedBucket, RUNTIME_ENV.quarantineBucket, RUNTIME_ENV.idempotencyTable, RUNTIME_ENV.metricsNamespace, RUNTIME_ENV.serviceName]));
    expect(fn.Environment.Variables[RUNTIME_ENV.serviceName]).toBe(PIPELINE);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  test('the idempotency table: on demand, TTL on `expiration` (Powertools), PITR, key `id`', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('the Glue job (5.0, Python 3, encrypted) passes exactly the arguments the driver reads, on an hourly schedule', () => {
    const [[, job]] = resourcesOf('AWS::Glue::Job') as [[string, any]];
    expect(job.Properties.GlueVersion).toBe('5.0');
    expect(job.Properties.Command).toMatchObject({ Name: 'glueetl', PythonVersion: '3' });
    expect(job.Properties.SecurityConfiguration).toBeDefined();
    const args = job.Properties.DefaultArguments as Record<string, unknown>;
    const passed = Object.keys(args).filter((k) => !(k in GLUE_SYSTEM_ARGUMENTS) && k !== '--job-bookmark-option').map((k) => k.slice(2));
    expect(passed.sort()).toEqual(driverArguments().sort());
    // Lookback: the longest window (30d) and one cadence step (1d), where an entity's windows are empty again.
    expect(args).toMatchObject({ '--start_dt': 'auto', '--end_dt': 'auto', '--lookback_days': '31', '--reprocess_days': '2', '--input_view': 'valid_rows', '--plan_hash': definition().hash });
    template.hasResourceProperties('AWS::Glue::Trigger', { Type: 'SCHEDULED', Schedule: 'cron(0 * * * ? *)', StartOnCreation: true, Actions: [{ JobName: Match.anyValue() }] });
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: Match.objectLike({ CloudWatchEncryption: Match.objectLike({ CloudWatchEncryptionMode: 'SSE-KMS' }), JobBookmarksEncryption: Match.objectLike({ JobBookmarksEncryptionMode: 'CSE-KMS' }) }),
    });
  });

  test('a Glue database and the feature table, with partition projection on dt and the store columns', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'sluice_user_engagement', Description: Match.anyValue() } });
    const [[, table]] = resourcesOf('AWS::Glue::Table') as [[string, any]];
    const input = table.Properties.TableInput;
    expect(input.Name).toBe('user__engagement');
    expect(input.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string' }]);
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true', 'projection.dt.type': 'date', 'projection.dt.format': 'yyyy-MM-dd', 'projection.dt.range': '2020-01-01,NOW',
    });
    expect(JSON.stringify(input.Parameters['storage.location.template'])).toContain('/features/entity=user/feature_group=engagement/dt=${dt}');
    // Written out by hand from the fixture: counts are BIGINT, first of a string column STRING, the rest DOUBLE.
    const types: Record<string, string> = { events: 'bigint', clicks: 'bigint', spend: 'double', avg_spend: 'double', min_spend: 'double', max_spend: 'double', sd_spend: 'double', types: 'bigint', approx_types: 'bigint', first_type: 'string', last_amount: 'double' };
    const expected = [
      { Name: 'entity_id', Type: 'string' }, { Name: 'feature_ts', Type: 'timestamp' },
      ...Object.entries(types).flatMap(([f, t]) => ['1d', '7d', '30d'].map((w) => ({ Name: `${f}_${w}`, Type: t }))),
      { Name: '_plan_hash', Type: 'string' },
    ];
    expect(input.StorageDescriptor.Columns).toEqual(expected);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toMatch(/ParquetHiveSerDe/);
  });

  test('the FeatureStoreRoot output is the root above the table location (what trainingSet takes)', () => {
    const root = JSON.stringify(json.Outputs[Object.keys(json.Outputs).find((k) => k.includes('FeatureStoreRoot'))!].Value);
    const location = JSON.stringify(json.Outputs[Object.keys(json.Outputs).find((k) => k.includes('FeaturesLocation'))!].Value);
    expect(root).toMatch(/\/features"/);
    expect(location).toBe(root.replace(/\/features"/, '/features/entity=user/feature_group=engagement/"'));
  });

  test('the Athena workgroup enforces its settings, encrypts results and cuts off large scans', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
  });

  test('alarms (Lambda errors, DLQ depth, quarantine ratio, gate failures, skipped objects, unreadable objects) and a Glue-failure rule notify one encrypted, SSL-only topic', () => {
    const [[topicId, topic]] = resourcesOf('AWS::SNS::Topic') as [[string, any]];
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const topicPolicy = resourcesOf('AWS::SNS::TopicPolicy').map(([, p]) => p.Properties.PolicyDocument.Statement).flat();
    expect(topicPolicy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-oncall@example.com' });
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(6);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
    const metricNames = JSON.stringify(alarms.map(([, a]) => a.Properties));
    expect(metricNames).toContain('"MetricName":"Errors"');
    expect(metricNames).toContain('"MetricName":"ApproximateNumberOfMessagesVisible"');
    expect(metricNames).toContain(`"MetricName":"${RUNTIME_METRICS.rowsQuarantined}"`);
    expect(metricNames).toContain(`"MetricName":"${RUNTIME_METRICS.objectsSkipped}"`);
    expect(metricNames).toContain(`"MetricName":"${RUNTIME_METRICS.objectsUnreadable}"`);
    expect(metricNames).toContain(`"Namespace":"${RUNTIME_METRICS.namespace}"`);
    // CloudFormation refuses an AlarmDescription longer than 1024 characters.
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmDescription.length, id).toBeLessThanOrEqual(1024);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { jobName: [Match.anyValue()], state: ['FAILED', 'TIMEOUT', 'ERROR'] } },
      Targets: [Match.objectLike({ Arn: { Ref: topicId } })],
    });
  });

  test('the quarantine-ratio alarm fires above the limit, as the gate fails only above maxInvalidRatio (a ratio equal to it passes)', () => {
    const ratio = resourcesOf('AWS::CloudWatch::Alarm').find(([, a]) => JSON.stringify(a.Properties.Metrics ?? []).includes('quarantined / rowsIn'));
    expect(ratio).toBeDefined();
    const validate = definition().plan.steps.find((s) => s.kind === 'validate');
    const maxInvalidRatio = validate?.kind === 'validate' ? validate.gates.maxInvalidRatio : undefined;
    expect(maxInvalidRatio).toBeTypeOf('number');
    expect(ratio![1].Properties).toMatchObject({ Threshold: maxInvalidRatio, ComparisonOperator: 'GreaterThanThreshold' });
  });

  test('the skipped-objects alarm pages at the first landing object the source never reads (15-minute sums, as the gate-failure alarm), and says what to do', () => {
    const description = pagingCountAlarm('ObjectsSkipped');
    expect(description).toContain('objects the pipeline never reads');
    expect(description).toMatch(/misplaced data or a wrong glob/);
    // The handler's log message, as handler-glob-skip.test.ts asserts it: the operator searches the log for it.
    expect(description).toContain('"object skipped: its key is not selected by the source"');
    expect(description).toMatch(/Move such objects to keys the glob selects, or change the source's glob to select them and promote again/);
  });

  test('the unreadable-objects alarm pages at the first object that cannot be decoded (the quarantine ratio stays 0 when no row was read), and says where to look and what to do', () => {
    const description = pagingCountAlarm('ObjectsUnreadable');
    expect(description).toMatch(/could not be decoded \(a truncated gzip, text that is not UTF-8/);
    // The handler's log line and the error document's key, as handler-unreadable-object.test.ts finds them.
    expect(description).toContain('INFO line "object done" with "status":"unreadable"');
    expect(description).toContain(`quarantine/${PIPELINE}/dt=<date>/objects/<objectId>.error.json`);
    expect(description).toMatch(/Fix the object at its producer .* and land it again\.$/);
  });

  test('the alarms watch the metrics the runtime actually emits', () => {
    expect(RUNTIME_METRICS.rowsIn).toBe(RUNTIME_EMITS.rowsIn);
    expect(RUNTIME_METRICS.rowsQuarantined).toBe(RUNTIME_EMITS.rowsQuarantined);
    expect(RUNTIME_METRICS.gateFailures).toBe(RUNTIME_EMITS.gateFailures);
    expect(RUNTIME_METRICS.objectsSkipped).toBe(RUNTIME_EMITS.objectsSkipped);
    expect(RUNTIME_METRICS.objectsUnreadable).toBe(RUNTIME_EMITS.objectsUnreadable);
  });

  test('a monthly cost budget with 50/80/100% notifications, filtered on the pipeline tag', () => {
    const [[, budget]] = resourcesOf('AWS::Budgets::Budget') as [[string, any]];
    expect(budget.Properties.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 75, Unit: 'USD' }, CostFilters: { TagKeyValue: [`user:sluice:pipeline$${PIPELINE}`] } });
    expect(budget.Properties.NotificationsWithSubscribers.map((n: any) => n.Notification.Threshold)).toEqual([50, 80, 100]);
  });

  test('every taggable resource carries the cost-allocation tag', () => {
    const tagged = new Set<string>();
    for (const [id, r] of Object.entries(json.Resources)) {
      const tags = r.Properties?.Tags;
      if (tags === undefined) continue;
      const value = Array.isArray(tags) ? tags.find((t: any) => t.Key === 'sluice:pipeline')?.Value : tags['sluice:pipeline'];
      expect(value, `${id} (${r.Type})`).toBe(PIPELINE);
      tagged.add(r.Type);
    }
    for (const type of ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SNS::Topic', 'AWS::Athena::WorkGroup', 'AWS::Glue::Job', 'AWS::Glue::Trigger', 'AWS::IAM::Role', 'AWS::Logs::LogGroup']) {
      expect(tagged, type).toContain(type);
    }
  });

  test('least privilege: no IAM statement of ours grants a wildcard action', () => {
    for (const [id, policy] of resourcesOf('AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        for (const action of actions) expect(action, `${id}: ${action}`).not.toMatch(/\*/);
      }
    }
  });
});

describe('promote refuses what cannot run in AWS, before writing anything', () => {
  test('a .map() that closes over a notebook variable', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'sluice-refuse-')), 'deploy');
    const bad = definition({ mapSource: '(row) => ({ ...row, vip: row.amount > vipThreshold })' });
    await expect(promote(bad, { out: target })).rejects.toThrow(PlanError);
    await expect(promote(bad, { out: target })).rejects.toThrow(/"vipThreshold"/);
    expect(existsSync(target)).toBe(false);
  });
});
