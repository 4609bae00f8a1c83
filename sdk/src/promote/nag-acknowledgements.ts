/**
 * Acknowledgements (cdk-nag v3: `Validations.of(x).acknowledge({ id, reason })`, the successor
 * of v2's `NagSuppressions`) for findings on constructs CDK creates itself, outside
 * `FeaturePipeline`'s own code. Each one says why; a test checks that every acknowledgement
 * in the app has a reason.
 */
import type { Stack } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';

/** CDK's singleton Lambda that configures S3 → SQS bucket notifications (a custom resource). */
const BUCKET_NOTIFICATIONS_HANDLER = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

const acknowledged = new WeakSet<object>();

/**
 * Acknowledges the findings on CDK-owned helper constructs of a stack holding a `FeaturePipeline`
 * (the construct calls it itself; calling it again is harmless).
 *
 * @example
 * ```ts
 * acknowledgeSharedFindings(stack); // after anything else that adds S3 bucket notifications
 * ```
 */
export function acknowledgeSharedFindings(stack: Stack): void {
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER);
  if (handler && !acknowledged.has(handler)) {
    acknowledged.add(handler);
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's own bucket-notification custom resource (deploy time only) uses the basic execution role for its logs; CDK does not expose its role.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: "CDK's bucket-notification custom resource needs s3:PutBucketNotification on buckets it learns at deploy time; it runs only during deployment.",
      },
    );
  }
}
