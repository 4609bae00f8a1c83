/**
 * `FeaturePipeline`: a promoted sluice pipeline as one CDK construct, for `sluice promote`'s
 * generated app or for a user's own CDK app.
 *
 * event stage:     landing bucket → S3 notification → SQS (+ DLQ) → Lambda (the bundled
 *                  runtime) → validated / quarantine buckets; DynamoDB idempotency table.
 * aggregate stage: scheduled Glue job (the generic driver + the plan's compiled Spark SQL)
 *                  → features bucket, catalogued in Glue (partition projection on `dt`),
 *                  queried through an Athena workgroup with a bytes-scanned cutoff.
 * operations:      alarms → SNS, Glue failure rule, budget, cost-allocation tags.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { durationMs } from '../plan/duration.js';
import { RUNTIME_ENV } from '../runtime/runtime-env.js';
import { assertEventStageGates } from '../runtime/event-stage-gates.js';
import { AUTO_DATE, GLUE_SYSTEM_ARGUMENTS, INPUT_VIEW, glueDefaultArguments } from './glue-job-arguments.js';
import { aggregateSteps, featureTableColumns, glueDatabaseName, glueName, glueTableName } from '../features/glue-catalog-names.js';
import { PipelineBuckets } from './pipeline-buckets.js';
import { acknowledgeSharedFindings } from './nag-acknowledgements.js';
import { PipelineMonitoring, RUNTIME_METRICS } from './pipeline-monitoring.js';
import { toGlueCron } from './schedule-expression.js';
import { landingKeyFilter } from './landing-key-filter.js';
import { landingKeyRuleOf } from '../sources/landing-keys.js';
import { currentVersionsPrefix } from '../runtime/current-versions.js';
import { dirtyDatesPrefix } from '../runtime/dirty-dates.js';

export interface FeaturePipelineProps {
  /** The pipeline's plan (`plan.json`) and its hash. */
  readonly plan: PipelinePlan;
  readonly planHash: string;
  /** Folder holding the bundled Lambda handler. */
  readonly bundlePath: string;
  /** `file.export` of the handler inside the bundle. Default `index.handler`. */
  readonly handler?: string;
  /** The compiled aggregate query (`aggregate.spark.sql`). */
  readonly aggregateSqlPath: string;
  /** The generic Glue driver (`sluice_glue_driver.py`). */
  readonly glueScriptPath: string;
  /** When the aggregate job runs: `rate(1 hour)` (default) or a Glue `cron(...)`. */
  readonly schedule?: string;
  /** Monthly budget in USD (default 50) with 50/80/100% notifications. */
  readonly budgetUsd?: number;
  /** Alarm and budget notifications are also e-mailed here. */
  readonly alarmEmail?: string;
  /** Lambda settings (defaults: 1024 MB, 300 s, SQS batch size 10). */
  readonly lambdaMemoryMb?: number;
  readonly lambdaTimeoutSeconds?: number;
  /**
   * The most concurrent invocations the SQS trigger starts (default 10, 2–1000): the event
   * source's maximum concurrency, which AWS recommends over reserved concurrency for SQS, since
   * throttled batches go back to the queue and count toward the dead-letter limit.
   */
  readonly maxConcurrency?: number;
  /** Reserved concurrency for the function (default none: the account's unreserved pool). */
  readonly reservedConcurrency?: number;
  readonly batchSize?: number;
  /** Default NODEJS_22_X (the bundle targets Node 22). */
  readonly lambdaRuntime?: lambda.Runtime;
  /** Glue workers (G.1X, default 2) and the number of recent days each run recomputes (default 2). */
  readonly glueWorkers?: number;
  readonly reprocessDays?: number;
  /** Athena's per-query scan limit in bytes (default 10 GB). */
  readonly athenaBytesScannedCutoff?: number;
  readonly quarantineRetentionDays?: number;
  /** Quarantined/in ratio that raises the alarm (default: the plan's maxInvalidRatio, else 0.05). */
  readonly maxQuarantineRatio?: number;
  /** First date Athena's partition projection knows (default 2020-01-01). */
  readonly projectionStartDate?: string;
  /** Default RETAIN: data buckets and the table outlive `cdk destroy`. */
  readonly removalPolicy?: RemovalPolicy;
  /** Extra cost-allocation tags, added to every resource beside `sluice:pipeline`. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The cost-allocation tag every resource carries (and the budget filters on).
 *
 * @example
 * ```ts
 * Tags.of(myExtraBucket).add(PIPELINE_TAG, 'user-engagement'); // counted in the pipeline's budget
 * ```
 */
