/**
 * What tells a human that a promoted pipeline needs attention: one SNS topic (KMS-encrypted,
 * SSL-only), CloudWatch alarms on it, an EventBridge rule for failed Glue runs, and an AWS
 * Budget with 50/80/100% notifications.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The EMF metrics the Lambda runtime emits (Powertools Metrics, dimension `service` = the
 * pipeline name). Mirrors `RUNTIME_METRICS` in runtime/runtime-telemetry.ts, which promote may
 * not import (it loads Powertools); a test checks that the two agree.
 */
export const RUNTIME_METRICS = {
  namespace: 'sluice',
  rowsIn: 'RowsIn',
  rowsQuarantined: 'RowsQuarantined',
  gateFailures: 'GateFailures',
  objectsSkipped: 'ObjectsSkipped',
  objectsUnreadable: 'ObjectsUnreadable',
} as const;

export interface PipelineMonitoringProps {
  readonly pipelineName: string;
  readonly key: kms.IKey;
  readonly handler: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly glueJobName: string;
  /** Alarm when quarantined / in rows over 15 minutes exceeds this. */
  readonly maxQuarantineRatio: number;
  readonly budgetUsd: number;
  readonly alarmEmail?: string;
  /** The cost-allocation tag the budget filters on (`key`, `value`). */
  readonly costTag: { readonly key: string; readonly value: string };
}

export class PipelineMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly glueFailureRule: events.Rule;
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alerts', {
      displayName: `sluice ${props.pipelineName} alerts`,
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    // The services that publish here, each limited to this account. Once the topic has a
    // policy, the default owner-only policy no longer applies, so CloudWatch needs its own.
    for (const service of ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']) {
      this.topic.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(service)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }));
    }
    // …and they must be able to use the topic's key.
    props.key.addToResourcePolicy(new iam.PolicyStatement({
      principals: ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com', 'events.amazonaws.com'].map((s) => new iam.ServicePrincipal(s)),
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'], // in a key policy, '*' means this key
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      description: string,
      threshold: number,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${props.pipelineName}: ${description}`,
      });
      a.addAlarmAction(notify);
      this.alarms.push(a);
      return a;
    };

    alarm('LambdaErrors', props.handler.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'the event-stage Lambda failed (see its logs); SQS retries the objects, then moves them to the DLQ.', 1);
    alarm('DeadLetters', props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'objects landed in the dead-letter queue after repeated failures; inspect and redrive them.', 1);

    const service = { service: props.pipelineName };
    const runtimeSum = (metricName: string) => new cloudwatch.Metric({
      namespace: RUNTIME_METRICS.namespace, metricName, dimensionsMap: service, statistic: 'Sum', period: Duration.minutes(15),
    });
    alarm('QuarantineRatio', new cloudwatch.MathExpression({
      expression: 'IF(rowsIn > 0, quarantined / rowsIn, 0)',
      usingMetrics: { rowsIn: runtimeSum(RUNTIME_METRICS.rowsIn), quarantined: runtimeSum(RUNTIME_METRICS.rowsQuarantined) },
      label: 'quarantined / rows in',
      period: Duration.minutes(15),
    }), `more than ${props.maxQuarantineRatio * 100}% of incoming rows were quarantined; look in the quarantine bucket for the reasons.`,
    // Strictly above, as maxInvalidRatio fails only above its limit: a ratio equal to it passes the gate and must not page.
    props.maxQuarantineRatio, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD);
    // The runtime counts an object in GateFailures when it goes whole to quarantine for either
    // reason (its manifest status is `quarantined`); the metric keeps its older, narrower name.
    alarm('GateFailures', runtimeSum(RUNTIME_METRICS.gateFailures),
      'an object went whole to the quarantine bucket: a batch gate failed (maxInvalidRatio, unique, notNull or references), or a map() dropped a column a later step reads. ' +
      'Its .error.json beside it says which and what to change; land the object again once the data or the pipeline is fixed.', 1);
    // A skipped object is never read, quarantined or retried: without this alarm, data landed
    // at the wrong key (or a glob that misses it) would be left out of every feature silently.
    // Threshold 1, as for gate failures: the landing bucket holds inputs only, so even one object
    // nobody reads deserves a look (the handler logs each at WARN for the same reason).
    alarm('ObjectsSkipped', runtimeSum(RUNTIME_METRICS.objectsSkipped),
      'the landing bucket received objects the pipeline never reads (their keys are not selected by the source\'s glob): misplaced data or a wrong glob. ' +
      'The event-stage Lambda\'s log has a WARN line "object skipped: its key is not selected by the source" with each key and the reason. Move such objects to keys the glob selects, ' +
      'or change the source\'s glob to select them and promote again; stop writers from putting other files (e.g. _SUCCESS markers) into the landing bucket.', 1);
    // An object that cannot be decoded goes whole to quarantine, often before any row was read:
    // then RowsIn and RowsQuarantined stay 0, so the ratio alarm stays at 0 and nothing else
    // pages while the data is left out of every feature. Threshold 1, as for gate failures.
    alarm('ObjectsUnreadable', runtimeSum(RUNTIME_METRICS.objectsUnreadable),
      'a landing object could not be decoded (a truncated gzip, text that is not UTF-8, gzip data without .gz, a format the source cannot tell) and went whole to the quarantine bucket: none of its rows reach the features. ' +
      'The event-stage Lambda\'s log has an INFO line "object done" with "status":"unreadable", the object\'s S3 URI, its objectId and the "error"; ' +
      `the quarantine bucket holds quarantine/${props.pipelineName}/dt=<date>/objects/<objectId>.error.json (dt: the UTC date it landed), whose "error" says what is wrong and what to do, beside a copy of the object. ` +
      'Fix the object at its producer (upload it complete, re-encode it as UTF-8, name gzip data .gz or give the source its format or compression) and land it again.', 1);

    this.glueFailureRule = new events.Rule(this, 'GlueJobFailed', {
      description: `${props.pipelineName}: the aggregate Glue job failed, timed out or errored`,
      eventPattern: {
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [props.glueJobName], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
      },
    });
    this.glueFailureRule.addTarget(new targets.SnsTopic(this.topic));

    const subscribers = [
      { subscriptionType: 'SNS', address: this.topic.topicArn },
      ...(props.alarmEmail ? [{ subscriptionType: 'EMAIL', address: props.alarmEmail }] : []),
    ];
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `sluice-${props.pipelineName}`.slice(0, 100),
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.budgetUsd, unit: 'USD' },
        // Counts only this pipeline's resources once the tag is activated for cost allocation.
        costFilters: { TagKeyValue: [`user:${props.costTag.key}$${props.costTag.value}`] },
      },
      notificationsWithSubscribers: [50, 80, 100].map((threshold) => ({
        notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
        subscribers,
      })),
    });
    this.budget.node.addDependency(this.topic);
  }
}