export const PIPELINE_TAG = 'sluice:pipeline';

/**
 * The AWS side of one sluice pipeline.
 *
 * @example
 * ```ts
 * const app = new App();
 * const stack = new Stack(app, 'UserEngagement');
 * new FeaturePipeline(stack, 'Pipeline', {
 *   plan, planHash, bundlePath: 'lambda', aggregateSqlPath: 'aggregate.spark.sql',
 *   glueScriptPath: 'glue/sluice_glue_driver.py', schedule: 'rate(1 hour)', budgetUsd: 100,
 * });
 * ```
 */
export class FeaturePipeline extends Construct {
  readonly buckets: PipelineBuckets;
  readonly key: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: lambda.Function;
  readonly idempotencyTable: dynamodb.Table;
  readonly glueJob: glue.CfnJob;
  readonly glueTrigger: glue.CfnTrigger;
  readonly database: glue.CfnDatabase;
  readonly featureTable: glue.CfnTable;
  readonly workgroup: athena.CfnWorkGroup;
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: FeaturePipelineProps) {
    super(scope, id);
    const plan = props.plan;
    const name = plan.name;
    // A user's own CDK app reaches here without promote(): a gate the Lambda cannot enforce stops the synth too.
    assertEventStageGates(plan);
    const { window, sink } = aggregateSteps(plan);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);

    Tags.of(this).add(PIPELINE_TAG, name);
    Tags.of(this).add('sluice:plan-hash', props.planHash);
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(this).add(key, value);

    this.key = new kms.Key(this, 'Key', {
      description: `sluice ${name}: alerts topic, Glue logs and job bookmarks`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.buckets = new PipelineBuckets(this, 'Buckets', {
      quarantineRetentionDays: props.quarantineRetentionDays ?? 30,
      athenaResultsRetentionDays: 30,
      removalPolicy,
    });
    const { landing, validated, quarantine, features, athenaResults } = this.buckets;
    // The event stage's layout (runtime/zone-keys.ts): data, then completion manifests, and
    // which version of each landing key is current (runtime/current-versions.ts).
    const validatedPrefix = `validated/${name}/`;
    const manifestsPrefix = `_manifests/${name}/`;
    const currentPrefix = currentVersionsPrefix(name);
    const dirtyPrefix = dirtyDatesPrefix(name);
    const featuresPrefix = `features/entity=${sink.entity}/feature_group=${sink.group}/`;

    // ---- event stage ----
    const lambdaTimeout = Duration.seconds(props.lambdaTimeoutSeconds ?? 300);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the landing-events queue.',
    });
    this.queue = new sqs.Queue(this, 'LandingEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(lambdaTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    // Only keys the source could select are announced; the handler decides exactly (and logs
    // and counts what it skips), since S3 can test no more than a literal prefix and suffix.
    const keyFilter = landingKeyFilter(landingKeyRuleOf(plan));
    landing.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), ...(keyFilter ? [keyFilter] : []));
    // Removals too: an overwritten or deleted object's rows leave the next aggregation, as they
    // leave a local run. (Lifecycle expirations are retention, not retractions: not subscribed.)
    landing.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SqsDestination(this.queue), ...(keyFilter ? [keyFilter] : []));
    // CDK's bucket-notification custom resource now exists at stack level: acknowledge its findings, with reasons.
    acknowledgeSharedFindings(stack);

    this.idempotencyTable = new dynamodb.Table(this, 'Idempotency', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration', // Powertools idempotency's expiry attribute
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY, // records expire anyway; nothing to keep
    });

    const logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    const handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sluice ${name}: event-stage Lambda`,
    });
    logGroup.grantWrite(handlerRole);
    this.handler = new lambda.Function(this, 'Handler', {
      runtime: props.lambdaRuntime ?? lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(props.bundlePath),
      handler: props.handler ?? 'index.handler',
      memorySize: props.lambdaMemoryMb ?? 1024,
      timeout: lambdaTimeout,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: handlerRole,
      logGroup,
      description: `sluice ${name} event stage (plan ${props.planHash})`,
      environment: {
        [RUNTIME_ENV.validatedBucket]: validated.bucketName,
        [RUNTIME_ENV.quarantineBucket]: quarantine.bucketName,
        [RUNTIME_ENV.idempotencyTable]: this.idempotencyTable.tableName,
        [RUNTIME_ENV.metricsNamespace]: RUNTIME_METRICS.namespace,
        [RUNTIME_ENV.serviceName]: name,
        [RUNTIME_ENV.timeReserveMs]: String(Math.min(20_000, Math.floor(lambdaTimeout.toMilliseconds() / 5))),
        // A long object goes on in a new message here, not in redeliveries counted toward the dead-letter limit.
        [RUNTIME_ENV.continuationQueueUrl]: this.queue.queueUrl,
      },
    });
    if (this.handler.runtime === lambda.Runtime.NODEJS_22_X) {
      Validations.of(this.handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The bundle is built (esbuild target node22) and tested on Node 22, a supported Lambda runtime; pass lambdaRuntime: Runtime.NODEJS_24_X to move up after testing the bundle there.',
      });
    }
    this.handler.addEventSource(new SqsEventSource(this.queue, {
      batchSize: props.batchSize ?? 10,
      reportBatchItemFailures: true,
      maxBatchingWindow: (props.batchSize ?? 10) > 10 ? Duration.seconds(5) : undefined,
      maxConcurrency: props.maxConcurrency ?? 10,
    }));
    this.queue.grantSendMessages(handlerRole);
    // Least privilege, by explicit action: read landing; write and delete in both zones (an object
    // failing a gate after some segments has its validated AND quarantined row files deleted;
    // checkpoints and unique-key files go when it is done). ListBucket: a missing key is a 404,
    // not a 403. handler-permissions.test.ts derives these from every call the handler makes.
    const objects = (bucket: s3.Bucket, ...actions: string[]) => new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects('*')] });
    handlerRole.addToPolicy(objects(landing, 's3:GetObject', 's3:GetObjectVersion'));
    handlerRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [landing.bucketArn, validated.bucketArn, quarantine.bucketArn] }));
    handlerRole.addToPolicy(objects(validated, 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'));
    handlerRole.addToPolicy(objects(quarantine, 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'));
    this.idempotencyTable.grant(handlerRole, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    const bucketArnRef = (bucket: s3.Bucket) => `<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    for (const [bucket, why] of [
      [landing, 'reads any object the notification names (keys are user data, unknown before the event)'],
      [validated, 'writes (and replaces or deletes) Parquet segments, manifests, checkpoints, unique-key files, current-version and dirty-date markers at keys derived from each object identity and the plan hash'],
      [quarantine, 'writes rejected rows and unreadable or gate-failed objects at keys derived from each object identity, and deletes the row files of an object it then quarantines whole'],
    ] as const) {
      Validations.of(handlerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArnRef(bucket)}/*]`,
        reason: `The event-stage Lambda ${why}; its actions are listed one by one (no wildcard actions) and limited to this pipeline's bucket.`,
      });
    }
    handlerRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'], // PutMetricData has no resource type; the condition limits it to our namespace
      conditions: { StringEquals: { 'cloudwatch:namespace': RUNTIME_METRICS.namespace } },
    }));

    // ---- aggregate stage ----
    const script = new s3assets.Asset(this, 'GlueDriver', { path: props.glueScriptPath });
    const sql = new s3assets.Asset(this, 'AggregateSql', { path: props.aggregateSqlPath });
    const glueRole = new iam.Role(this, 'GlueRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `sluice ${name}: aggregate-stage Glue job`,
    });
    for (const asset of [script, sql]) {
      glueRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${stack.partition}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`] }));
    }
    glueRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [validated.bucketArn, features.bucketArn] }));
    // Hadoop's file system asks about a folder by its key without the slash (`fs.exists`, Spark's
    // basePath, the output committer's checks): S3 answers 403, not 404, where GetObject is not
    // granted on that key, and the job fails. No such object exists; the grant only makes the answer 404.
    glueRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [
        ...[validatedPrefix, manifestsPrefix, currentPrefix, dirtyPrefix].flatMap((prefix) => folderKeys(prefix).map((key) => validated.arnForObjects(key))),
        ...folderKeys(featuresPrefix).map((key) => features.arnForObjects(key)),
      ],
    }));
    glueRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [validated.arnForObjects(`${validatedPrefix}*`), validated.arnForObjects(`${manifestsPrefix}*`), validated.arnForObjects(`${currentPrefix}*`)],
    }));
    // Dirty-date markers: read, then deleted once their features are written.
    glueRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [validated.arnForObjects(`${dirtyPrefix}*`)] }));
    // Dynamic partition overwrite stages files, then replaces each touched dt folder.
    glueRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [features.arnForObjects(`${featuresPrefix}*`)],
    }));
    const glueLogGroups = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws-glue/*`;
    glueRole.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
      resources: [glueLogGroups],
    }));
    glueRole.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
    }));
    this.key.grant(glueRole, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'], // in a key policy, '*' means this key
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws-glue/*` } },
    }));
    Validations.of(glueRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/*]`,
      reason: 'Glue names its log groups per run and security configuration under /aws-glue/; the role may write only there.',
    });
    for (const [bucket, prefix] of [[validated, validatedPrefix], [validated, manifestsPrefix], [validated, currentPrefix], [validated, dirtyPrefix], [features, featuresPrefix]] as const) {
      Validations.of(glueRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArnRef(bucket)}/${prefix}*]`,
        reason: `The Glue job reads (features: rewrites; dirty-date markers: deletes once processed) objects under ${prefix} whose names are known only at run time; access is limited to that prefix and its actions are listed one by one.`,
      });
    }
    for (const ack of ['Resource::*']) {
      Validations.of(glueRole).acknowledge({ id: `AwsSolutions-IAM5[${ack}]`, reason: 'cloudwatch:PutMetricData has no resource type; a condition limits it to the Glue namespace.' });
      Validations.of(handlerRole).acknowledge({ id: `AwsSolutions-IAM5[${ack}]`, reason: 'cloudwatch:PutMetricData has no resource type; a condition limits it to the sluice metrics namespace.' });
    }

    const securityConfiguration = new glue.CfnSecurityConfiguration(this, 'GlueSecurity', {
      name: `sluice-${glueName(name)}-${props.planHash.slice(0, 8)}`,
      encryptionConfiguration: {
        s3Encryptions: [{ s3EncryptionMode: 'SSE-S3' }],
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: this.key.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: this.key.keyArn },
      },
    });
    // The longest window plus one cadence step, in whole days: an event feeds rows up to that far
    // after it (the last, where its windows are all empty, included), and that row is read
    // from input back to the event. The driver recomputes that far after a dirty date.
    const lookbackDays = Math.ceil((Math.max(...window.windows.map((w) => durationMs(w))) + durationMs(window.every)) / 86_400_000);
    this.glueJob = new glue.CfnJob(this, 'AggregateJob', {
      role: glueRole.roleArn,
      description: `sluice ${name}: windowed features (plan ${props.planHash})`,
      glueVersion: '5.0',
      command: { name: 'glueetl', pythonVersion: '3', scriptLocation: script.s3ObjectUrl },
      workerType: 'G.1X',
      numberOfWorkers: props.glueWorkers ?? 2,
      timeout: 120,
      maxRetries: 1,
      executionProperty: { maxConcurrentRuns: 1 }, // two runs must never overwrite the same dt at once
      securityConfiguration: securityConfiguration.ref,
      defaultArguments: {
        ...GLUE_SYSTEM_ARGUMENTS,
        '--job-bookmark-option': 'job-bookmark-disable',
        ...glueDefaultArguments({
          aggregateSqlUri: sql.s3ObjectUrl,
          validatedPath: validated.s3UrlForObject(validatedPrefix),
          manifestsPath: validated.s3UrlForObject(manifestsPrefix),
          currentVersionsPath: validated.s3UrlForObject(currentPrefix),
          dirtyDatesPath: validated.s3UrlForObject(dirtyPrefix),
          featuresPath: features.s3UrlForObject(featuresPrefix),
          inputView: INPUT_VIEW,
          startDt: AUTO_DATE,
          endDt: AUTO_DATE,
          reprocessDays: String(props.reprocessDays ?? 2),
          lookbackDays: String(lookbackDays),
          planHash: props.planHash,
        }),
      },
    });
    this.glueTrigger = new glue.CfnTrigger(this, 'Schedule', {
      type: 'SCHEDULED',
      schedule: toGlueCron(props.schedule ?? 'rate(1 hour)'),
      startOnCreation: true,
      description: `sluice ${name}: aggregate schedule`,
      actions: [{ jobName: this.glueJob.ref }],
    });

    // ---- catalog and query ----
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: glueDatabaseName(name), description: `sluice feature store of pipeline ${name}` },
    });
    const location = features.s3UrlForObject(featuresPrefix);
    this.featureTable = new glue.CfnTable(this, 'FeatureTable', {
      catalogId: stack.account,
      databaseName: glueDatabaseName(name),
      tableInput: {
        name: glueTableName(sink.entity, sink.group),
        description: `Features of ${sink.entity}/${sink.group}, every ${window.every}, windows ${window.windows.join(', ')}`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string' }],
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.projectionStartDate ?? '2020-01-01'},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}`,
          'sluice.plan_hash': props.planHash,
        },
        storageDescriptor: {
          location,
          columns: featureTableColumns(plan).map((c) => ({ name: c.name, type: c.type })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    this.featureTable.node.addDependency(this.database);

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: `sluice-${glueName(name)}`,
      description: `sluice ${name}: training sets and feature reads`,
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.athenaBytesScannedCutoff ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: athenaResults.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    new CfnOutput(this, 'LandingBucket', { value: landing.bucketName, description: 'Put raw files here' });
    new CfnOutput(this, 'FeaturesLocation', { value: location, description: 'Feature store partitions (dt=YYYY-MM-DD)' });
    // What trainingSet() and featureStore() take: the store root, above entity=/feature_group=.
    new CfnOutput(this, 'FeatureStoreRoot', { value: features.s3UrlForObject('features'), description: 'The feature store root to pass to featureStore() for training sets (with the athena() engine)' });
    new CfnOutput(this, 'GlueJobName', { value: this.glueJob.ref });
    new CfnOutput(this, 'AthenaWorkgroup', { value: this.workgroup.ref });

    // ---- operations ----
    const maxInvalidRatio = plan.steps.find((s) => s.kind === 'validate')?.gates.maxInvalidRatio;
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      pipelineName: name,
      key: this.key,
      handler: this.handler,
      deadLetterQueue: this.deadLetterQueue,
      glueJobName: this.glueJob.ref,
      maxQuarantineRatio: props.maxQuarantineRatio ?? maxInvalidRatio ?? 0.05,
      budgetUsd: props.budgetUsd ?? 50,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      costTag: { key: PIPELINE_TAG, value: name },
    });
  }
}

/**
 * The keys Hadoop probes for a folder prefix and its parents, without their slashes:
 * `features/entity=user/feature_group=g/` → `features`, `features/entity=user`, `features/entity=user/feature_group=g`.
 */
function folderKeys(prefix: string): string[] {
  const parts = prefix.split('/').filter((part) => part !== '');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
